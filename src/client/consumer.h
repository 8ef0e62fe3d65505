#pragma once

// A librdkafka high-level consumer: group subscription (topic names or
// "^regex" patterns) or explicit partition assignment, batch polling,
// offset store/commit, and a close() that commits and leaves the group.
//
// Threading: one thread per consumer. Every member function, and the
// rebalance listener (which runs inside poll_batch/close on that thread), is
// called from the thread that owns the consumer; librdkafka's own threads
// never call back into this object.
//
// Lifecycle: create() -> subscribe() or assign() -> poll_batch()/store/commit
// ... -> close(). The destructor calls close() when the owner did not, so the
// group sees a LeaveGroup at once instead of waiting session.timeout.ms, and,
// with enable.auto.commit=true, the stored offsets are committed.
//
// Offsets: a record counts as processed when its offset is stored
// (store_offsets). Whether storing happens automatically on delivery to the
// application is librdkafka's enable.auto.offset.store; callers that want
// "committed means processed" set it to false and store after processing.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/handles.h"
#include "client/settings.h"

namespace cs::client {

enum class timestamp_kind { none, create_time, log_append_time };

// "CreateTime", "LogAppendTime" or "NoTimestampType", as Kafka's
// TimestampType prints itself.
std::string_view timestamp_kind_name(timestamp_kind k);

struct header_view {
    std::string_view key;
    std::optional<std::string_view> value;  // nullopt: a header with a null value
};

// The fields of one record as our own fetcher (client/fetcher.h) decodes
// it: views into a fetched buffer that `owner` keeps alive. raw_headers is
// the record's header section (count, then key/value pairs) still encoded.
struct fetched_fields {
    std::string_view topic;
    int32_t partition = 0;
    int64_t offset = 0;
    std::optional<std::string_view> key;
    std::optional<std::string_view> value;
    int64_t timestamp_ms = -1;
    timestamp_kind timestamp_type = timestamp_kind::none;
    std::string_view raw_headers;
    int32_t header_count = 0;
};

// One record as received, from librdkafka's fetch or from ours. Owns what it
// points into (librdkafka's message, or the fetched buffer), so the views it
// hands out need no copy and stay valid for as long as the message lives.
// Move-only.
class message {
  public:
    explicit message(message_handle m);
    message(const fetched_fields& f, std::shared_ptr<const void> owner)
        : f_(f), owner_(std::move(owner)) {}

    std::string_view topic() const { return f_.topic; }
    int32_t partition() const { return f_.partition; }
    int64_t offset() const { return f_.offset; }
    std::optional<std::string_view> key() const { return f_.key; }
    std::optional<std::string_view> value() const { return f_.value; }
    size_t size() const {
        return (f_.key ? f_.key->size() : 0) + (f_.value ? f_.value->size() : 0);
    }
    // Milliseconds since the epoch; -1 when the record carries none.
    int64_t timestamp_ms() const { return f_.timestamp_ms; }
    timestamp_kind timestamp_type() const { return f_.timestamp_type; }
    // Headers in record order.
    size_t header_count() const;
    header_view header(size_t i) const;

    // librdkafka's message; nullptr for a record of our own fetcher.
    const rd_kafka_message_t* raw() const { return m_.get(); }

  private:
    fetched_fields f_;
    message_handle m_;
    std::shared_ptr<const void> owner_;
};

// Special offsets for assign(): where to start when not at a number.
inline constexpr int64_t offset_beginning = RD_KAFKA_OFFSET_BEGINNING;
inline constexpr int64_t offset_end = RD_KAFKA_OFFSET_END;
inline constexpr int64_t offset_stored =
    RD_KAFKA_OFFSET_STORED;  // committed, else auto.offset.reset

struct topic_partition_offset {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = offset_stored;
    bool operator==(const topic_partition_offset&) const = default;
};

enum class commit_mode { sync, async };

// A change of this consumer's assignment by the group.
struct rebalance_event {
    enum class kind { assigned, revoked } what = kind::assigned;
    bool cooperative = false;  // incremental (KIP-429) rather than eager
    bool lost = false;         // revoked because the membership was lost
    std::vector<topic_partition_offset> partitions;
};
// Runs after an assignment is applied and before a revocation is applied, so
// a listener can still commit offsets of partitions it is about to lose.
using rebalance_listener = std::function<void(const rebalance_event&)>;

class fetcher;

// queued.min.messages for consumers whose settings do not name it, with
// librdkafka before 2.1 (consumer.cc says why).
inline constexpr int fetch_queue_min_messages = 500'000;

struct consumer_options {
    // Read the partitions the group assigns with our own fetcher
    // (client/fetcher.h) instead of librdkafka's: librdkafka still does the
    // group membership, commits and metadata, and the assigned partitions
    // stay paused in it. Applies only when the settings allow it
    // (fetch_options::unsupported_reason: plaintext, read_uncommitted);
    // otherwise the consumer logs why and uses librdkafka's fetch.
    bool builtin_fetch = false;
};

struct watermark_offsets {
    int64_t low = -1;
    int64_t high = -1;
};

class consumer {
  public:
    // Creates the consumer from settings (group.id is required for
    // subscribe() and for commits). diags receives the settings translation.
    static result<std::unique_ptr<consumer>> create(const client_settings& settings,
                                                    config::diagnostics& diags,
                                                    rebalance_listener on_rebalance = {},
                                                    consumer_options options = {});
    ~consumer();
    consumer(const consumer&) = delete;
    consumer& operator=(const consumer&) = delete;

