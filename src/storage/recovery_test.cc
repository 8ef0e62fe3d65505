// Recovery after unclean shutdowns: torn tails, garbage, corrupted bytes.

#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "base/log.h"
#include "storage/partition_log.h"
#include "storage/test_util.h"

namespace cs::storage {
namespace {

using kafka::offset;
using testing::make_batch;
using testing::temp_dir;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

struct stored_batch {
    std::filesystem::path file;
    uint64_t position;
    offset base;
    std::string bytes;
};

// Every batch of every .log file in `dir`, in offset order, read straight from disk.
std::vector<stored_batch> batches_on_disk(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> logs;
    for (auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() == ".log") {
            logs.push_back(e.path());
        }
    }
    std::sort(logs.begin(), logs.end());
    std::vector<stored_batch> out;
    for (auto& f : logs) {
        std::string data = slurp(f);
        auto split = kafka::split_batches(as_bytes(data));
        uint64_t pos = 0;
        for (auto b : split->batches) {
            out.push_back({f, pos, offset(kafka::decode_header(b).base_offset),
                           std::string(as_string_view(b))});
            pos += b.size();
        }
    }
    return out;
}

// Every batch the log serves, read through the log's API.
std::vector<std::string> batches_served(partition_log& log) {
    std::vector<std::string> out;
    offset from = log.log_start_offset();
    while (from < log.high_watermark()) {
        auto r = log.read(from, 1 << 20);
        EXPECT_TRUE(r.ok());
        auto data = r->slice.read_bytes();
        auto split = kafka::split_batches(*data);
        EXPECT_TRUE(split->trailing.empty());
        for (auto b : split->batches) {
            EXPECT_TRUE(kafka::validate_batch(b, {.client_rules = false}).ok());
            out.emplace_back(as_string_view(b));
            from = kafka::decode_header(b).last_offset() + 1;
        }
    }
    return out;
}

class RecoveryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        cfg_.segment_bytes = 2000;
        cfg_.index_interval_bytes = 300;
        auto log = open(dir_, {});
        std::mt19937 rng(1);
        for (int i = 0; i < 40; ++i) {
            bytes b = make_batch(1 + static_cast<int>(rng() % 4), 1000 + i, "b" + std::to_string(i),
                                 20 + rng() % 100);
            ASSERT_TRUE(log->append(b).ok());
        }
        ASSERT_TRUE(log->flush_all().ok());
        original_ = batches_on_disk(dir_);
        ASSERT_EQ(original_.size(), 40u);
    }
    std::shared_ptr<partition_log> open(const std::filesystem::path& dir, open_options oo) {
        auto log = partition_log::open(dir, tp_, cfg_, clock_, nullptr, oo);
        EXPECT_TRUE(log.ok()) << log.err().message;
        return log.ok() ? *log : nullptr;
    }
    std::filesystem::path fresh_copy(int i) {
        auto to = scratch_.path() / ("clicks-" + std::to_string(i));
        std::filesystem::copy(dir_, to);
        return to;
    }
    // The log must serve exactly the first `n` original batches, byte for byte.
    void expect_prefix(partition_log& log, size_t n) {
        auto served = batches_served(log);
        ASSERT_EQ(served.size(), n);
        for (size_t i = 0; i < n; ++i) {
            ASSERT_EQ(served[i], original_[i].bytes) << "batch " << i;
        }
        offset next =
            n == 0
                ? offset(0)
                : offset(
                      kafka::decode_header(as_bytes(original_[n - 1].bytes)).last_offset().value() +
                      1);
        EXPECT_EQ(log.high_watermark(), next);
    }

    temp_dir root_, scratch_;
    std::filesystem::path dir_ = root_.path() / "clicks-0";
    kafka::topic_partition tp_{"clicks", kafka::partition_id(0)};
    log_config cfg_;
    manual_clock clock_;
    std::vector<stored_batch> original_;
};

