// PRINT's format guessing and lines (record_formatter.h), against what
// ksqlDB's RecordFormatter / TopicStreamWriter print for the same bytes.

#include "streams/record_formatter.h"

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

using namespace std::string_literals;
using lines = std::vector<std::string>;

std::string be64(int64_t v) {
    std::string out(8, '\0');
    for (int i = 7; i >= 0; --i) {
        out[static_cast<size_t>(i)] = static_cast<char>(v & 0xFF);
        v >>= 8;
    }
    return out;
}

TEST(RecordFormatter, StringKeyAndJsonValue) {
    topic_printer p(1, std::nullopt);
    std::string key = "u1";
    std::string value = R"({"PAGE":"/a","N":1})";
    std::vector<print_record> batch = {{key, value, 1773849202989, 1}};
    EXPECT_EQ(p.batch(batch),
              (lines{"Key format: KAFKA_STRING", "Value format: JSON or KAFKA_STRING",
                     "rowtime: 2026/03/18 15:53:22.989 Z, key: u1, value: "
                     "{\"PAGE\":\"/a\",\"N\":1}, partition: 1"}));
    // Same formats: no format lines again.
    EXPECT_EQ(p.batch(batch).size(), 1u);
}

TEST(RecordFormatter, LongStringKeysAlsoReadAsTimeWindowedKeys) {
    // ksqlDB's own quirk: 9 bytes are a 1-byte key plus a positive window start.
    record_formatter f;
    std::string key = "user-0001";
    std::string value = "x";
    std::vector<print_record> batch = {{key, value, 0, 0}};
    auto out = f.format(batch);
    EXPECT_EQ(out, (lines{"rowtime: 1970/01/01 00:00:00.000 Z, key: [u@8315177825417048113/-], "
                          "value: x, partition: 0"}));
    EXPECT_EQ(f.possible_key_formats(),
              (lines{"HOPPING(KAFKA_STRING)", "TUMBLING(KAFKA_STRING)", "KAFKA_STRING"}));
    EXPECT_EQ(f.possible_value_formats(), (lines{"KAFKA_STRING"}));
}

TEST(RecordFormatter, NumbersNullsAndUnreadableBytes) {
    record_formatter f;
    std::string int_key = "\0\0\0\x05"s;
    std::string dbl = be64(4609434218613702656);  // 1.5 as a double
    std::vector<print_record> batch = {{int_key, dbl, -1, 0}};
    EXPECT_EQ(f.format(batch), (lines{"rowtime: N/A, key: 5, value: 4609434218613702656, "
                                      "partition: 0"}));
    EXPECT_EQ(f.possible_key_formats(), (lines{"KAFKA_INT", "KAFKA_STRING"}));
    EXPECT_EQ(f.possible_value_formats(), (lines{"KAFKA_BIGINT", "KAFKA_DOUBLE"}));

    record_formatter g;
    std::string bad = "\xff\\a";
    std::vector<print_record> nulls = {{std::nullopt, bad, 0, 2}};
    EXPECT_EQ(g.format(nulls), (lines{"rowtime: 1970/01/01 00:00:00.000 Z, key: <null>, value: "
                                      "\\xFF\\x5Ca, partition: 2"}));
    EXPECT_EQ(g.possible_key_formats(),
              (lines{"\xC2\xAF\\_(\xE3\x83\x84)_/\xC2\xAF - no data processed"}));
    EXPECT_TRUE(g.possible_value_formats().empty());

    topic_printer p(1, std::nullopt);
    auto out = p.batch(nulls);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[1],
              "Value format:  does not match any supported format. It may be a STRING with "
              "encoding other than UTF8, or some other format.");
}