    // Joins the group for these topics; an entry starting with '^' is a
    // regular expression matched against every topic name, now and later.
    status subscribe(const std::vector<std::string>& topics);
    // Reads exactly these partitions from these offsets, without a group
    // subscription. librdkafka needs group.id set even here (commits go to
    // that group); nothing joins it.
    status assign(const std::vector<topic_partition_offset>& partitions);

    // Waits up to timeout for a first record, then takes the records that are
    // already fetched, up to max in all, and appends them to out. Returns how
    // many were appended (0 on timeout). Transient conditions (a broker
    // connection lost and retried, partition EOF) are logged, not returned; a
    // permanent error (unknown topic, authorization, fatal client error) is.
    result<size_t> poll_batch(std::vector<message>& out, size_t max,
                              std::chrono::milliseconds timeout);

    // Marks every record in msgs as processed: for each partition, the
    // offset after its last record is what the next commit covers. Needs
    // enable.auto.offset.store=false. Partitions no longer assigned are
    // skipped (their records will be delivered again to their new owner).
    status store_offsets(std::span<const message> msgs);
    // Commits the stored offsets. Nothing stored is not an error.
    status commit(commit_mode mode);
    // Commits exactly these offsets (the offset of the next record to read).
    status commit(const std::vector<topic_partition_offset>& offsets, commit_mode mode);
    // The group's committed offsets for these partitions (offset_stored
    // where the group has none).
    result<std::vector<topic_partition_offset>> committed(
        const std::vector<topic_partition_offset>& partitions, std::chrono::milliseconds timeout);
    result<std::vector<topic_partition_offset>> assignment() const;
    // Where these partitions will be read from next: after the last record
    // handed out, and past transaction markers and aborted records, which
    // are never handed out (librdkafka's fetch position; so a reader of
    // transactional output can tell it is at the end). -1 where a partition
    // has no position (not assigned, nothing fetched yet).
    result<std::vector<topic_partition_offset>> position(
        const std::vector<topic_partition_offset>& partitions) const;
    // Moves the read position of assigned partitions: the next poll_batch
    // hands out their records from these offsets (records fetched before
    // are dropped). consumer_seek.cc.
    status seek(const std::vector<topic_partition_offset>& offsets,
                std::chrono::milliseconds timeout);
    // Seeks each partition to the group's committed offset, or, where the
    // group has none, to the offset given for it (a transactional reader
    // rewinding an aborted transaction passes where that transaction began
    // reading). Returns the offsets sought.
    result<std::vector<topic_partition_offset>> seek_to_committed(
        const std::vector<topic_partition_offset>& fallback, std::chrono::milliseconds timeout);
    // The group's generation and member id as of now, for
    // producer::send_offsets_to_transaction (so a commit of a member the
    // group has since replaced is refused).
    result<group_metadata_handle> group_metadata() const;
    // The partition's offsets as of its last fetch response (no request);
    // nullopt when none is known yet.
    std::optional<watermark_offsets> cached_watermarks(const std::string& topic,
                                                       int32_t partition) const;
    // Whether the group's partitions are read by our own fetcher.
    bool uses_builtin_fetch() const { return fetcher_ != nullptr; }

    // Revokes the assignment (the listener sees it), commits stored offsets
    // when enable.auto.commit=true, and leaves the group. Idempotent; no
    // other call is valid afterwards.
    status close();
    bool closed() const { return closed_; }

    rd_kafka_t* handle() const { return rk_.get(); }

  private:
    consumer() = default;
    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* parts, void* opaque);
    void handle_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
    // Builtin fetch (consumer_fetch.cc): takes over newly assigned partitions
    // (pauses them in librdkafka, starts them at their committed offset or
    // by auto.offset.reset), and lets revoked ones go.
    void enable_builtin_fetch(const client_settings& settings);
    void fetch_assigned(rd_kafka_topic_partition_list_t* parts);
    void fetch_revoked(rd_kafka_topic_partition_list_t* parts, bool all);

    rebalance_listener listener_;
    kafka_handle rk_;
    queue_handle queue_;  // the consumer queue (messages, rebalances, errors)
    std::vector<rd_kafka_message_t*> scratch_;
    std::unique_ptr<fetcher> fetcher_;
    std::string auto_offset_reset_ = "largest";
    std::optional<error> fetch_failure_;  // from a rebalance callback, for poll_batch
    bool closed_ = false;
    // The group's rebalance protocol as last reported: during close
    // librdkafka may report none (NULL, or "NONE") for the final revoke.
    bool last_cooperative_ = false;
};

// librdkafka's partition list from ours, and back.
partition_list_handle to_partition_list(const std::vector<topic_partition_offset>& parts);
std::vector<topic_partition_offset> from_partition_list(const rd_kafka_topic_partition_list_t* l);

}  // namespace cs::client
