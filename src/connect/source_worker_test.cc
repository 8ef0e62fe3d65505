// The source task loop against our broker: SMTs and converters on the way
// out, topic auto-creation, offsets written in Connect's format after
// delivery, and a restarted task resuming from them.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "connect/offset_store.h"
#include "connect/runtime_test_support.h"
#include "testing/test_brokers.h"

namespace cs::connect {
namespace {

using namespace std::chrono_literals;
using test::eventually;

class SourceWorkerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        broker_ = testing::start_clickstream_broker();
        worker_ = test::test_worker(broker_->bootstrap(), clock_);
        worker_.offset_flush_interval_ms = 1000;
    }

    task_spec spec(config_map extra = {}) {
        config_map c = {
            {"connector.class", "io.example.TestSource"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "true"},
            {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"key.converter.schemas.enable", "false"},
            {"transforms", "origin"},
            {"transforms.origin.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
            {"transforms.origin.static.field", "origin"},
            {"transforms.origin.static.value", "pg"}};
        for (auto& [k, v] : extra) {
            c[k] = v;
        }
        return task_spec{"users-source", 0, {}, c};
    }

    manual_clock clock_;
    std::unique_ptr<testing::test_broker> broker_;
    worker_settings worker_;
};

TEST_F(SourceWorkerTest, ProducesConvertedRecordsAndResumesFromCommittedOffsets) {
    auto log = std::make_shared<test::source_log>();
    auto r = task_runner::start_source_task(
        worker_, spec(), std::make_unique<test::counting_source>(log, "pg-users", 10, 4));
    ASSERT_TRUE(r.ok()) << r.err().message;
    auto runner = std::move(r).value();
    auto first = test::read_topic(broker_->bootstrap(), "pg-users", 10);
    ASSERT_EQ(first.size(), 10u);
    EXPECT_EQ(runner->status().state, task_state::running);
    EXPECT_EQ(first[0].key, std::optional<std::string>("0"));
    EXPECT_EQ(
        first[0].value,
        std::optional<std::string>(
            R"({"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},)"
            R"({"type":"string","optional":false,"field":"name"},)"
            R"({"type":"string","optional":true,"field":"origin"}],"optional":false,"name":"users"},)"
            R"("payload":{"id":0,"name":"user-0","origin":"pg"}})"));
    // Offsets go to the offset topic once the flush interval has passed.
    clock_.advance_ms(1000);
    ASSERT_TRUE(eventually([&] {
        auto o = read_source_offsets(worker_, "users-source");
        return o.ok() && o->size() == 1 &&
               o->front().offset == data::map({{data("id"), data(int64_t{9})}});
    }));
    runner->stop();
    EXPECT_EQ(runner->status().state, task_state::stopped);
    EXPECT_GE(runner->counters().records_written, 10u);
    EXPECT_EQ(runner->take_active_topics(), (std::vector<std::string>{"pg-users"}))
        << "the topic it wrote, once (topic tracking)";

    // The offset record is Connect's: key ["<connector>",{partition}].
    auto raw = test::read_topic(broker_->bootstrap(), "connect-offsets", 1);
    ASSERT_GE(raw.size(), 1u);
    EXPECT_EQ(raw.back().key, std::optional<std::string>(R"(["users-source",{"table":"users"}])"));
    EXPECT_EQ(raw.back().value, std::optional<std::string>(R"({"id":9})"));

    // A new task gets the committed offsets and continues after them.
    auto log2 = std::make_shared<test::source_log>();
    auto r2 = task_runner::start_source_task(
        worker_, spec(), std::make_unique<test::counting_source>(log2, "pg-users", 15, 4));
    ASSERT_TRUE(r2.ok());
    auto runner2 = std::move(r2).value();
    auto all = test::read_topic(broker_->bootstrap(), "pg-users", 15);
    runner2->stop();  // the final flush writes offset 14
    ASSERT_EQ(all.size(), 15u);
    for (size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].key, std::optional<std::string>(std::to_string(i)));
    }
    {
        std::lock_guard lock(log2->mu);
        ASSERT_EQ(log2->committed_at_start.size(), 1u);
        EXPECT_EQ(log2->committed_at_start[0].second, data::map({{data("id"), data(int64_t{9})}}));
    }
    auto final_offsets = read_source_offsets(worker_, "users-source");
    ASSERT_TRUE(final_offsets.ok());
    ASSERT_EQ(final_offsets->size(), 1u);
    EXPECT_EQ(final_offsets->front().offset, data::map({{data("id"), data(int64_t{14})}}));
}

TEST_F(SourceWorkerTest, OffsetsApiAltersAndResets) {
    ASSERT_TRUE(alter_source_offsets(worker_, "users-source",
                                     {{data::map({{data("table"), data("users")}}),
                                       data::map({{data("id"), data(int64_t{41})}})},
                                      {data::map({{data("table"), data("devices")}}),
                                       data::map({{data("id"), data(int64_t{7})}})}}));
    auto o = read_source_offsets(worker_, "users-source");
    ASSERT_TRUE(o.ok()) << o.err().message;
    EXPECT_EQ(o->size(), 2u);
    auto other = read_source_offsets(worker_, "another");
    ASSERT_TRUE(other.ok());
    EXPECT_TRUE(other->empty());

    auto log = std::make_shared<test::source_log>();
    auto r = task_runner::start_source_task(
        worker_, spec(), std::make_unique<test::counting_source>(log, "pg-users2", 45, 10));
    ASSERT_TRUE(r.ok());
    auto out = test::read_topic(broker_->bootstrap(), "pg-users2", 3);
    (*r)->stop();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].key, std::optional<std::string>("42"));  // after the altered offset

    ASSERT_TRUE(reset_source_offsets(worker_, "users-source"));
    auto after = read_source_offsets(worker_, "users-source");
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(after->empty());
    EXPECT_FALSE(alter_source_offsets(worker_, "x", {{data("not a map"), data()}}).ok());
}

TEST(OffsetStoreTest, ConnectsFormat) {
    EXPECT_EQ(encode_offset_key("jdbc", data::map({{data("table"), data("users")}})),
              R"(["jdbc",{"table":"users"}])");
    EXPECT_EQ(encode_offset_value(data::map({{data("incrementing"), data(int64_t{5})}})),
              std::optional<std::string>(R"({"incrementing":5})"));
    EXPECT_FALSE(encode_offset_value(data()).has_value());
}

}  // namespace
}  // namespace cs::connect
