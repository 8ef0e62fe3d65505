#include "connect/connectors/s3/s3_sink_task.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <zlib.h>

#include "connect/connectors/s3/s3_sink_connector.h"
#include "connect/connectors/s3/test_records.h"
#include "connect/data_json.h"
#include "testing/temp_dir.h"

namespace cs::connect::s3 {
namespace {

namespace fs = std::filesystem;
using testing::click_event;
using testing::collecting_reporter;

struct temp_dir {
    cs::testing::temp_dir dir{"cs-s3-task"};
    fs::path path = dir.path();
};

// The seeds' s3-sink.json with only the store changed.
config_map seed_config(const fs::path& root) {
    return {{"connector.class", "io.confluent.connect.s3.S3SinkConnector"},
            {"topics", "enriched-clickstream"},
            {"s3.bucket.name", "your-s3-bucket"},
            {"s3.region", "us-east-1"},
            {"s3.part.size", "5242880"},
            {"flush.size", "1000"},
            {"storage.class", "io.confluent.connect.s3.storage.S3Storage"},
            {"format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat"},
            {"partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"},
            {"path.format", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH"},
            {"locale", "en"},
            {"timezone", "UTC"},
            {"timestamp.extractor", "RecordField"},
            {"timestamp.field", "timestamp"},
            {"store.url", "file://" + root.string()}};
}

std::vector<record> events(const std::string& topic, int32_t partition, int64_t from, int64_t n,
                           bool referrer = false) {
    std::vector<record> out;
    for (int64_t i = from; i < from + n; ++i) {
        out.push_back(click_event(topic, partition, i, i, referrer));
    }
    return out;
}

std::vector<std::string> keys(const fs::path& root) {
    auto s = open_local_store(root.string());
    return *(*s)->list("");
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        out.push_back(l);
    }
    return out;
}

std::string hour_dir(const record& r) {
    const auto& ts = find_value_field(r.value, "timestamp")->as_string();
    return fmt::format("year={}/month={}/day={}/hour={}", ts.substr(0, 4), ts.substr(5, 2),
                       ts.substr(8, 2), ts.substr(11, 2));
}

// Lands what the task still buffers: with rotate.schedule.interval.ms in
// its config, the next put (an idle one, as the worker makes) after the
// deadline completes every open set.
void land(s3_sink_task& task, manual_clock& clk) {
    clk.advance_ms(3'600'000);
    ASSERT_TRUE(task.put({}));
    EXPECT_EQ(task.buffered_bytes(), 0U);
}

using offsets = std::map<kafka_partition, int64_t>;

TEST(S3SinkTask, SeedConfigKeepsFilesOpenUntilFlushSize) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    ASSERT_TRUE(task.start(seed_config(d.path), rep));
    const kafka_partition tp{"enriched-clickstream", 0};
    auto recs = events("enriched-clickstream", 0, 1000, 40);
    ASSERT_TRUE(task.put(recs));
    // Nothing is complete yet: the worker may commit only up to the set.
    EXPECT_TRUE(keys(d.path / "your-s3-bucket").empty());
    EXPECT_GT(task.buffered_bytes(), 0U);
    EXPECT_EQ(task.pre_commit({{tp, 1040}}), (offsets{{tp, 1000}}));
    // Offsets 1040..1999: the set reaches flush.size=1000 and completes.
    auto more = events("enriched-clickstream", 0, 1040, 960);
    ASSERT_TRUE(task.put(more));
    recs.insert(recs.end(), more.begin(), more.end());
    EXPECT_EQ(task.pre_commit({{tp, 2000}}), (offsets{{tp, 2000}}));
    // One object per hour, named by the first offset in that hour; the
    // schemaless values' null prices do not rotate (the columns are the
    // union of the file's records).
    std::set<std::string> want;
    std::set<std::string> seen_hours;
    for (const auto& r : recs) {
        if (seen_hours.insert(hour_dir(r)).second) {
            want.insert(
                fmt::format("topics/enriched-clickstream/{}/enriched-clickstream+0+{:010}"
                            ".snappy.parquet",
                            hour_dir(r), r.kafka_offset));
        }
    }
    auto got = keys(d.path / "your-s3-bucket");
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want);
    EXPECT_GE(want.size(), 100U);
    for (const auto& k : got) {
        const std::string body = read(d.path / "your-s3-bucket" / k);
        EXPECT_EQ(body.substr(0, 4), "PAR1");
        EXPECT_EQ(body.substr(body.size() - 4), "PAR1");
    }
    EXPECT_EQ(task.objects_written(), want.size());
    EXPECT_TRUE(rep.reported.empty());
    task.stop();
}

