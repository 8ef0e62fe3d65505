#include <gtest/gtest.h>

#include "streams/function_test_util.h"

namespace cs::streams {
namespace {

using namespace testing;

TEST(FunctionsUrl, KsqlDocExamples) {
    EXPECT_EQ(call("URL_EXTRACT_HOST", {str("http://test.com:8080/path")}), value("test.com"));
    EXPECT_EQ(
        call("URL_EXTRACT_PARAMETER", {str("http://www.test.com/?query=ksql&p=1"), str("query")}),
        value("ksql"));
    EXPECT_EQ(call("URL_EXTRACT_PATH", {str("http://test.com/path/to#a")}), value("/path/to"));
    EXPECT_EQ(call("URL_EXTRACT_PORT", {str("http://localhost:8080/path")}), value(int32_t{8080}));
    EXPECT_EQ(call("URL_EXTRACT_PROTOCOL", {str("http://test.com?query=ksql")}), value("http"));
    EXPECT_EQ(call("URL_EXTRACT_QUERY", {str("http://test.com?query=ksql")}), value("query=ksql"));
    EXPECT_EQ(call("URL_EXTRACT_FRAGMENT", {str("http://test.com#frag")}), value("frag"));
}

TEST(FunctionsUrl, MissingPartsAndDecoding) {
    EXPECT_TRUE(call("URL_EXTRACT_PORT", {str("http://test.com/x")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_QUERY", {str("http://test.com/x")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_FRAGMENT", {str("http://test.com/x")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_HOST", {str("/relative/path")}).is_null());
    EXPECT_EQ(call("URL_EXTRACT_PATH", {str("http://test.com")}), value(""));
    EXPECT_EQ(call("URL_EXTRACT_PATH", {str("https://a.com/a%20b")}), value("/a b"));
    EXPECT_EQ(call("URL_EXTRACT_HOST", {str("https://user:pw@a.example.com:443/")}),
              value("a.example.com"));
    EXPECT_EQ(call("URL_EXTRACT_PARAMETER", {str("http://a.com/?q=a+b%21&r=2"), str("q")}),
              value("a+b!"));
    EXPECT_EQ(call("URL_EXTRACT_PARAMETER", {str("http://a.com/?q=&r=2"), str("q")}), value(""));
    EXPECT_EQ(call("URL_EXTRACT_PARAMETER", {str("http://a.com/?flag&r=2"), str("flag")}),
              value(""));
    EXPECT_TRUE(call("URL_EXTRACT_PARAMETER", {str("http://a.com/?r=2"), str("q")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_HOST", {null_of(sql_type::string())}).is_null());
}

// UrlExtractParameter splits URI.getQuery(), which is already decoded, on
// '&' and then on the first '='; '+' stays '+'.
TEST(FunctionsUrl, ParameterSplitsTheDecodedQuery) {
    auto param = [](const char* url, const char* name) {
        return call("URL_EXTRACT_PARAMETER", {str(url), str(name)});
    };
    EXPECT_EQ(param("http://h/p?a=&b", "b"), value(""));
    EXPECT_EQ(param("http://h.com?q=a+b", "q"), value("a+b"));
    EXPECT_EQ(param("http://h.com?q=a=b", "q"), value("a=b"));
    EXPECT_EQ(param("http://h.com?x=1%262&y=2", "x"), value("1"));
    EXPECT_EQ(param("http://h.com?x=1%262&y=2", "2"), value(""));
    EXPECT_EQ(param("http://h.com?a%3Db=c", "a"), value("b=c"));
    EXPECT_TRUE(param("http://h.com?a+b=c", "a b").is_null());
}

// An opaque URI (scheme, then no '/') has no path and no query in java.net.URI.
TEST(FunctionsUrl, OpaqueUriHasNoPathOrQuery) {
    EXPECT_TRUE(call("URL_EXTRACT_PATH", {str("mailto:a@b.c")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_QUERY", {str("mailto:a@b.c?subject=x")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_PARAMETER", {str("mailto:a@b.c?s=x"), str("s")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_HOST", {str("mailto:a@b.c")}).is_null());
    EXPECT_EQ(call("URL_EXTRACT_PROTOCOL", {str("mailto:a@b.c")}), value("mailto"));
    EXPECT_EQ(call("URL_EXTRACT_FRAGMENT", {str("urn:x:y#f")}), value("f"));
    EXPECT_EQ(call("URL_EXTRACT_PATH", {str("file:/tmp/x")}), value("/tmp/x"));
    EXPECT_EQ(call("URL_EXTRACT_PATH", {str("rel/path?q")}), value("rel/path"));
    EXPECT_FALSE(try_call("URL_EXTRACT_PATH", {str("mailto:")}).ok());
}

TEST(FunctionsUrl, InvalidUrlIsARecordError) {
    auto r = try_call("URL_EXTRACT_HOST", {str("http://bad host/")});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, errc::invalid_argument);
    EXPECT_NE(r.err().message.find("bad host"), std::string::npos);
    EXPECT_FALSE(try_call("URL_EXTRACT_PATH", {str("http://a.com/%zz")}).ok());
    EXPECT_FALSE(try_call("URL_EXTRACT_PORT", {str("http://a.com:80x/")}).ok());
}

}  // namespace
}  // namespace cs::streams
