#include "broker/topics/topic_table.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "broker/topics/topic_name.h"

namespace cs::broker {
namespace {

std::filesystem::path temp_dir() {
    auto d = std::filesystem::temp_directory_path() /
             ("cs-topic-table-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

TEST(TopicName, KafkasRules) {
    EXPECT_TRUE(validate_topic_name("clickstream").ok());
    EXPECT_TRUE(validate_topic_name("enriched-clickstream_v1.2").ok());
    EXPECT_FALSE(validate_topic_name("").ok());
    EXPECT_FALSE(validate_topic_name(".").ok());
    EXPECT_FALSE(validate_topic_name("..").ok());
    EXPECT_FALSE(validate_topic_name(std::string(250, 'a')).ok());
    EXPECT_TRUE(validate_topic_name(std::string(249, 'a')).ok());
    auto st = validate_topic_name("a b");
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("' '"), std::string::npos);
    EXPECT_TRUE(is_internal_topic("__consumer_offsets"));
    EXPECT_FALSE(is_internal_topic("clickstream"));
}

TEST(TopicTable, PersistsAcrossReopen) {
    auto dir = temp_dir();
    auto file = dir / "clickstream-topics.tsv";
    {
        auto t = topic_table::open(file);
        ASSERT_TRUE(t.ok()) << t.err().message;
        topic_info a{"clickstream", 6, topic_table::random_id(), {}};
        a.overrides["retention.ms"] = "1000";
        a.overrides["weird"] = "tab\there\nnewline\\slash";
        ASSERT_TRUE((*t)->create(a).ok());
        ASSERT_TRUE((*t)->create({"users", 1, topic_table::random_id(), {}}).ok());
        EXPECT_EQ((*t)->create(a).code(), errc::already_exists);
        ASSERT_TRUE((*t)->set_partitions("users", 3).ok());
        ASSERT_TRUE((*t)->remove("users").ok());
        ASSERT_TRUE((*t)->create({"users", 2, topic_table::random_id(), {}}).ok());
    }
    auto t = topic_table::open(file);
    ASSERT_TRUE(t.ok()) << t.err().message;
    ASSERT_EQ((*t)->size(), 2u);
    auto c = (*t)->find("clickstream");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->partitions, 6);
    EXPECT_EQ(c->overrides.at("retention.ms"), "1000");
    EXPECT_EQ(c->overrides.at("weird"), "tab\there\nnewline\\slash");
    EXPECT_EQ((*t)->find("users")->partitions, 2);
    EXPECT_FALSE((*t)->find("nope").has_value());
    std::filesystem::remove_all(dir);
}

TEST(TopicTable, RejectsCorruptFile) {
    auto dir = temp_dir();
    auto file = dir / "clickstream-topics.tsv";
    { std::ofstream(file) << "clickstream\tsix\t00\n"; }
    auto t = topic_table::open(file);
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.err().message.find(":1:"), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cs::broker
