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
    EXPECT_EQ(thread_name_keeping_number("cs:", "CSAS_ENRICHED_3"), "cs:CSAS_ENRIC_3");
    EXPECT_EQ(thread_name_keeping_number("cs:", "postgres-sink-12"), "cs:postgres-12");  // no "--"
    EXPECT_EQ(thread_name_keeping_number("cs:", "pg-0"), "cs:pg-0");
    EXPECT_EQ(thread_name_keeping_number("cs:", "no-number-at-all"), "cs:no-number-at");
    EXPECT_EQ(thread_name_keeping_number("cs:", "42"), "cs:42");
}

}  // namespace
}  // namespace cs
