#include "storage/log_manager.h"

#include <fstream>

#include <gtest/gtest.h>

#include "storage/checkpoint.h"
#include "storage/file_names.h"
#include "storage/test_util.h"

namespace cs::storage {
namespace {

using kafka::offset;
using kafka::partition_id;
using kafka::topic_partition;
using testing::make_batch;
using testing::temp_dir;

class LogManagerTest : public ::testing::Test {
  protected:
    std::unique_ptr<log_manager> open() {
        log_manager_options o;
        o.log_dirs = {a_.path(), b_.path()};
        o.config_for = [this](const topic_partition&) { return cfg_; };
        o.checkpoint_interval_ms = 1000;
        o.retention_check_interval_ms = retention_check_ms_;
        auto m = log_manager::open(o, clock_);
        EXPECT_TRUE(m.ok()) << m.err().message;
        return m.ok() ? std::move(*m) : nullptr;
    }
    temp_dir a_, b_;
    log_config cfg_;
    int64_t retention_check_ms_ = 1000;
    manual_clock clock_;
    topic_partition t0_{"clicks", partition_id(0)}, t1_{"clicks", partition_id(1)},
        v0_{"views", partition_id(0)};
};

TEST_F(LogManagerTest, CreatesSpreadsAndReopensCleanly) {
    {
        auto m = open();
        for (const auto& tp : {t0_, t1_, v0_}) {
            auto log = m->create(tp, cfg_);
            ASSERT_TRUE(log.ok());
            bytes b = make_batch(3, 100);
            ASSERT_TRUE((*log)->append(b).ok());
        }
        EXPECT_EQ(m->create(t0_, cfg_).err().code, errc::already_exists);
        // Spread over both dirs.
        EXPECT_TRUE(std::filesystem::exists(a_.path() / "clicks-0"));
        EXPECT_TRUE(std::filesystem::exists(b_.path() / "clicks-1"));
        ASSERT_TRUE(m->shutdown().ok());
        EXPECT_TRUE(std::filesystem::exists(a_.path() / ".kafka_cleanshutdown"));
        auto rp = read_checkpoint(a_.path() / "recovery-point-offset-checkpoint");
        ASSERT_TRUE(rp.ok());
        EXPECT_EQ(rp->at(t0_), offset(3));
    }
    auto m = open();
    EXPECT_TRUE(m->was_clean(a_.path()));
    EXPECT_FALSE(std::filesystem::exists(a_.path() / ".kafka_cleanshutdown"));
    EXPECT_EQ(m->partitions().size(), 3u);
    EXPECT_EQ(m->get(v0_)->high_watermark(), offset(3));
    EXPECT_EQ(m->get({"nope", partition_id(0)}), nullptr);
}

TEST_F(LogManagerTest, UncleanStartRecoversTornTail) {
    std::filesystem::path seg;
    uint64_t good_size = 0;
    {
        auto m = open();
        auto log = *m->create(t0_, cfg_);
        for (int i = 0; i < 5; ++i) {
            bytes b = make_batch(2, i);
            ASSERT_TRUE(log->append(b).ok());
        }
        ASSERT_TRUE(m->shutdown().ok());
        seg = log->dir() / "00000000000000000000.log";
        good_size = std::filesystem::file_size(seg);
    }
    // A crash: no marker, a torn batch at the end, a checkpoint from earlier.
    std::filesystem::remove(a_.path() / ".kafka_cleanshutdown");
    std::string partial = std::string(as_string_view(make_batch(2, 9))).substr(0, 40);
    std::ofstream(seg, std::ios::binary | std::ios::app) << partial;
    offset_map rp;
    rp[t0_] = offset(4);
    ASSERT_TRUE(write_checkpoint(a_.path() / "recovery-point-offset-checkpoint", rp).ok());

    auto m = open();
    EXPECT_FALSE(m->was_clean(a_.path()));
    auto log = m->get(t0_);
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->high_watermark(), offset(10));
    EXPECT_EQ(std::filesystem::file_size(seg), good_size);
}

TEST_F(LogManagerTest, TickRunsRetentionDeletesFilesAndCheckpoints) {
    cfg_.segment_bytes = 500;
    cfg_.retention_ms = 60'000;
    cfg_.file_delete_delay_ms = 5'000;
    auto m = open();
    auto log = *m->create(t0_, cfg_);
    const int64_t t = clock_.now_ms();
    for (int i = 0; i < 6; ++i) {
        bytes b = make_batch(2, t + i, "x", 100);
        ASSERT_TRUE(log->append(b).ok());
    }
    size_t segs = log->segment_count();
    ASSERT_GE(segs, 3u);
    clock_.advance_ms(30'000);
    m->tick(clock_.now_ms());
    EXPECT_EQ(log->segment_count(), segs);
    clock_.advance_ms(31'000);
    m->tick(clock_.now_ms());
    EXPECT_EQ(log->segment_count(), 1u);
    // The checkpoint (interval 1 s passed) records the new log start.
    auto starts = read_checkpoint(a_.path() / "log-start-offset-checkpoint");
    ASSERT_TRUE(starts.ok());
    EXPECT_EQ(starts->at(t0_), log->log_start_offset());
    auto deleted_files = [&] {
        int n = 0;
        for (auto& e : std::filesystem::directory_iterator(log->dir())) {
            n += e.path().string().ends_with(".deleted");
        }
        return n;
    };
    EXPECT_GT(deleted_files(), 0);
    clock_.advance_ms(5'000);
    m->tick(clock_.now_ms());
    EXPECT_EQ(deleted_files(), 0);
}

// Segments past retention.ms stay until the next retention check.
TEST_F(LogManagerTest, RetentionWaitsForItsCheckInterval) {
    cfg_.segment_bytes = 500;
    cfg_.retention_ms = 1'000;
    retention_check_ms_ = 120'000;
    auto m = open();
    auto log = *m->create(t0_, cfg_);
    for (int i = 0; i < 6; ++i) {
        bytes b = make_batch(2, clock_.now_ms() + i, "x", 100);
        ASSERT_TRUE(log->append(b).ok());
    }
    const size_t segs = log->segment_count();
    ASSERT_GE(segs, 3u);
    clock_.advance_ms(61'000);
    m->tick(clock_.now_ms());
    EXPECT_EQ(log->segment_count(), segs);  // expired, but no check due yet
    clock_.advance_ms(60'000);
    m->tick(clock_.now_ms());
    EXPECT_EQ(log->segment_count(), 1u);
}

TEST_F(LogManagerTest, RemoveDeletesThePartitionDirectory) {
    auto m = open();
    auto log = *m->create(t0_, cfg_);
    auto dir = log->dir();
    ASSERT_TRUE(m->remove(t0_).ok());
    EXPECT_FALSE(std::filesystem::exists(dir));
    EXPECT_EQ(m->get(t0_), nullptr);
    EXPECT_EQ(m->remove(t0_).code(), errc::not_found);
    ASSERT_TRUE(m->create(t0_, cfg_).ok());  // a fresh, empty partition again
    EXPECT_EQ(m->get(t0_)->high_watermark(), offset(0));
}

TEST_F(LogManagerTest, RemovesAPartitionOfTheLongestTopicName) {
    // "<topic>-<partition>.<ms>.deleted" of a 249-byte topic is longer than a
    // file name may be: the rename must cut the topic, not fail.
    const topic_partition tp{std::string(249, 'c'), partition_id(7)};
    auto m = open();
    auto log = *m->create(tp, cfg_);
    bytes b = make_batch(1, 100);
    ASSERT_TRUE(log->append(b).ok());
    auto dir = log->dir();
    ASSERT_TRUE(m->remove(tp).ok());
    EXPECT_FALSE(std::filesystem::exists(dir));
    m.reset();
    m = open();
    EXPECT_EQ(m->get(tp), nullptr);  // not loaded back
}

}  // namespace
}  // namespace cs::storage
