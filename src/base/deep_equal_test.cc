#include "base/deep_equal.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cs {
namespace {

using list = std::vector<int>;
using var = std::variant<std::monostate, int, std::string, std::shared_ptr<const list>>;

var list_of(list l) {
    return std::make_shared<const list>(std::move(l));
}

TEST(DeepEqual, ComparesPointedToValuesAndPlainAlternatives) {
    EXPECT_TRUE(deep_equal(var{}, var{}));
    EXPECT_TRUE(deep_equal(var{1}, var{1}));
    EXPECT_FALSE(deep_equal(var{1}, var{2}));
    EXPECT_FALSE(deep_equal(var{1}, var{std::string("1")}));    // other alternative
    EXPECT_TRUE(deep_equal(list_of({1, 2}), list_of({1, 2})));  // two allocations, same list
    EXPECT_FALSE(deep_equal(list_of({1, 2}), list_of({2, 1})));
    var shared = list_of({3});
    EXPECT_TRUE(deep_equal(shared, shared));
    EXPECT_TRUE(deep_equal(var{std::shared_ptr<const list>()}, var{std::shared_ptr<const list>()}));
    EXPECT_FALSE(deep_equal(var{std::shared_ptr<const list>()}, list_of({})));
}

}  // namespace
}  // namespace cs
