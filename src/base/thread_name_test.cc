#include "base/thread_name.h"

#include <thread>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(ThreadName, IsSetAndCutToWhatLinuxKeeps) {
    std::string short_name, long_name, utf8_name;
    std::thread([&] {
        set_thread_name("cs:net-0");
        short_name = thread_name();
        set_thread_name("cs:table-users-and-more");
        long_name = thread_name();
        set_thread_name("cs:table-cafxy\xC3\xA9");  // the é would straddle byte 15
        utf8_name = thread_name();
    }).join();
    EXPECT_EQ(short_name, "cs:net-0");
    EXPECT_EQ(long_name, "cs:table-users-");
    EXPECT_EQ(utf8_name, "cs:table-cafxy");
}

TEST(ThreadName, TheTailSurvivesTheCut) {
    EXPECT_EQ(thread_name_with_tail("cs:", "CSAS_ENRICHED", "_3"), "cs:CSAS_ENRIC_3");
    EXPECT_EQ(thread_name_with_tail("cs:", "pg", "-0"), "cs:pg-0");
    EXPECT_EQ(thread_name_with_tail("cs:", "x", "-123456789012345"), "cs:-123456789012345");
}

}  // namespace
}  // namespace cs
