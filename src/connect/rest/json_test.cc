#include "connect/rest/json.h"

#include <gtest/gtest.h>

namespace cs::connect::rest {
namespace {

TEST(RestJson, RoundTrip) {
    auto v = parse_json(R"({"a":"x\"y","n":-5,"d":1.5,"b":true,"z":null,"l":[1,{"k":"v"}]})");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(to_json(*v), R"({"a":"x\"y","n":-5,"d":1.5,"b":true,"z":null,"l":[1,{"k":"v"}]})");
    EXPECT_EQ(find_member(*v, "n")->as_int(), -5);
    EXPECT_EQ(find_member(*v, "missing"), nullptr);
}

TEST(RestJson, Errors) {
    EXPECT_FALSE(parse_json("{").ok());
    EXPECT_FALSE(parse_json("").ok());
    EXPECT_FALSE(parse_json("[1,]").ok());
}

TEST(RestJson, ConfigMapsTakeScalarsAsText) {
    auto v = parse_json(R"({"tasks.max":2,"auto.create":true,"s":"t","gone":null})");
    ASSERT_TRUE(v.ok());
    std::vector<std::string> nulls;
    auto m = to_config_map(*v, &nulls);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->at("tasks.max"), "2");
    EXPECT_EQ(m->at("auto.create"), "true");
    EXPECT_EQ(m->at("s"), "t");
    EXPECT_EQ(m->count("gone"), 0u);
    EXPECT_EQ(nulls, std::vector<std::string>{"gone"});
    EXPECT_FALSE(to_config_map(*parse_json(R"({"x":{"y":1}})")).ok());
    EXPECT_FALSE(to_config_map(*parse_json("[1]")).ok());
}

}  // namespace
}  // namespace cs::connect::rest
