// ENCODE, TO_BYTES, FROM_BYTES and the *_FROM_BYTES conversions: ksqlDB's
// documented examples and its UDFs' edges.

#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

typed bytes(std::string b) {
    return {value(bytes_value{std::move(b)}), sql_type::bytes()};
}

TEST(FunctionsBytes, Encode) {
    EXPECT_EQ(call("ENCODE", {str("ksqlDB"), str("utf8"), str("hex")}), value("6b73716c4442"));
    EXPECT_EQ(call("ENCODE", {str("6B73716C4442"), str("HEX"), str("utf8")}), value("ksqlDB"));
    EXPECT_EQ(call("ENCODE", {str("0x6b73716c4442"), str("hex"), str("ascii")}), value("ksqlDB"));
    EXPECT_EQ(call("ENCODE", {str("X'6b'"), str("hex"), str("utf8")}), value("k"));
    EXPECT_EQ(call("ENCODE", {str("0x1"), str("hex"), str("base64")}), value("AQ=="));
    EXPECT_EQ(call("ENCODE", {str("ksqlDB"), str("utf8"), str("base64")}), value("a3NxbERC"));
    EXPECT_EQ(call("ENCODE", {str("a3Nx bERC"), str("base64"), str("utf8")}), value("ksqlDB"))
        << "commons-codec skips characters outside the alphabet";
    EXPECT_EQ(call("ENCODE", {str("h\xC3\xA9"), str("utf8"), str("ascii")}),
              value("h\xEF\xBF\xBD\xEF\xBF\xBD"));
    EXPECT_EQ(call("ENCODE", {str("h\xC3\xA9"), str("ascii"), str("hex")}), value("683f"));
    EXPECT_FALSE(try_call("ENCODE", {str("abc"), str("hex"), str("utf8")}).ok()) << "odd length";
    EXPECT_FALSE(try_call("ENCODE", {str("zz"), str("hex"), str("utf8")}).ok());
    EXPECT_FALSE(try_call("ENCODE", {str("a"), str("utf8"), str("utf8")}).ok());
    EXPECT_FALSE(try_call("ENCODE", {str("a"), str("utf8"), str("ebcdic")}).ok());
    EXPECT_TRUE(call("ENCODE", {null_of(sql_type::string()), str("utf8"), str("hex")}).is_null());
}

TEST(FunctionsBytes, ToAndFromBytes) {
    EXPECT_EQ(call("TO_BYTES", {str("6b73"), str("hex")}), bytes("ks").v);
    EXPECT_EQ(call("TO_BYTES", {str("a3NxbERC"), str("base64")}), bytes("ksqlDB").v);
    EXPECT_EQ(call("TO_BYTES", {str("AQ"), str("base64")}), bytes("\x01").v) << "padding optional";
    EXPECT_EQ(call("TO_BYTES", {str("h\xC3\xA9"), str("utf8")}), bytes("h\xC3\xA9").v);
    EXPECT_EQ(call("TO_BYTES", {str("h\xC3\xA9"), str("ascii")}), bytes("h?").v);
    EXPECT_FALSE(try_call("TO_BYTES", {str("0x6b"), str("hex")}).ok());
    EXPECT_FALSE(try_call("TO_BYTES", {str("a3N*"), str("base64")}).ok());
    EXPECT_FALSE(try_call("TO_BYTES", {str("x"), str("rot13")}).ok());
    EXPECT_EQ(call("FROM_BYTES", {bytes("ks"), str("hex")}), value("6B73"));
    EXPECT_EQ(call("FROM_BYTES", {bytes("ksqlDB"), str("BASE64")}), value("a3NxbERC"));
    EXPECT_EQ(call("FROM_BYTES", {bytes("h\xC3\xA9"), str("utf8")}), value("h\xC3\xA9"));
    EXPECT_EQ(call("FROM_BYTES", {bytes("h\xC3"), str("ascii")}), value("h\xEF\xBF\xBD"));
}

TEST(FunctionsBytes, NumbersFromBytes) {
    EXPECT_EQ(call("INT_FROM_BYTES", {bytes(std::string("\x00\x00\x01\xF4", 4))}),
              value(int32_t{500}));
    EXPECT_EQ(
        call("INT_FROM_BYTES", {bytes(std::string("\xF4\x01\x00\x00", 4)), str("LITTLE_ENDIAN")}),
        value(int32_t{500}));
    EXPECT_EQ(call("INT_FROM_BYTES", {bytes("\xFF\xFF\xFF\xFF")}), value(int32_t{-1}));
    EXPECT_EQ(call("BIGINT_FROM_BYTES", {bytes(std::string("\0\0\0\0\0\0\x01\0", 8))}),
              value(int64_t{256}));
    EXPECT_EQ(
        call("DOUBLE_FROM_BYTES", {bytes(std::string("\x40\x09\x21\xFB\x54\x44\x2D\x18", 8))}),
        value(3.141592653589793));
    auto short_input = try_call("INT_FROM_BYTES", {bytes("ab")});
    ASSERT_FALSE(short_input.ok());
    EXPECT_NE(short_input.err().message.find("must be equal to 4, but found 2"), std::string::npos);
    EXPECT_FALSE(try_call("INT_FROM_BYTES", {bytes("abcd"), str("MIDDLE_ENDIAN")}).ok());
    EXPECT_TRUE(call("INT_FROM_BYTES", {null_of(sql_type::bytes())}).is_null());
}

}  // namespace
}  // namespace cs::streams
