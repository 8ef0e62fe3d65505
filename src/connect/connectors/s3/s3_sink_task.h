#pragma once

// The S3 sink task (io.confluent.connect.s3.S3SinkConnector's task).
//
// Records are buffered per open file, keyed by (topic, Kafka partition,
// encoded partition); each file is named by the offset of its first record:
//   <topics.dir>/<topic>/<encoded partition>/<topic>+<partition>+<offset %010d><ext>
// A file is completed (uploaded, atomically visible) when it reaches
// flush.size records, when rotate.interval.ms of record time has passed
// since its first record (TimeBased partitioners with a Record/RecordField
// extractor), when the next record needs another schema, or when the
// buffered-bytes caps are hit (s3.max.buffered.bytes.per.file, default
// s3.part.size; s3.max.buffered.bytes, default 256 MiB in total: the
// largest file is completed first).
//
// Durability: the worker commits a batch's offsets as soon as put()
// returns, so put() completes every file it touched before returning (the
// Connect S3 sink instead commits only up to its last completed file; our
// sink_task contract has no such hook). A crash inside put() means the
// batch is replayed from its first offset: the files are rebuilt with the
// same names and the same bytes as long as the replayed batch has the same
// records (the deterministic partitioners and rotations).
//
// One thread (the task's) calls start/put/stop.

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "base/clock.h"
#include "connect/connectors/s3/object_store.h"
#include "connect/connectors/s3/partitioner.h"
#include "connect/connectors/s3/record_format.h"
#include "connect/plugin.h"

namespace cs::connect::s3 {

// Opens the store of a config: store.url file:///path -> local directory
// (<path>/<s3.bucket.name>); http(s)://... or unset -> the S3 API client.
using store_factory = std::function<result<std::unique_ptr<object_store>>(const config_map&)>;
result<std::unique_ptr<object_store>> open_store_from_config(const config_map& config);

class s3_sink_task final : public sink_task {
  public:
    explicit s3_sink_task(const cs::clock& clk = cs::system_clock::instance(),
                          store_factory stores = open_store_from_config)
        : clock_(clk), stores_(std::move(stores)) {}

    status start(const config_map& config, errant_record_reporter& reporter) override;
    status put(std::span<const record> records) override;
    void stop() override;

    // Objects completed since start (for logging and tests).
    uint64_t objects_written() const { return objects_written_; }

  private:
    using file_key = std::tuple<std::string, int32_t, std::string>;
    struct open_file {
        int64_t start_offset = 0;
        std::optional<int64_t> first_time_ms;  // record time of the first record
        uint64_t records = 0;
        std::unique_ptr<record_writer> writer;
    };

    status write_one(const record& r);
    status complete(file_key key);  // by value: callers pass map keys it erases
    status complete_all();
    size_t total_buffered() const;

    const cs::clock& clock_;
    store_factory stores_;
    errant_record_reporter* reporter_ = nullptr;
    std::unique_ptr<object_store> store_;
    std::unique_ptr<partitioner> partitioner_;
    std::unique_ptr<record_format> format_;
    std::map<file_key, open_file> files_;
    std::string topics_dir_ = "topics";
    uint64_t flush_size_ = 0;
    int64_t rotate_interval_ms_ = -1;
    size_t part_size_ = 25 << 20;
    size_t max_file_bytes_ = 0;
    size_t max_total_bytes_ = 256 << 20;
    int zero_pad_ = 10;
    std::string null_behavior_ = "fail";
    uint64_t objects_written_ = 0;
};

}  // namespace cs::connect::s3
