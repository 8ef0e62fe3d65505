#include "formats/json_check.h"

#include <gtest/gtest.h>

namespace cs::formats {
namespace {

TEST(JsonChecker, AcceptsDocumentsAndRejectsBrokenOnes) {
    json_checker c;
    EXPECT_TRUE(c.check(R"({"a":1,"b":[true,null,"x"]})", false).ok());
    EXPECT_TRUE(c.check(R"(  "just a string"  )", false).ok());
    EXPECT_TRUE(c.check("42", false).ok());
    for (const char* bad :
         {R"({"a":1)", R"({"a":})", "{'a':1}", "", "tru", R"({"a":1} x)", "{\"a\":\"\xff\"}"}) {
        auto st = c.check(bad, false);
        EXPECT_FALSE(st.ok()) << bad;
        EXPECT_NE(st.message().find("not valid JSON ("), std::string::npos) << st.message();
    }
}

TEST(JsonChecker, FieldGivesStringsUnescapedAndOtherValuesAsJson) {
    json_checker c;
    std::string doc =
        R"({"user_id":"u\"1","n":12.5,"flag":true,"none":null,"obj":{ "x" : [1, 2] }})";
    auto s = c.field(doc, false, "user_id");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(**s, "u\"1");
    auto n = c.field(doc, false, "n");
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(**n, "12.5");
    EXPECT_EQ(**c.field(doc, false, "flag"), "true");
    EXPECT_FALSE(c.field(doc, false, "none")->has_value());
    EXPECT_EQ(**c.field(doc, false, "obj"), R"({"x":[1,2]})");
}

TEST(JsonChecker, FieldErrors) {
    json_checker c;
    auto missing = c.field(R"({"a":1})", false, "user_id");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.err().message, "no field \"user_id\" in the object");
    auto array = c.field("[1,2]", false, "user_id");
    ASSERT_FALSE(array.ok());
    EXPECT_EQ(array.err().message, "not a JSON object, so it has no field \"user_id\"");
    EXPECT_FALSE(c.field("{", false, "a").ok());
}

TEST(JsonChecker, PaddedTextIsParsedInPlace) {
    json_checker c;
    std::string buf = R"({"k":"v"})";
    size_t len = buf.size();
    buf.append(64, ' ');
    auto k = c.field(std::string_view(buf.data(), len), true, "k");
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(**k, "v");
}

}  // namespace
}  // namespace cs::formats
