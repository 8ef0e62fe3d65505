#pragma once

// Owns the log dirs (log.dirs) and every partition_log in them.
//
// Start-up: each log dir is scanned; every <topic>-<partition> directory is
// opened with the dir's recovery point and log start offset checkpoints. If
// the dir holds .kafka_cleanshutdown, segments are trusted (no CRC scan);
// otherwise segments past each partition's recovery point are verified and
// a torn tail is cut. The marker is deleted as soon as loading ends, so a
// crash from then on is seen as unclean.
//
// Running: the broker calls tick(now) on a timer (tests call it directly
// with a manual_clock): retention (every retention_check_interval_ms), removal of *.deleted files
// once file.delete.delay.ms has passed, flush.ms flushes, checkpoints every checkpoint_interval_ms,
// and at most one compaction pass per tick (the partition whose dirty ratio is highest among those
// past min.cleanable.dirty.ratio), so one large pass delays the other work of this thread by its
// own length only. One flusher thread serves acks=all waiters of all partitions (group commit).
//
// Shutdown: shutdown() stops the flusher, flushes every log (data and
// indexes, completing any acks=all waiters), writes both checkpoints and the
// clean-shutdown marker. Logs must not be appended to afterwards: a
// wait_durable() would then only complete on an explicit flush().
//
// Thread-safety: all methods may be called from any thread; a mutex guards
// the partition table. partition_log objects are shared_ptr so callers keep
// using one while it is being removed from the table.

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "protocol/types.h"
#include "storage/flusher.h"
#include "storage/log_config.h"
#include "storage/partition_log.h"

namespace cs::storage {

struct log_manager_options {
    std::vector<std::filesystem::path> log_dirs;
    // The configuration of a partition found on disk at start-up (the broker
    // looks it up in its topic registry). Defaults to log_config{}.
    std::function<log_config(const kafka::topic_partition&)> config_for;
    int64_t checkpoint_interval_ms = 60'000;  // log.flush.offset.checkpoint.interval.ms
    // Retention runs at the first tick this long after open() and then as
    // often (Kafka's log.retention.check.interval.ms, default 5 min).
    int64_t retention_check_interval_ms = 300'000;
    bool cleaner_enable = true;  // log.cleaner.enable
};

class log_manager {
  public:
    static result<std::unique_ptr<log_manager>> open(log_manager_options opts, clock& clk);
    ~log_manager();  // shutdown() if not done yet
    log_manager(const log_manager&) = delete;
    log_manager& operator=(const log_manager&) = delete;

    // nullptr if the partition does not exist.
    std::shared_ptr<partition_log> get(const kafka::topic_partition& tp) const;
    // Creates the partition in the log dir holding the fewest partitions.
    // errc::already_exists if present.
    result<std::shared_ptr<partition_log>> create(const kafka::topic_partition& tp,
                                                  const log_config& cfg);
    // Deletes the partition's directory and all its data.
    status remove(const kafka::topic_partition& tp);
    std::vector<kafka::topic_partition> partitions() const;

    // Periodic work; see the class comment.
    void tick(int64_t now_ms);
    // Writes recovery-point and log-start-offset checkpoints of every dir.
    status checkpoint();
    status shutdown();

    flusher& group_commit() { return flusher_; }
    // Whether the dir was cleanly shut down before this start (tests, logs).
    bool was_clean(const std::filesystem::path& dir) const;

  private:
    log_manager(log_manager_options opts, clock& clk);
    status load_dir(const std::filesystem::path& dir);

    log_manager_options opts_;
    clock& clock_;
    flusher flusher_;
    mutable std::mutex mu_;
    struct entry {
        std::filesystem::path log_dir;
        std::shared_ptr<partition_log> log;
    };
    std::unordered_map<kafka::topic_partition, entry> logs_;
    std::vector<std::filesystem::path> clean_dirs_;
    int64_t last_checkpoint_ms_ = 0;
    int64_t last_retention_check_ms_ = 0;  // monotonic
    bool shut_down_ = false;
};

}  // namespace cs::storage