TEST_F(RecoveryTest, TornTailAtRandomPositionsTruncatesToLastWholeBatch) {
    std::mt19937 rng(42);
    for (int iter = 0; iter < 25; ++iter) {
        auto dir = fresh_copy(iter);
        // Cut a random segment file at a random byte.
        size_t victim = rng() % original_.size();
        auto file = dir / original_[victim].file.filename();
        uint64_t size = std::filesystem::file_size(file);
        uint64_t cut = rng() % (size + 1);
        std::filesystem::resize_file(file, cut);
        // Survivors: batches before the cut file, and those in it wholly before `cut`.
        size_t n = 0;
        while (n < original_.size() &&
               (original_[n].file.filename() < file.filename() ||
                (original_[n].file.filename() == file.filename() &&
                 original_[n].position + original_[n].bytes.size() <= cut))) {
            ++n;
        }
        auto log = open(dir, {.clean_shutdown = false, .recovery_point = offset(0)});
        ASSERT_NE(log, nullptr);
        SCOPED_TRACE("iteration " + std::to_string(iter) + " cut " + file.filename().string() +
                     " at " + std::to_string(cut));
        expect_prefix(*log, n);
        // Later segments are gone, and the log takes new appends at the end.
        bytes b = make_batch(2, 5);
        auto r = log->append(b);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->base_offset, log->high_watermark() - 2);
    }
}

TEST_F(RecoveryTest, GarbageAfterTheLastBatchIsCut) {
    std::mt19937 rng(9);
    for (int iter = 0; iter < 10; ++iter) {
        auto dir = fresh_copy(iter);
        auto last = dir / original_.back().file.filename();
        std::string junk(1 + rng() % 3000, '\0');
        for (auto& c : junk) {
            c = static_cast<char>(iter % 2 == 0 ? rng() : 0);
        }
        // Sometimes a plausible header: a batch length pointing past the end.
        if (iter == 3 && junk.size() > 12) {
            store_be<int32_t>(reinterpret_cast<std::byte*>(junk.data()) + 8, 100000);
        }
        std::ofstream(last, std::ios::binary | std::ios::app) << junk;
        auto log = open(dir, {.clean_shutdown = false, .recovery_point = offset(0)});
        expect_prefix(*log, original_.size());
        EXPECT_EQ(std::filesystem::file_size(last),
                  original_.back().position + original_.back().bytes.size());
    }
}

TEST_F(RecoveryTest, CorruptionMidSegmentTruncatesThereAndSaysSo) {
    // Capture the storage logger's output.
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
    auto logger = log::get("storage");
    logger->sinks().push_back(sink);

    auto dir = fresh_copy(0);
    size_t victim = original_.size() / 2;
    auto file = dir / original_[victim].file.filename();
    {
        std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(static_cast<std::streamoff>(original_[victim].position + 70));  // a record byte
        char c = original_[victim].bytes[70];
        f.put(static_cast<char>(c ^ 0x5a));
    }
    auto log = open(dir, {.clean_shutdown = false, .recovery_point = offset(0)});
    logger->sinks().pop_back();
    expect_prefix(*log, victim);
    std::string text = captured.str();
    EXPECT_NE(text.find("truncated " + file.string() + " at position " +
                        std::to_string(original_[victim].position)),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("CRC-32C mismatch"), std::string::npos) << text;
    EXPECT_NE(text.find("next offset " + std::to_string(original_[victim].base.value())),
              std::string::npos)
        << text;
}

TEST_F(RecoveryTest, SegmentsBelowTheRecoveryPointAreNotRescanned) {
    // A flipped byte in a segment the checkpoint says was flushed is not
    // looked for (Kafka's trade-off: recovery cost follows unflushed data).
    auto dir = fresh_copy(0);
    auto file = dir / original_.front().file.filename();
    {
        std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(70);
        f.put('\x7f');
    }
    offset rp = original_.back().base;  // inside the last segment
    auto log = open(dir, {.clean_shutdown = false, .recovery_point = rp});
    EXPECT_EQ(
        log->high_watermark(),
        offset(kafka::decode_header(as_bytes(original_.back().bytes)).last_offset().value() + 1));
    // With recovery point 0 the same damage is found.
    auto dir2 = fresh_copy(1);
    std::filesystem::copy_file(file, dir2 / file.filename(),
                               std::filesystem::copy_options::overwrite_existing);
    auto log2 = open(dir2, {.clean_shutdown = false, .recovery_point = offset(0)});
    expect_prefix(*log2, 0);
}

}  // namespace
}  // namespace cs::storage
