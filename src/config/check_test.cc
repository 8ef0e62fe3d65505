#include "config/check.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace cs::config {
namespace {

class CheckFile : public ::testing::Test {
  protected:
    std::filesystem::path write(const std::string& name, const std::string& text) {
        auto p = tmp_.path() / name;
        std::ofstream(p) << text;
        return p;
    }

    cs::testing::temp_dir tmp_{"cs-config-check"};
};

env_lookup no_env() {
    return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

TEST_F(CheckFile, BrokerFileFindingsInLineOrder) {
    auto p = write("server.properties",
                   "num.partition=3\nlog.segment.bytes=1GB\nlog.dirs=${NOPE_DIR}\n");
    diagnostics d;
    ASSERT_TRUE(check_file(p, check_scope::broker, no_env(), d).ok());
    ASSERT_EQ(d.items().size(), 3u) << d.to_string();
    EXPECT_EQ(d.items()[0].line, 1);
    EXPECT_EQ(d.items()[0].level, severity::warning);
    EXPECT_EQ(d.items()[1].line, 2);
    EXPECT_EQ(d.items()[2].line, 3);
    EXPECT_EQ(d.count(severity::error), 2u);
}

TEST_F(CheckFile, TopicScope) {
    auto p = write("topic.properties", "retention.ms=abc\nsegment.bytes=1048576\nlog.dirs=/x\n");
    diagnostics d;
    ASSERT_TRUE(check_file(p, check_scope::topic, no_env(), d).ok());
    ASSERT_EQ(d.items().size(), 2u) << d.to_string();
    EXPECT_EQ(d.items()[0].level, severity::error);    // retention.ms
    EXPECT_EQ(d.items()[1].level, severity::warning);  // log.dirs is not a topic key
}

TEST_F(CheckFile, UnreadableFileAndUnknownScope) {
    diagnostics d;
    status s = check_file(tmp_.path() / "missing.properties", check_scope::broker, no_env(), d);
    EXPECT_EQ(s.code(), errc::io);
    EXPECT_FALSE(parse_check_scope("cluster").ok());
    EXPECT_EQ(parse_check_scope("topic").value(), check_scope::topic);
}

}  // namespace
}  // namespace cs::config
