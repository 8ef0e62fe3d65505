#include "base/strings.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(Strings, SplitListTrimsAndDropsEmptyItems) {
    using v = std::vector<std::string>;
    EXPECT_EQ(split_list(""), v{});
    EXPECT_EQ(split_list(" , ,"), v{});
    EXPECT_EQ(split_list("a"), v{"a"});
    EXPECT_EQ(split_list("user_id,timestamp"), (v{"user_id", "timestamp"}));
    EXPECT_EQ(split_list(" a ,\tb,,c "), (v{"a", "b", "c"}));
    EXPECT_EQ(split_list("x;y", ';'), (v{"x", "y"}));
}

TEST(Strings, TrimBlanks) {
    EXPECT_EQ(trim_blanks(" \t a b \t"), "a b");
    EXPECT_EQ(trim_blanks("   "), "");
}

}  // namespace
}  // namespace cs
