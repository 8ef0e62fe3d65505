#include "base/edit_distance.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(EditDistance, DamerauLevenshtein) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("segmnet", "segment"), 1u);  // one transposition
    EXPECT_EQ(edit_distance("ab", "ba"), 1u);
    EXPECT_EQ(edit_distance("log.dirs", "log.dir"), 1u);
}

TEST(EditDistance, IgnoringAsciiCase) {
    EXPECT_EQ(edit_distance("User_ID", "USER_ID"), 3u);
    EXPECT_EQ(edit_distance("User_ID", "USER_ID", true), 0u);
    EXPECT_EQ(edit_distance("uesr_id", "USER_ID", true), 1u);  // transposition, any case
    EXPECT_EQ(edit_distance("user_idx", "USER_ID", true), 1u);
}

}  // namespace
}  // namespace cs
