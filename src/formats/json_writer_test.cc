#include "formats/json_writer.h"

#include <gtest/gtest.h>

#include "formats/json_plain.h"

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

// The sixteen-bytes-at-a-time path (eight without SSE2) must see a byte to escape (or a
// non-ASCII one) at every position of a word and in the tail after it.
TEST(JsonWriter, EscapesAtEveryPositionOfLongStrings) {
    const std::pair<char, std::string_view> cases[] = {
        {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}};
    for (size_t len = 1; len <= 40; ++len) {
        for (size_t at = 0; at < len; ++at) {
            for (const auto& [c, escaped] : cases) {
                std::string in(len, 'a');
                in[at] = c;
                const std::string want = "\"" + std::string(at, 'a') + std::string(escaped) +
                                         std::string(len - at - 1, 'a') + "\"";
                EXPECT_EQ((quoted)(in), want) << "length " << len << ", at " << at;
            }
            std::string in(len, ' ');
            in[at] = '\xff';  // invalid UTF-8
            EXPECT_EQ((quoted)(in), "\"" + std::string(at, ' ') + "\xEF\xBF\xBD" +
                                        std::string(len - at - 1, ' ') + "\"");
        }
    }
    // Bytes just around the ones that need escaping stay as they are.
    EXPECT_EQ(quoted(" !#[]~\x7f 0123456789"), "\" !#[]~\x7f 0123456789\"");
    EXPECT_EQ(quoted("h\xC3\xA9llo w\xC3\xB6rld, caf\xC3\xA9!"),
              "\"h\xC3\xA9llo w\xC3\xB6rld, caf\xC3\xA9!\"");
}

// Both scans (SSE2 where built, SWAR elsewhere) stop at the same byte: every
// kind of byte at every position of every length up to three blocks.
TEST(JsonWriter, PlainPrefixScansAgree) {
    const char kinds[] = {'"',    '\\',   '\n',   '\x01', '\x1f', '\x7f',
                          '\x80', '\xc3', '\xff', ' ',    '~'};
    for (size_t len = 0; len <= 48; ++len) {
        std::string plain(len, 'x');
        EXPECT_EQ(json_plain::prefix_swar(plain), len);
#if defined(__SSE2__)
        EXPECT_EQ(json_plain::prefix_sse2(plain), len);
#endif
        for (size_t at = 0; at < len; ++at) {
            for (char k : kinds) {
                std::string in = plain;
                in[at] = k;
                const size_t want = json_plain::plain_byte(k) ? len : at;
                EXPECT_EQ(json_plain::prefix_swar(in), want) << "length " << len << ", at " << at;
#if defined(__SSE2__)
                EXPECT_EQ(json_plain::prefix_sse2(in), want) << "length " << len << ", at " << at;
#endif
            }
        }
    }
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
