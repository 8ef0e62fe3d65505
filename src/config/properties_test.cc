#include "config/properties.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace cs::config {
namespace {

properties parse(std::string_view text, diagnostics& d) {
    return parse_properties(text, "test.properties", d);
}

std::string value_of(const properties& p, std::string_view key) {
    const property_entry* e = p.find(key);
    return e == nullptr ? "<missing>" : e->value;
}

TEST(Properties, EverySeparator) {
    diagnostics d;
    auto p = parse("a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf  6\ng==7\nh=:8\ni\n", d);
    EXPECT_EQ(value_of(p, "a"), "1");
    EXPECT_EQ(value_of(p, "b"), "2");
    EXPECT_EQ(value_of(p, "c"), "3");
    EXPECT_EQ(value_of(p, "d"), "4");
    EXPECT_EQ(value_of(p, "e"), "5");
    EXPECT_EQ(value_of(p, "f"), "6");
    EXPECT_EQ(value_of(p, "g"), "=7");  // only one separator is consumed
    EXPECT_EQ(value_of(p, "h"), ":8");
    EXPECT_EQ(value_of(p, "i"), "");  // a key alone has an empty value
    EXPECT_TRUE(d.items().empty());
}

TEST(Properties, CommentsAndBlankLines) {
    diagnostics d;
    auto p = parse("# comment\n! also a comment\n   # indented comment\n\n  \t\nkey=va#lue\n", d);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(value_of(p, "key"), "va#lue");  // # inside a value is text
}

TEST(Properties, LeadingWhitespaceAndTrailingValueWhitespaceKept) {
    diagnostics d;
    auto p = parse("   \f\tkey = value with spaces  \n", d);
    EXPECT_EQ(value_of(p, "key"), "value with spaces  ");
}

TEST(Properties, LineNumbersAreWhereTheKeyStarted) {
    diagnostics d;
    auto p = parse("# header\n\na=1\nlong = one, \\\n       two, \\\n       three\nb=2\n", d);
    EXPECT_EQ(p.find("a")->line, 3);
    EXPECT_EQ(p.find("long")->line, 4);
    EXPECT_EQ(value_of(p, "long"), "one, two, three");
    EXPECT_EQ(p.find("b")->line, 7);
    EXPECT_EQ(p.find("b")->file, "test.properties");
}

TEST(Properties, ContinuationDetails) {
    diagnostics d;
    // An even number of backslashes is an escaped backslash, not a continuation.
    auto p = parse("a=x\\\\\nb=y\\\n# not a comment here\nc=\\\n\n", d);
    EXPECT_EQ(value_of(p, "a"), "x\\");
    EXPECT_EQ(value_of(p, "b"), "y# not a comment here");
    EXPECT_EQ(value_of(p, "c"), "");
    // A comment line ending in a backslash does not continue.
    auto q = parse("# comment \\\nk=v\n", d);
    EXPECT_EQ(value_of(q, "k"), "v");
    // A backslash at the end of the file continues onto nothing.
    auto r = parse("k=v\\", d);
    EXPECT_EQ(value_of(r, "k"), "v");
    // The continued key can be split too.
    auto s = parse("ke\\\n  y=v\n", d);
    EXPECT_EQ(value_of(s, "key"), "v");
}

TEST(Properties, LineEndings) {
    diagnostics d;
    auto p = parse("a=1\r\nb=2\rc=3\nd=\\\r\n  4\r\n", d);
    EXPECT_EQ(value_of(p, "a"), "1");
    EXPECT_EQ(value_of(p, "b"), "2");
    EXPECT_EQ(value_of(p, "c"), "3");
    EXPECT_EQ(value_of(p, "d"), "4");
    EXPECT_EQ(p.find("c")->line, 3);
}

TEST(Properties, Escapes) {
    diagnostics d;
    auto p = parse(
        "tabs=a\\tb\\nc\\rd\\fe\n"
        "key\\=with\\:seps\\ and\\#hash = v\n"
        "uni=\\u0041\\u00e9\\u20ac\n"
        "pair=\\uD83D\\uDE00\n"
        "unknown=\\q\\z\n"
        "backslash=C:\\\\dir\n"
        "\\#notcomment=1\n",
        d);
    EXPECT_TRUE(d.items().empty());
    EXPECT_EQ(value_of(p, "tabs"), "a\tb\nc\rd\fe");
    EXPECT_EQ(value_of(p, "key=with:seps and#hash"), "v");
    EXPECT_EQ(value_of(p, "uni"), "A\xC3\xA9\xE2\x82\xAC");
    EXPECT_EQ(value_of(p, "pair"), "\xF0\x9F\x98\x80");
    EXPECT_EQ(value_of(p, "unknown"), "qz");
    EXPECT_EQ(value_of(p, "backslash"), "C:\\dir");
    EXPECT_EQ(value_of(p, "#notcomment"), "1");
}

TEST(Properties, MalformedUnicodeEscapeIsAnErrorWithLine) {
    diagnostics d;
    auto p = parse("ok=1\nbad=\\u12G4\nalso=2\n", d);
    ASSERT_EQ(d.count(severity::error), 1u);
    EXPECT_EQ(d.items()[0].line, 2);
    EXPECT_EQ(d.items()[0].file, "test.properties");
    EXPECT_EQ(p.find("bad"), nullptr);
    EXPECT_EQ(value_of(p, "also"), "2");  // reading goes on
}

TEST(Properties, LaterDuplicateWinsWithWarning) {
    diagnostics d;
    auto p = parse("a=1\nb=2\na=3\n", d);
    EXPECT_EQ(value_of(p, "a"), "3");
    EXPECT_EQ(p.find("a")->line, 3);
    ASSERT_EQ(d.items().size(), 1u);
    EXPECT_EQ(d.items()[0].level, severity::warning);
    EXPECT_EQ(d.items()[0].to_string(),
              "test.properties:3: warning: a is set again (first set at test.properties:1); the "
              "later value wins");
    // Order of first appearance is kept.
    EXPECT_EQ(p.entries()[0].key, "a");
    EXPECT_EQ(p.entries()[1].key, "b");
}

TEST(Properties, LoadsAFileAndReportsAMissingOne) {
    cs::testing::temp_dir tmp("cs-config-properties");
    const auto& dir = tmp.path();
    auto path = dir / "x.properties";
    {
        std::ofstream out(path);
        out << "k=v\n";
    }
    diagnostics d;
    auto p = load_properties(path, d);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->find("k")->file, path.string());
    auto missing = load_properties(dir / "nope.properties", d);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.err().code, errc::io);
    EXPECT_NE(missing.err().message.find("nope.properties"), std::string::npos);
}

}  // namespace
}  // namespace cs::config
