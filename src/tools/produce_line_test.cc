#include "tools/produce_line.h"

#include <gtest/gtest.h>

namespace cs::tools {
namespace {

line_format props(std::vector<std::string> p) {
    auto f = parse_line_properties(p);
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.err().message);
    return f.ok() ? *f : line_format{};
}

std::string error_of(std::vector<std::string> p) {
    auto f = parse_line_properties(p);
    return f.ok() ? "" : f.err().message;
}

TEST(ProduceLine, DefaultsAreKafkas) {
    line_format f = props({});
    EXPECT_FALSE(f.parse_key);
    EXPECT_EQ(f.key_separator, "\t");
    EXPECT_FALSE(f.parse_headers);
    EXPECT_EQ(f.headers_delimiter, "\t");
    EXPECT_EQ(f.headers_separator, ",");
    EXPECT_EQ(f.headers_key_separator, ":");
    EXPECT_FALSE(f.ignore_error);
    EXPECT_FALSE(f.null_marker);
    split_record r;
    ASSERT_TRUE(split_line(f, "a\tb:c", r).ok());
    EXPECT_FALSE(r.key);
    EXPECT_EQ(*r.value, "a\tb:c");
    EXPECT_TRUE(r.headers.empty());
}

TEST(ProduceLine, KeyAndValue) {
    line_format f = props({"parse.key=TRUE ", "key.separator=::"});
    split_record r;
    ASSERT_TRUE(split_line(f, "user1::{\"a\":1}::x", r).ok());
    EXPECT_EQ(*r.key, "user1");
    EXPECT_EQ(*r.value, "{\"a\":1}::x");
    ASSERT_TRUE(split_line(f, "::v", r).ok());
    EXPECT_EQ(*r.key, "");
    EXPECT_EQ(*r.value, "v");
    auto st = split_line(f, "novalue", r);
    EXPECT_EQ(st.message(), "no key separator found");
}

TEST(ProduceLine, HeadersThenKeyThenValue) {
    line_format f = props({"parse.headers=true", "parse.key=true"});
    split_record r;
    ASSERT_TRUE(split_line(f, "source:web,trace:a:b\tu1\tpayload", r).ok());
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(r.headers[0].key, "source");
    EXPECT_EQ(*r.headers[0].value, "web");
    EXPECT_EQ(r.headers[1].key, "trace");
    EXPECT_EQ(*r.headers[1].value, "a:b");
    EXPECT_EQ(*r.key, "u1");
    EXPECT_EQ(*r.value, "payload");
    // Trailing empty pairs are dropped (Java's split).
    ASSERT_TRUE(split_line(f, "h:1,,\tk\tv", r).ok());
    EXPECT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(split_line(f, "h1\tk\tv", r).message(),
              "no header key separator \":\" found in header \"h1\"");
    EXPECT_EQ(split_line(f, "no delimiter", r).message(), "no headers delimiter found");
    EXPECT_EQ(split_line(f, "h:1\tno key separator", r).message(), "no key separator found");
}

TEST(ProduceLine, IgnoreErrorMakesMissingPartsNull) {
    line_format f = props({"parse.headers=true", "parse.key=true", "ignore.error=true"});
    split_record r;
    ASSERT_TRUE(split_line(f, "just a value", r).ok());
    EXPECT_TRUE(r.headers.empty());
    EXPECT_FALSE(r.key);
    EXPECT_EQ(*r.value, "just a value");
    ASSERT_TRUE(split_line(f, "bare\tk\tv", r).ok());
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].key, "bare");
    EXPECT_FALSE(r.headers[0].value);
    EXPECT_EQ(*r.key, "k");
}

TEST(ProduceLine, NullMarker) {
    line_format f = props({"parse.headers=true", "parse.key=true", "null.marker=<null>"});
    split_record r;
    ASSERT_TRUE(split_line(f, "a:<null>\t<null>\t<null>", r).ok());
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_FALSE(r.headers[0].value);
    EXPECT_FALSE(r.key);
    EXPECT_FALSE(r.value);
    ASSERT_TRUE(split_line(f, "<null>\tk\tv", r).ok());
    EXPECT_TRUE(r.headers.empty());
    EXPECT_EQ(split_line(f, "<null>:x\tk\tv", r).message(),
              "header key equals the null marker \"<null>\" (header keys can't be null)");
}

TEST(ProduceLine, PropertyErrors) {
    EXPECT_EQ(error_of({"print.key=true"}).substr(0, 51),
              "--property print.key=true: unknown property \"print.");
    EXPECT_EQ(error_of({"parse.key"}), "--property parse.key: expected key=value");
    EXPECT_EQ(error_of({"headers.separator=:"}),
              "headers.separator and headers.key.separator may not be equal");
    EXPECT_EQ(error_of({"headers.delimiter=,"}),
              "headers.delimiter and headers.separator may not be equal");
    EXPECT_EQ(error_of({"null.marker=\t"}), "null.marker and key.separator may not be equal");
    EXPECT_EQ(error_of({"key.separator="}), "--property key.separator is empty");
    // key.separator may equal headers.delimiter (both TAB by default).
    EXPECT_EQ(error_of({"key.separator=|", "headers.delimiter=|"}), "");
}

}  // namespace
}  // namespace cs::tools
