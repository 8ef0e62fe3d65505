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
              value("a b!"));
    EXPECT_EQ(call("URL_EXTRACT_PARAMETER", {str("http://a.com/?q=&r=2"), str("q")}), value(""));
    EXPECT_TRUE(
        call("URL_EXTRACT_PARAMETER", {str("http://a.com/?flag&r=2"), str("flag")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_PARAMETER", {str("http://a.com/?r=2"), str("q")}).is_null());
    EXPECT_TRUE(call("URL_EXTRACT_HOST", {null_of(sql_type::string())}).is_null());
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
