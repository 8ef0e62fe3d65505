#pragma once

// The S3 sink task (io.confluent.connect.s3.S3SinkConnector's task).
//
// Per Kafka partition the task keeps one *set* of open files, one per
// encoded partition (hour, field value...); each file is named by the
// offset of its first record:
//   <topics.dir>/<topic>/<encoded partition>/<topic>+<partition>+<offset %010d><ext>
// Files stay open across put() calls. The whole set is completed
// (finished, uploaded, atomically visible) when
//   - it holds flush.size records (counted over the set, as Confluent),
//   - the next record's time is rotate.interval.ms past the set's first
//     record (TimeBased partitioners; with the Wallclock extractor the
//     time is the clock's when the record arrives),
//   - the next record needs another schema in its file,
//   - a file reaches s3.max.buffered.bytes.per.file (default s3.part.size),
//   - all sets together buffer s3.max.buffered.bytes (default 256 MiB):
//     the largest set is completed first,
//   - rotate.schedule.interval.ms of wall-clock time has passed (at the
//     next multiple of it since the epoch; the worker calls put() with no
//     records when idle, so this also fires on a quiet topic).
// Unlike Confluent's connector, a record in another encoded partition than
// the previous one does not rotate: hourly directories of out-of-order
// events do not turn into one small file per record.
//
// Exactly once: pre_commit() returns, per partition, the first offset of
// the oldest set not yet fully uploaded, so the worker commits only whole
// uploaded sets. After a crash the replay starts at a set's first record
// and, since every rotation but the wall-clock and total-memory ones is a
// function of the records alone, rebuilds the same objects with the same
// names and bytes: an object uploaded before the crash is overwritten with
// identical content. (A crash between the upload of a set completed by
// rotate.schedule.interval.ms, a Wallclock rotate.interval.ms or the total
// cap and its commit can cut the replay differently: Confluent documents
// the same limit.)
//
// A failed upload (retriable: the store is away) keeps the finished
// objects and returns errc::io; the worker pauses and retries put() with
// the same records, which the task recognises by offset and skips, and the
// upload is tried again first.
//
// One thread (the task's) calls start/put/stop.

#include <deque>
#include <map>
#include <memory>
#include <string>

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
    std::map<kafka_partition, int64_t> pre_commit(
        const std::map<kafka_partition, int64_t>& current) override;
    void close(const std::vector<kafka_partition>& partitions) override;
    void stop() override;

    // Objects uploaded since start (for logging and tests).
    uint64_t objects_written() const { return objects_written_; }
    // Bytes buffered in open files, over all partitions.
    size_t buffered_bytes() const { return total_buffered_; }

  private:
    struct open_file {
        int64_t start_offset = 0;
        std::unique_ptr<record_writer> writer;
        size_t bytes = 0;  // writer->buffered_bytes() after the last write
    };
    struct finished_object {
        std::string name;
        bytes body;
    };
    struct partition_state {
        std::map<std::string, open_file> files;  // by encoded partition
        int64_t set_start = -1;                  // first offset of the open set
        uint64_t set_records = 0;
        std::optional<int64_t> base_time_ms;  // record time of the set's first record
        int64_t next_scheduled_ms = -1;       // rotate.schedule.interval.ms deadline
        size_t buffered = 0;
        int64_t next_offset = -1;  // records below were taken: a redelivery skips them
        // A completed set whose objects are not all uploaded yet, and the
        // offset of its first record (the commit point until they are).
        std::deque<finished_object> uploads;
        int64_t uploads_start = -1;
    };

    status write_one(partition_state& ps, const record& r);
    status add_to_file(partition_state& ps, const std::string& encoded, const record& r,
                       std::unique_ptr<record_writer> writer);
    // After a record went into f: its bytes and the set's count.
    void account(partition_state& ps, open_file& f);
    // Finishes every file of the set into uploads (no I/O).
    status complete_set(const kafka_partition& tp, partition_state& ps);
    // Uploads every finished object, in order; stops at the first failure.
    status drain_uploads();
    status enforce_total_cap();
    status rotate_on_schedule();
    void forget(partition_state& ps);

    const cs::clock& clock_;
    store_factory stores_;
    errant_record_reporter* reporter_ = nullptr;
    std::unique_ptr<object_store> store_;
    std::unique_ptr<partitioner> partitioner_;
    std::unique_ptr<record_format> format_;
    std::map<kafka_partition, partition_state> parts_;
    bool uploads_waiting_ = false;
    size_t total_buffered_ = 0;
    std::string topics_dir_ = "topics";
    uint64_t flush_size_ = 0;
    int64_t rotate_interval_ms_ = -1;
    int64_t rotate_schedule_ms_ = -1;
    size_t part_size_ = 25 << 20;
    size_t max_file_bytes_ = 0;
    size_t max_total_bytes_ = 256 << 20;
    int zero_pad_ = 10;
    std::string null_behavior_ = "fail";
    uint64_t objects_written_ = 0;
};

}  // namespace cs::connect::s3
