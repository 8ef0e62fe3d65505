#include "connect/connectors/s3/s3_sink_task.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <zlib.h>

#include "connect/connectors/s3/s3_sink_connector.h"
#include "connect/connectors/s3/test_records.h"
#include "connect/data_json.h"

namespace cs::connect::s3 {
namespace {

namespace fs = std::filesystem;
using testing::click_event;
using testing::collecting_reporter;

struct temp_dir {
    temp_dir() {
        path = fs::temp_directory_path() /
               ("cs-s3-task-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
    }
    ~temp_dir() { fs::remove_all(path); }
    fs::path path;
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

TEST(S3SinkTask, SeedConfigWritesHourlyParquetObjects) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    ASSERT_TRUE(task.start(seed_config(d.path), rep));
    auto recs = events("enriched-clickstream", 0, 1000, 40);
    ASSERT_TRUE(task.put(recs));
    // One object per hour, named by the first offset in that hour.
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
    // Each hour's first object starts at its first offset; a null price in
    // a file's first record adds one schema rotation (offsets 1001, 1021).
    for (const auto& w : want) {
        EXPECT_NE(std::find(got.begin(), got.end(), w), got.end()) << w;
    }
    EXPECT_EQ(got.size(), want.size() + 2);
    EXPECT_GE(want.size(), 4U);
    for (const auto& k : got) {
        const std::string body = read(d.path / "your-s3-bucket" / k);
        EXPECT_EQ(body.substr(0, 4), "PAR1");
        EXPECT_EQ(body.substr(body.size() - 4), "PAR1");
    }
    EXPECT_TRUE(rep.reported.empty());
    task.stop();
}

TEST(S3SinkTask, FieldPartitionerAndFlushSizeRotateJsonFiles) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    config_map c{{"flush.size", "3"},
                 {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
                 {"partitioner.class", "io.confluent.connect.storage.partitioner.FieldPartitioner"},
                 {"partition.field.name", "event_type"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("clicks", 2, 0, 26);
    ASSERT_TRUE(task.put(recs));
    size_t total = 0;
    std::set<std::string> seen;
    for (const auto& k : keys(d.path)) {
        // topics/clicks/event_type=<t>/clicks+2+<offset>.json
        const auto type =
            k.substr(std::string("topics/clicks/event_type=").size(), k.find('/', 25) - 25);
        const auto body = lines(read(d.path / k));
        EXPECT_LE(body.size(), 3U) << k;
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
    // 26 records over 4 types (7,7,6,6) in files of 3: 3+3+2+2 files.
    EXPECT_EQ(keys(d.path).size(), 10U);
}

TEST(S3SinkTask, NewFieldRotatesParquetToANewSchema) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    config_map c{{"flush.size", "100"},
                 {"format.class", "ParquetFormat"},
                 {"parquet.codec", "none"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("t", 0, 0, 5);
    auto more = events("t", 0, 5, 5, /*referrer=*/true);
    recs.insert(recs.end(), more.begin(), more.end());
    ASSERT_TRUE(task.put(recs));
    // Record 0 has a null price (no column yet), record 1 brings it, record 5
    // brings referrer: each widens the schema once.
    EXPECT_EQ(keys(d.path),
              (std::vector<std::string>{"topics/t/partition=0/t+0+0000000000.parquet",
                                        "topics/t/partition=0/t+0+0000000001.parquet",
                                        "topics/t/partition=0/t+0+0000000005.parquet"}));
    EXPECT_TRUE(rep.reported.empty());
}

TEST(S3SinkTask, RotateIntervalUsesRecordTime) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    config_map c{{"flush.size", "1000"},
                 {"rotate.interval.ms", "1200000"},  // 20 minutes; records are 7 minutes apart
                 {"format.class", "JsonFormat"},
                 {"partitioner.class", "DailyPartitioner"},
                 {"locale", "en"},
                 {"timezone", "UTC"},
                 {"timestamp.extractor", "RecordField"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    ASSERT_TRUE(task.put(events("t", 0, 0, 12)));
    // Offsets 0,3,6,9 start files (0/7/14 min in one file, 21 min starts the next).
    EXPECT_EQ(keys(d.path),
              (std::vector<std::string>{"topics/t/year=2025/month=01/day=15/t+0+0000000000.json",
                                        "topics/t/year=2025/month=01/day=15/t+0+0000000003.json",
                                        "topics/t/year=2025/month=01/day=15/t+0+0000000006.json",
                                        "topics/t/year=2025/month=01/day=15/t+0+0000000009.json"}));
}

TEST(S3SinkTask, BufferedBytesCapCompletesFilesEarly) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    config_map c{{"flush.size", "1000"},
                 {"format.class", "JsonFormat"},
                 {"s3.max.buffered.bytes.per.file", "500"},
                 {"store.url", "file://" + d.path.string()}};
    ASSERT_TRUE(task.start(c, rep));
    auto recs = events("t", 0, 0, 30);
    ASSERT_TRUE(task.put(recs));
    auto ks = keys(d.path);
    EXPECT_GT(ks.size(), 3U);
    size_t total = 0;
    for (const auto& k : ks) {
        const auto body = read(d.path / k);
        // At most one record past the cap.
        EXPECT_LT(body.size(), 500U + 200U) << k;
        total += lines(body).size();
    }
    EXPECT_EQ(total, recs.size());
}

TEST(S3SinkTask, GzipJson) {
    temp_dir d;
    collecting_reporter rep;
    s3_sink_task task;
    config_map c{{"flush.size", "10"},
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
    ASSERT_TRUE(task.start(seed_config(d.path), rep));
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
}

// Publishes through a real local store but "crashes" (fails every call)
// after `budget` objects.
class crashing_store final : public object_store {
  public:
    crashing_store(std::unique_ptr<object_store> inner, int budget)
        : inner_(std::move(inner)), budget_(budget) {}
    status put_object(const std::string& key, bytes_view data) override {
        if (budget_-- <= 0) {
            return error{errc::io, "simulated crash"};
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
        if (budget_-- <= 0) {
            return error{errc::io, "simulated crash"};
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
    std::unique_ptr<object_store> inner_;
    int budget_;
};

TEST(S3SinkTask, ReplayAfterCrashRewritesIdenticalObjects) {
    temp_dir clean;
    temp_dir crashed;
    fs::create_directories(clean.path);
    fs::create_directories(crashed.path);
    auto config = [](const fs::path& root) {
        config_map c = seed_config(root);
        c["flush.size"] = "4";
        return c;
    };
    // Two batches over two partitions.
    auto batch1 = events("enriched-clickstream", 0, 0, 20);
    auto b1p1 = events("enriched-clickstream", 1, 0, 7);
    batch1.insert(batch1.end(), b1p1.begin(), b1p1.end());
    auto batch2 = events("enriched-clickstream", 0, 20, 25);
    auto b2p1 = events("enriched-clickstream", 1, 7, 9);
    batch2.insert(batch2.end(), b2p1.begin(), b2p1.end());

    collecting_reporter rep;
    {
        s3_sink_task task;
        ASSERT_TRUE(task.start(config(clean.path), rep));
        ASSERT_TRUE(task.put(batch1));
        ASSERT_TRUE(task.put(batch2));
    }
    {
        s3_sink_task task;
        ASSERT_TRUE(task.start(config(crashed.path), rep));
        ASSERT_TRUE(task.put(batch1));  // committed by the worker
    }
    // Crash in the middle of batch 2, twice (the restarted task starts at
    // the committed offset, batch 2), then the replay succeeds.
    for (int budget : {3, 6}) {
        s3_sink_task task(cs::system_clock::instance(),
                          [budget](const config_map& c) -> result<std::unique_ptr<object_store>> {
                              auto inner = open_store_from_config(c);
                              if (!inner) {
                                  return inner.err();
                              }
                              return std::unique_ptr<object_store>(
                                  std::make_unique<crashing_store>(std::move(*inner), budget));
                          });
        ASSERT_TRUE(task.start(config(crashed.path), rep));
        status st = task.put(batch2);
        ASSERT_FALSE(st);
        EXPECT_EQ(st.code(), errc::io);
    }
    {
        s3_sink_task task;
        ASSERT_TRUE(task.start(config(crashed.path), rep));
        ASSERT_TRUE(task.put(batch2));
    }
    const auto want = keys(clean.path / "your-s3-bucket");
    ASSERT_EQ(keys(crashed.path / "your-s3-bucket"), want);
    for (const auto& k : want) {
        EXPECT_EQ(read(crashed.path / "your-s3-bucket" / k),
                  read(clean.path / "your-s3-bucket" / k))
            << k;
    }
    EXPECT_GE(want.size(), 12U);
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
