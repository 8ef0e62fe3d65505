#include "formats/json_writer.h"

#include <gtest/gtest.h>

namespace cs::formats {
namespace {

std::string quoted(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

TEST(JsonWriter, EscapesWhatJsonRequires) {
    EXPECT_EQ(quoted("plain"), "\"plain\"");
    EXPECT_EQ(quoted("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(quoted("l1\nl2\t\r"), R"("l1\nl2\t\r")");
    EXPECT_EQ(quoted(std::string_view("\x00\x1f", 2)), R"("\u0000\u001f")");
    EXPECT_EQ(quoted(""), "\"\"");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalidBytes) {
    EXPECT_EQ(quoted("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
    EXPECT_EQ(quoted("a\xFF"
                     "b"),
              "\"a\xEF\xBF\xBD"
              "b\"");
    EXPECT_EQ(quoted("\xC3"), "\"\xEF\xBF\xBD\"");                  // truncated
    EXPECT_EQ(quoted("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
    EXPECT_EQ(quoted("\xED\xA0\x80"),
              "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
    EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

TEST(JsonWriter, ObjectWriter) {
    std::string out;
    json_object_writer w(out);
    w.string("topic", "clicks").number("partition", int64_t{2}).null("key").boolean("ok", true);
    w.number("ratio", 0.5).raw("value", R"({"a":1})");
    w.close();
    EXPECT_EQ(
        out,
        R"({"topic":"clicks","partition":2,"key":null,"ok":true,"ratio":0.5,"value":{"a":1}})");
}

}  // namespace
}  // namespace cs::formats