// A string is UTF-8 that Java decodes without a replacement character:
// overlong forms, surrogates and a U+FFFD of its own are not strings.
TEST(RecordFormatter, StringsAreStrictUtf8WithoutReplacementCharacters) {
    const std::vector<std::string> bad = {
        "\xC0\xAF"
        "abc",
        "\xED\xA0\x80"
        "ab",
        "ab\xEF\xBF\xBD",
        "\xF4\x90\x80\x80"
        "x"};
    for (const std::string& b : bad) {
        record_formatter f;
        std::vector<print_record> batch = {{std::nullopt, b, 0, 0}};
        f.format(batch);
        EXPECT_TRUE(f.possible_value_formats().empty()) << ::testing::PrintToString(b);
    }
    record_formatter f;
    std::string good = "caf\xC3\xA9 \xF0\x9F\x98\x80";
    std::vector<print_record> batch = {{std::nullopt, good, 0, 0}};
    f.format(batch);
    EXPECT_EQ(f.possible_value_formats(), (lines{"KAFKA_STRING"}));
}

TEST(RecordFormatter, ABatchThatDropsTheFirstFormatIsFormattedAgain) {
    record_formatter f;
    std::string k1 = "\0\0\0\x05"s;
    std::string k2 = "ab";
    std::string v = "1";
    std::vector<print_record> batch = {{k1, v, 0, 0}, {k2, v, 0, 0}};
    auto out = f.format(batch);
    ASSERT_EQ(out.size(), 2u);
    // KAFKA_INT read the first key as 5 until the second dropped it.
    EXPECT_EQ(out[0],
              "rowtime: 1970/01/01 00:00:00.000 Z, key: " + k1 + ", value: 1, partition: 0");
    EXPECT_EQ(f.possible_key_formats(), (lines{"KAFKA_STRING"}));
    EXPECT_EQ(f.possible_value_formats(), (lines{"JSON", "KAFKA_STRING"}));
}

TEST(RecordFormatter, WindowedKeysAndJsonEdges) {
    record_formatter f;
    std::string session = "k1" + be64(200) + be64(100);  // key, end, start
    std::string v = "[1, 2.5e3, {\"a\": null}] trailing text is not read";
    std::vector<print_record> batch = {{session, v, 0, 0}};
    auto out = f.format(batch);
    EXPECT_EQ(out[0], "rowtime: 1970/01/01 00:00:00.000 Z, key: [k1@100/200], value: " + v +
                          ", partition: 0");
    EXPECT_EQ(f.possible_key_formats().front(), "SESSION(KAFKA_STRING)");
    EXPECT_EQ(f.possible_value_formats(), (lines{"JSON", "KAFKA_STRING"}));

    for (std::string not_json : {"01", "1x", "tru", "{\"a\":}", "'a'", "[1, ]", "\"a\tb\""}) {
        record_formatter g;
        std::vector<print_record> one = {{std::nullopt, not_json, 0, 0}};
        g.format(one);
        EXPECT_EQ(g.possible_value_formats(), (lines{"KAFKA_STRING"})) << not_json;
    }
}

TEST(RecordFormatter, IntervalAndLimit) {
    topic_printer p(2, 2);
    std::vector<std::string> values = {"a", "b", "c", "d", "e"};
    std::vector<print_record> batch;
    for (const auto& v : values) {
        batch.push_back({std::nullopt, v, 0, 0});
    }
    auto out = p.batch(batch);
    ASSERT_EQ(out.size(), 4u);  // two format lines, records 1 and 3
    EXPECT_NE(out[2].find("value: a,"), std::string::npos);
    EXPECT_NE(out[3].find("value: c,"), std::string::npos);
    EXPECT_TRUE(p.limit_reached());
}

TEST(RecordFormatter, Rowtime) {
    EXPECT_EQ(print_rowtime(-1), "N/A");
    EXPECT_EQ(print_rowtime(-1000), "1969/12/31 23:59:59.000 Z");
    EXPECT_EQ(print_rowtime(951782400123), "2000/02/29 00:00:00.123 Z");
}

}  // namespace
}  // namespace cs::streams
