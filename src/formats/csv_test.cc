#include "formats/csv.h"

#include <sstream>

#include <gtest/gtest.h>

namespace cs::formats {
namespace {

// Every row of text (header first) as vectors of fields, or "!message" for
// a bad row.
std::vector<std::vector<std::string>> read_all(const std::string& text, size_t block = 1 << 20) {
    std::istringstream in(text);
    csv_reader reader(in, ',', block);
    std::vector<std::vector<std::string>> out;
    status h = reader.read_header();
    if (!h.ok()) {
        return {{"!" + h.message()}};
    }
    out.push_back(reader.header());
    csv_row row;
    for (;;) {
        auto r = reader.next(row);
        if (!r.ok()) {
            out.push_back({"!" + r.err().message});
            continue;
        }
        if (!*r) {
            break;
        }
        std::vector<std::string> fields;
        for (size_t i = 0; i < row.size(); ++i) {
            fields.emplace_back(row[i]);
        }
        out.push_back(std::move(fields));
    }
    EXPECT_EQ(reader.bytes_consumed(), text.size());
    return out;
}

using rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, HeaderAndRowsWithLfAndCrlf) {
    EXPECT_EQ(read_all("a,b\n1,2\n3,4\n"), (rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
    EXPECT_EQ(read_all("a,b\r\n1,2\r\n3,4\r\n"), (rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
    // The last row may lack its line ending; empty fields are kept.
    EXPECT_EQ(read_all("a,b,c\n,x,\n1,,"), (rows{{"a", "b", "c"}, {"", "x", ""}, {"1", "", ""}}));
}

TEST(CsvReader, QuotedFieldsWithEscapesDelimitersAndNewlines) {
    std::string text =
        "id,text\n"
        "1,\"say \"\"hi\"\", then, go\"\n"
        "2,\"two\nlines\r\nhere\"\n"
        "3,\"\"\n";
    EXPECT_EQ(read_all(text), (rows{{"id", "text"},
                                    {"1", "say \"hi\", then, go"},
                                    {"2", "two\nlines\r\nhere"},
                                    {"3", ""}}));
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsLiteral) {
    EXPECT_EQ(read_all("h,w\nbob,5'10\"\n"), (rows{{"h", "w"}, {"bob", "5'10\""}}));
}

TEST(CsvReader, ByteOrderMarkIsSkipped) {
    EXPECT_EQ(read_all("\xEF\xBB\xBFuser_id,url\nu1,/a\n"),
              (rows{{"user_id", "url"}, {"u1", "/a"}}));
}

TEST(CsvReader, EmptyLinesAreSkipped) {
    EXPECT_EQ(read_all("a\n\nx\r\n\r\ny\n\n"), (rows{{"a"}, {"x"}, {"y"}}));
}

TEST(CsvReader, RaggedRowIsReportedWithItsLineAndReadingContinues) {
    std::string text =
        "a,b\n"
        "1,\"multi\nline\"\n"
        "2\n"
        "3,4,5\n"
        "6,7\n";
    EXPECT_EQ(read_all(text), (rows{{"a", "b"},
                                    {"1", "multi\nline"},
                                    {"!line 4: 1 field, but the header has 2 (ragged row)"},
                                    {"!line 5: 3 fields, but the header has 2 (ragged row)"},
                                    {"6", "7"}}));
}

TEST(CsvReader, TextAfterClosingQuoteIsABadRow) {
    EXPECT_EQ(read_all("a,b\n\"x\"y,1\n2,3\n"),
              (rows{{"a", "b"}, {"!line 2: text after the closing quote of field 1"}, {"2", "3"}}));
}

TEST(CsvReader, UnterminatedQuoteEndsTheInput) {
    EXPECT_EQ(read_all("a,b\n1,2\n3,\"open\n4,5\n"),
              (rows{{"a", "b"},
                    {"1", "2"},
                    {"!line 3: unterminated quoted field (the input ends inside quotes)"}}));
}

TEST(CsvReader, HeaderErrors) {
    EXPECT_EQ(read_all(""), (rows{{"!the input is empty: expected a header row"}}));
    EXPECT_EQ(read_all("a,b,a\n1,2,3\n"), (rows{{"!line 1: the header names column \"a\" twice"}}));
}

TEST(CsvReader, TinyBlocksGiveTheSameRows) {
    std::string text =
        "\xEF\xBB\xBFid,\"na,me\",v\r\n"
        "1,\"a \"\"q\"\"\r\nb\",x\r\n"
        "\r\n"
        "2,plain,\"\"\n"
        "3,\"\",\"end\"";
    rows expected = read_all(text);
    ASSERT_EQ(expected.size(), 4u);
    EXPECT_EQ(expected[1], (std::vector<std::string>{"1", "a \"q\"\r\nb", "x"}));
    for (size_t block = 1; block <= 9; ++block) {
        EXPECT_EQ(read_all(text, block), expected) << "block " << block;
    }
}

TEST(CsvReader, RowsKnowTheirStartingLine) {
    std::istringstream in("a\n\"x\ny\"\nz\n");
    csv_reader reader(in);
    ASSERT_TRUE(reader.read_header().ok());
    csv_row row;
    ASSERT_TRUE(*reader.next(row));
    EXPECT_EQ(row.line(), 2u);
    ASSERT_TRUE(*reader.next(row));
    EXPECT_EQ(row.line(), 4u);
    EXPECT_FALSE(*reader.next(row));
}

TEST(CsvJsonEncoder, RowBecomesAnObjectOfStrings) {
    std::istringstream in(
        "user_id,url,\"say \"\"x\"\"\",n\nu1,/a?b=\"c\",\"line\nbreak\",007\nu2,,,\n");
    csv_reader reader(in);
    ASSERT_TRUE(reader.read_header().ok());
    csv_json_encoder enc(reader.header());
    csv_row row;
    std::string out;
    ASSERT_TRUE(*reader.next(row));
    enc.append(out, row);
    EXPECT_EQ(out, R"({"user_id":"u1","url":"/a?b=\"c\"","say \"x\"":"line\nbreak","n":"007"})");
    out.clear();
    ASSERT_TRUE(*reader.next(row));
    enc.append(out, row);
    EXPECT_EQ(out, R"({"user_id":"u2","url":"","say \"x\"":"","n":""})");
}

}  // namespace
}  // namespace cs::formats