TEST(S3SinkTask, FlushSizeCountsTheSetAcrossFieldPartitions) {
    temp_dir d;
    collecting_reporter rep;
    manual_clock clk;
    s3_sink_task task(clk);
    config_map c{{"flush.size", "8"},
                 {"rotate.schedule.interval.ms", "60000"},
                 {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
                 {"partitioner.class", "io.confluent.connect.storage.partitioner.FieldPartitioner"},
                 {"partition.field.name", "event_type"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("clicks", 2, 0, 26);
    ASSERT_TRUE(task.put(recs));
    // Three sets of 8 records, 2 of each of the 4 event types per set: 12
    // files; offsets 24 and 25 wait for the next set.
    EXPECT_EQ(keys(d.path).size(), 12U);
    EXPECT_EQ(task.pre_commit({{{"clicks", 2}, 26}}), (offsets{{{"clicks", 2}, 24}}));
    land(task, clk);
    EXPECT_EQ(task.pre_commit({{{"clicks", 2}, 26}}), (offsets{{{"clicks", 2}, 26}}));
    size_t total = 0;
    std::set<std::string> seen;
    for (const auto& k : keys(d.path)) {
        // topics/clicks/event_type=<t>/clicks+2+<offset>.json
        const auto type =
            k.substr(std::string("topics/clicks/event_type=").size(), k.find('/', 25) - 25);
        const auto body = lines(read(d.path / k));
        EXPECT_LE(body.size(), 2U) << k;
        const int64_t start = std::stoll(k.substr(k.rfind('+') + 1, 10));
        EXPECT_EQ(k, fmt::format("topics/clicks/event_type={}/clicks+2+{:010}.json", type, start));
        std::string first;
        append_plain_json(first, recs[static_cast<size_t>(start)].value);
        EXPECT_EQ(body.at(0), first) << k;
        for (const auto& l : body) {
            EXPECT_NE(l.find("\"event_type\":\"" + type + "\""), std::string::npos) << l;
            EXPECT_TRUE(seen.insert(l).second) << "duplicate " << l;
        }
        total += body.size();
    }
    EXPECT_EQ(total, recs.size());
    EXPECT_EQ(keys(d.path).size(), 14U);
}

TEST(S3SinkTask, SchemalessParquetTakesTheUnionOfItsRecordsFields) {
    temp_dir d;
    collecting_reporter rep;
    manual_clock clk;
    s3_sink_task task(clk);
    config_map c{{"flush.size", "100"},
                 {"rotate.schedule.interval.ms", "60000"},
                 {"format.class", "ParquetFormat"},
                 {"parquet.codec", "none"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("t", 0, 0, 5);
    auto more = events("t", 0, 5, 5, /*referrer=*/true);
    recs.insert(recs.end(), more.begin(), more.end());
    ASSERT_TRUE(task.put(recs));
    land(task, clk);
    // Record 0 has a null price, records 5.. bring referrer: one file
    // (DuckDB reads its columns in s3_sink_duckdb's "evolve" scenario).
    EXPECT_EQ(keys(d.path),
              (std::vector<std::string>{"topics/t/partition=0/t+0+0000000000.parquet"}));
    const std::string body = read(d.path / "topics/t/partition=0/t+0+0000000000.parquet");
    EXPECT_NE(body.find("referrer"), std::string::npos);
    EXPECT_NE(body.find("price"), std::string::npos);
    EXPECT_TRUE(rep.reported.empty());
}

TEST(S3SinkTask, RotateIntervalUsesRecordTime) {
    temp_dir d;
    collecting_reporter rep;
    manual_clock clk;
    s3_sink_task task(clk);
    config_map c{{"flush.size", "1000"},
                 {"rotate.interval.ms", "1200000"},  // 20 minutes; records are 7 minutes apart
                 {"rotate.schedule.interval.ms", "3600000"},
                 {"format.class", "JsonFormat"},
                 {"partitioner.class", "DailyPartitioner"},
                 {"locale", "en"},
                 {"timezone", "UTC"},
                 {"timestamp.extractor", "RecordField"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    ASSERT_TRUE(task.put(events("t", 0, 0, 12)));
    // Offsets 0,3,6,9 start sets (0/7/14 min in one set, 21 min starts the
    // next); the last one is complete only when the schedule fires.
    EXPECT_EQ(keys(d.path).size(), 3U);
    EXPECT_EQ(task.pre_commit({{{"t", 0}, 12}}), (offsets{{{"t", 0}, 9}}));
    land(task, clk);
    EXPECT_EQ(keys(d.path),
              (std::vector<std::string>{"topics/t/year=2025/month=01/day=15/t+0+0000000000.json",
                                        "topics/t/year=2025/month=01/day=15/t+0+0000000003.json",
                                        "topics/t/year=2025/month=01/day=15/t+0+0000000006.json",
                                        "topics/t/year=2025/month=01/day=15/t+0+0000000009.json"}));
}

TEST(S3SinkTask, RotateIntervalWithWallclockUsesArrivalTime) {
    temp_dir d;
    collecting_reporter rep;
    manual_clock clk(1'736'942'400'000);  // 2025-01-15T12:00:00Z
    s3_sink_task task(clk);
    config_map c{{"flush.size", "1000"},
                 {"rotate.interval.ms", "60000"},
                 {"format.class", "JsonFormat"},
                 {"partitioner.class", "HourlyPartitioner"},
                 {"locale", "en"},
                 {"timezone", "UTC"},
                 {"timestamp.extractor", "Wallclock"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    ASSERT_TRUE(task.put(events("t", 0, 0, 3)));
    clk.advance_ms(59'999);
    ASSERT_TRUE(task.put(events("t", 0, 3, 1)));
    EXPECT_TRUE(keys(d.path).empty());
    clk.advance_ms(1);
    ASSERT_TRUE(task.put(events("t", 0, 4, 1)));
    EXPECT_EQ(keys(d.path), (std::vector<std::string>{
                                "topics/t/year=2025/month=01/day=15/hour=12/t+0+0000000000.json"}));
    EXPECT_EQ(lines(read(d.path / keys(d.path)[0])).size(), 4U);
    EXPECT_EQ(task.pre_commit({{{"t", 0}, 5}}), (offsets{{{"t", 0}, 4}}));
}

TEST(S3SinkTask, BufferedBytesCapsCompleteSetsEarly) {
    temp_dir d;
    collecting_reporter rep;
    manual_clock clk;
    s3_sink_task task(clk);
    config_map c{{"flush.size", "1000"},           {"rotate.schedule.interval.ms", "60000"},
                 {"format.class", "JsonFormat"},   {"s3.max.buffered.bytes.per.file", "500"},
                 {"s3.max.buffered.bytes", "900"}, {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("t", 0, 0, 30);
    auto p1 = events("t", 1, 0, 30);
    std::vector<record> mixed;
    for (size_t i = 0; i < recs.size(); ++i) {
        mixed.push_back(recs[i]);
        mixed.push_back(p1[i]);
        // Never more than the total cap plus one record in memory.
        ASSERT_TRUE(task.put(std::span<const record>(mixed).last(2)));
        EXPECT_LT(task.buffered_bytes(), 900U + 200U);
    }
    land(task, clk);
    auto ks = keys(d.path);
    EXPECT_GT(ks.size(), 6U);
    size_t total = 0;
    for (const auto& k : ks) {
        const auto body = read(d.path / k);
        // At most one record past the cap.
        EXPECT_LT(body.size(), 500U + 200U) << k;
        total += lines(body).size();
    }
    EXPECT_EQ(total, mixed.size());
}

TEST(S3SinkTask, HundredsOfOpenPartitionsStayUnderTheTotalCap) {
    temp_dir d;
    collecting_reporter rep;
    manual_clock clk;
    s3_sink_task task(clk);
    config_map c{{"flush.size", "100000"},
                 {"rotate.schedule.interval.ms", "60000"},
                 {"format.class", "JsonFormat"},
                 {"partitioner.class", "FieldPartitioner"},
                 {"partition.field.name", "cell"},
                 {"s3.max.buffered.bytes", "32768"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    // 200 encoded partitions (say, hourly x event type) in each of 2 Kafka
    // partitions, records spread over all of them.
    std::vector<record> all;
    for (int64_t i = 0; i < 1000; ++i) {
        for (int32_t p = 0; p < 2; ++p) {
            record r = click_event("t", p, i, i);
            data_map m = r.value.as_map();
            m.emplace_back("cell", data(fmt::format("c{:03}", (i * 7 + p) % 200)));
            r.value = data::map(std::move(m));
            all.push_back(std::move(r));
        }
    }
    size_t peak = 0;
    for (size_t i = 0; i < all.size(); i += 100) {
        ASSERT_TRUE(task.put(std::span<const record>(all).subspan(i, 100)));
        peak = std::max(peak, task.buffered_bytes());
    }
    EXPECT_LE(peak, 32768U + 1000U);
    EXPECT_GT(peak, 16384U);
    land(task, clk);
    size_t total = 0;
    std::set<std::string> cells;
    for (const auto& k : keys(d.path)) {
        total += lines(read(d.path / k)).size();
        cells.insert(k.substr(0, k.rfind('/')));
    }
    EXPECT_EQ(total, all.size());
    EXPECT_EQ(cells.size(), 200U);
}

TEST(S3SinkTask, GzipJson) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    config_map c{{"flush.size", "4"},
                 {"format.class", "JsonFormat"},
                 {"s3.compression.type", "gzip"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("t", 1, 0, 4);
    ASSERT_TRUE(task.put(recs));
    ASSERT_EQ(keys(d.path),
              std::vector<std::string>{"topics/t/partition=1/t+1+0000000000.json.gz"});
    const std::string gz = read(d.path / "topics/t/partition=1/t+1+0000000000.json.gz");
    std::string out(1 << 16, '\0');
    z_stream z{};
    ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    ASSERT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    inflateEnd(&z);
    std::string want;
    for (const auto& r : recs) {
        append_plain_json(want, r.value);
        want += '\n';
    }
    EXPECT_EQ(out, want);
}

TEST(S3SinkTask, ErrantRecordsGoToTheReporter) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    config_map c = seed_config(d.path);
    c["flush.size"] = "1";
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("enriched-clickstream", 0, 0, 3);
    record bad = recs[1];
    bad.value = data::map({{"event_type", "click"}});  // no timestamp
    record tomb = recs[2];
    tomb.value = data();
    recs[1] = bad;
    recs[2] = tomb;
    ASSERT_TRUE(task.put(recs));
    ASSERT_EQ(rep.reported.size(), 2U);
    EXPECT_EQ(rep.reported[0].first, 1);
    EXPECT_NE(rep.reported[0].second.find("timestamp"), std::string::npos);
    EXPECT_EQ(rep.reported[1].first, 2);
    EXPECT_EQ(keys(d.path / "your-s3-bucket").size(), 1U);
    // The errant records are behind the committed offset.
    EXPECT_EQ(task.pre_commit({{{"enriched-clickstream", 0}, 3}}),
              (offsets{{{"enriched-clickstream", 0}, 3}}));
}

TEST(S3SinkTask, ClosedPartitionsForgetTheirOpenFiles) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    ASSERT_TRUE(task.start(seed_config(d.path), rep));
    auto recs = events("enriched-clickstream", 0, 0, 10);
    auto p1 = events("enriched-clickstream", 1, 0, 10);
    recs.insert(recs.end(), p1.begin(), p1.end());
    ASSERT_TRUE(task.put(recs));
    const size_t both = task.buffered_bytes();
    task.close({{"enriched-clickstream", 0}});
    EXPECT_LT(task.buffered_bytes(), both);
    EXPECT_GT(task.buffered_bytes(), 0U);
    EXPECT_EQ(
        task.pre_commit({{{"enriched-clickstream", 0}, 10}, {{"enriched-clickstream", 1}, 10}}),
        (offsets{{{"enriched-clickstream", 0}, 10}, {{"enriched-clickstream", 1}, 0}}));
    // Taken again from offset 0 (the next owner's replay): accepted afresh.
    ASSERT_TRUE(task.put(std::span<const record>(recs).first(10)));
    EXPECT_EQ(task.pre_commit({{{"enriched-clickstream", 0}, 10}}),
              (offsets{{{"enriched-clickstream", 0}, 0}}));
    EXPECT_TRUE(keys(d.path / "your-s3-bucket").empty());
}

// Publishes through a real local store but fails (errc::io) every call
// after `budget` objects, or only the `fail_at`-th publication.
class crashing_store final : public object_store {
  public:
    crashing_store(std::unique_ptr<object_store> inner, int budget, int fail_at = -1)
        : inner_(std::move(inner)), budget_(budget), fail_at_(fail_at) {}
    status put_object(const std::string& key, bytes_view data) override {
        if (auto st = publish(); !st) {
            return st;
        }
        return inner_->put_object(key, data);
    }
    result<std::string> create_multipart(const std::string& key) override {
        return inner_->create_multipart(key);
    }
    result<std::string> upload_part(const std::string& key, const std::string& id, int n,
                                    bytes_view data) override {
        return inner_->upload_part(key, id, n, data);
    }
    status complete_multipart(const std::string& key, const std::string& id,
                              const std::vector<std::string>& etags) override {
        if (auto st = publish(); !st) {
            return st;
        }
        return inner_->complete_multipart(key, id, etags);
    }
    status abort_multipart(const std::string& key, const std::string& id) override {
        return inner_->abort_multipart(key, id);
    }
    result<std::vector<std::string>> list(const std::string& prefix) override {
        return inner_->list(prefix);
    }
    result<std::string> get_object(const std::string& key) override {
        return inner_->get_object(key);
    }

  private:
    status publish() {
        const int n = calls_++;
        if (budget_-- <= 0 || n == fail_at_) {
            return error{errc::io, "simulated failure"};
        }
        return {};
    }
    std::unique_ptr<object_store> inner_;
    int budget_;
    int fail_at_;
    int calls_ = 0;
};

store_factory crashing(int budget, int fail_at = -1) {
    return [budget, fail_at](const config_map& c) -> result<std::unique_ptr<object_store>> {
        auto inner = open_store_from_config(c);
        if (!inner) {
            return inner.err();
        }
        return std::unique_ptr<object_store>(
            std::make_unique<crashing_store>(std::move(*inner), budget, fail_at));
    };
}

// Plays the worker: hands the records from the committed offsets on to the
// task in batches of `batch`, and after each successful put commits what
// pre_commit allows. Returns the first failed put's status.
status run_worker(s3_sink_task& task, const std::vector<record>& all, offsets& committed,
                  size_t batch, bool retry_in_place = false) {
    std::vector<record> todo;
    offsets position;
    for (const auto& r : all) {
        const kafka_partition tp{r.topic, *r.partition};
        if (r.kafka_offset >= committed[tp]) {
            todo.push_back(r);
        }
    }
    for (size_t i = 0; i < todo.size(); i += batch) {
        auto b = std::span<const record>(todo).subspan(i, std::min(batch, todo.size() - i));
        status st = task.put(b);
        if (!st && retry_in_place) {
            st = task.put(b);  // the worker's retry of the same batch
        }
        if (!st) {
            return st;
        }
        for (const auto& r : b) {
            position[{r.topic, *r.partition}] = r.kafka_offset + 1;
        }
        for (const auto& [tp, off] : task.pre_commit(position)) {
            committed[tp] = off;
        }
    }
    return {};
}

TEST(S3SinkTask, ReplayAfterCrashRewritesIdenticalObjects) {
    temp_dir clean;
    temp_dir crashed;
    temp_dir retried;
    for (auto* t : {&clean, &crashed, &retried}) {
        fs::create_directories(t->path);
    }
    auto config = [](const fs::path& root) {
        config_map c = seed_config(root);
        c["flush.size"] = "6";
        return c;
    };
    // Two partitions, interleaved as a consumer hands them over.
    std::vector<record> all;
    for (int64_t i = 0; i < 60; ++i) {
        all.push_back(click_event("enriched-clickstream", 0, i, i));
        if (i < 42) {
            all.push_back(click_event("enriched-clickstream", 1, i, i + 3));
        }
    }
    collecting_reporter rep;
    {
        s3_sink_task task;
        ASSERT_TRUE(task.start(config(clean.path), rep));
        offsets committed;
        ASSERT_TRUE(run_worker(task, all, committed, 7));
        EXPECT_EQ(committed,
                  (offsets{{{"enriched-clickstream", 0}, 60}, {{"enriched-clickstream", 1}, 42}}));
    }
    // Crashes (a failed publication, then a new task from the committed
    // offsets) after 3, 6, 9... objects, until a run gets through.
    offsets committed;
    int crashes = 0;
    for (int budget = 3;; budget += 3) {
        s3_sink_task task(cs::system_clock::instance(), crashing(budget));
        ASSERT_TRUE(task.start(config(crashed.path), rep));
        status st = run_worker(task, all, committed, 5 + budget % 4);
        if (st) {
            break;
        }
        EXPECT_EQ(st.code(), errc::io);
        ++crashes;
    }
    EXPECT_GE(crashes, 3);
    // A failed upload retried in place by the same task (the worker's
    // retry of the same batch): nothing is taken twice.
    {
        s3_sink_task task(cs::system_clock::instance(), crashing(1000, 4));
        ASSERT_TRUE(task.start(config(retried.path), rep));
        offsets from_zero;
        ASSERT_TRUE(run_worker(task, all, from_zero, 9, /*retry_in_place=*/true));
    }
    const auto want = keys(clean.path / "your-s3-bucket");
    EXPECT_GE(want.size(), 12U);
    for (auto* t : {&crashed, &retried}) {
        ASSERT_EQ(keys(t->path / "your-s3-bucket"), want);
        for (const auto& k : want) {
            EXPECT_EQ(read(t->path / "your-s3-bucket" / k), read(clean.path / "your-s3-bucket" / k))
                << k;
        }
    }
}

TEST(S3SinkConnector, AcceptsTheSeedConfigAndRejectsBadOnes) {
    temp_dir d;
    s3_sink_connector conn;
    EXPECT_EQ(conn.class_name(), "io.confluent.connect.s3.S3SinkConnector");
    auto problems = conn.validate(seed_config(d.path));
    for (const auto& p : problems) {
        ADD_FAILURE() << p.key << ": " << p.message;
    }
    config_map bad = seed_config(d.path);
    bad.erase("flush.size");
    bad["format.class"] = "AvroFormat";
    bad["path.format"] = "'year'=YYYY/ww";
    std::set<std::string> keys_with_problems;
    for (const auto& p : conn.validate(bad)) {
        keys_with_problems.insert(p.key);
    }
    EXPECT_EQ(keys_with_problems,
              (std::set<std::string>{"flush.size", "format.class", "partitioner.class"}));
    auto tasks = conn.task_configs(seed_config(d.path), 3);
    EXPECT_EQ(tasks.size(), 3U);
    EXPECT_NE(conn.make_sink_task(), nullptr);
    plugin_registry reg;
    register_s3_connectors(reg);
    EXPECT_NE(reg.find_connector("S3SinkConnector"), nullptr);
}

}  // namespace
}  // namespace cs::connect::s3
