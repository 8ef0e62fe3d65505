#pragma once

// A librdkafka producer that accounts for every record it accepts: each one
// ends as delivered or failed (with the broker's or librdkafka's reason), so
// a tool can say exactly what was lost. Not thread-safe: one thread sends,
// polls and flushes (delivery callbacks run inside poll/flush on that thread).
//
// With a transactional.id in the settings the producer is transactional
// (librdkafka's produce path only): init_transactions() once, then
// begin_transaction(), send(), send_offsets_to_transaction(),
// commit_transaction() or abort_transaction(); each returns a txn_status
// that says what the caller may do next, as librdkafka classifies the error.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/result.h"
#include "client/handles.h"
#include "client/settings.h"

namespace cs::client {

struct record_header {
    std::string key;
    std::optional<std::string> value;  // nullopt: a header with a null value
};

struct outgoing_record {
    std::string_view topic;
    int32_t partition = RD_KAFKA_PARTITION_UA;             // UA: the partitioner decides
    std::optional<std::string_view> key = std::nullopt;    // nullopt: null key
    std::optional<std::string_view> value = std::nullopt;  // nullopt: tombstone
    std::vector<record_header> headers = {};
    int64_t timestamp_ms = 0;  // 0: now (CreateTime set by the client)
};

struct delivery_stats {
    uint64_t sent = 0;       // accepted by send()
    uint64_t delivered = 0;  // acknowledged by the broker
    uint64_t failed = 0;     // reported failed by a delivery report
    // Of failed: purged by librdkafka because their transaction failed or
    // was aborted (the transaction's error says why, not these records).
    uint64_t purged = 0;
    uint64_t bytes = 0;  // key + value bytes delivered
    // Failure reason -> count (e.g. "Broker: Message size too large" -> 3).
    std::map<std::string, uint64_t> failures;
    uint64_t in_flight() const { return sent - delivered - failed; }
};

struct producer_options {
    // Write with our own Produce path (client/direct_producer.h) instead of
    // librdkafka's: records go straight into per-partition batches; librdkafka
    // only answers metadata. Used when the settings allow it
    // (produce_options::unsupported_reason); otherwise librdkafka produces
    // and one info line says why.
    bool builtin_produce = false;
};

// What a failed transactional call leaves the caller to do, as librdkafka
// classifies its error (rd_kafka_error_is_retriable, _txn_requires_abort,
// _is_fatal).
enum class txn_failure {
    none,
    retriable,  // call the same function again
    abortable,  // abort_transaction(), then begin a new transaction
    fatal,      // the producer is unusable (fenced, unauthorized, ...)
    other,      // a usage error (the wrong state for the call)
};

class txn_status {
  public:
    txn_status() = default;
    // Takes ownership of e (nullptr: success); `what` names the call.
    static txn_status from(rd_kafka_error_t* e, std::string_view what);

    bool ok() const { return kind_ == txn_failure::none; }
    txn_failure kind() const { return kind_; }
    // The broker's or librdkafka's code, e.g.
    // RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
    rd_kafka_resp_err_t code() const { return code_; }
    // "committing the transaction: PRODUCER_FENCED: ...".
    const std::string& message() const { return message_; }
    status to_status() const;

  private:
    txn_failure kind_ = txn_failure::none;
    rd_kafka_resp_err_t code_ = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::string message_;
};

struct topic_partition_offset;
class direct_producer;

class producer {
  public:
    // Creates the producer from settings (see settings.h); diags receives
    // what the settings translation did.
    static result<std::unique_ptr<producer>> create(const client_settings& settings,
                                                    config::diagnostics& diags,
                                                    producer_options options = {});
    ~producer();
    producer(const producer&) = delete;
    producer& operator=(const producer&) = delete;

    // Queues one record, waiting (serving delivery reports) while librdkafka's
    // queue is full. An error means the record was not accepted (unknown
    // topic/partition, too large for message.max.bytes, ...) and is not
    // counted as sent. errc::io: the producer takes no records now, the
    // record aside (its transaction failed and must be aborted, or the
    // producer failed fatally).
    status send(const outgoing_record& r);
    // Fetches the partitions of topics now, so the first send() to each is
    // not held back until librdkafka's next metadata refresh (up to ~1 s
    // for a topic it has not seen). An error names a topic the broker did
    // not describe in time; sending still works then, only later.
    status learn_topics(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);
    // Serves delivery reports for up to timeout (our own Produce path also
    // sends the batches whose linger.ms has passed).
    void poll(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
    // How long a caller may wait elsewhere (e.g. for input) before it should
    // poll() again: `want`, or less when our own Produce path holds an open
    // batch due within it (librdkafka sends on its own thread).
    std::chrono::milliseconds max_wait(std::chrono::milliseconds want) const;
    // Waits until every sent record is delivered or failed, or timeout. An
    // error when records are still in flight at the end.
    status flush(std::chrono::milliseconds timeout);

    // Transactions (a transactional.id in the settings). Each call blocks
    // for up to timeout where librdkafka's does.
    bool transactional() const { return transactional_; }
    // Registers the transactional.id with its coordinator, fencing an older
    // producer with the same id and aborting its open transaction.
    txn_status init_transactions(std::chrono::milliseconds timeout);
    txn_status begin_transaction();
    // Commits a consumer group's offsets (the next record to read of each
    // partition) as part of the open transaction; `group` is the consumer's
    // consumer::group_metadata(), so a zombie member's commit is refused.
    txn_status send_offsets_to_transaction(const std::vector<topic_partition_offset>& offsets,
                                           const rd_kafka_consumer_group_metadata_t* group,
                                           std::chrono::milliseconds timeout);
    // Flushes what was sent, then commits: the records and offsets become
    // visible to read_committed consumers together.
    txn_status commit_transaction(std::chrono::milliseconds timeout);
    // Purges unsent records (their delivery reports count as failed and
    // purged) and aborts: nothing of the transaction becomes visible.
    txn_status abort_transaction(std::chrono::milliseconds timeout);

    const delivery_stats& stats() const { return stats_; }
    // "1000 delivered, 2 failed (Broker: Unknown topic or partition: 2)".
    std::string summary() const;
    rd_kafka_t* handle() const { return rk_.get(); }
    // True when records go through our own Produce path.
    bool uses_builtin_produce() const { return direct_ != nullptr; }

  private:
    producer();
    void enable_builtin_produce(const client_settings& settings);
    status send_direct(const outgoing_record& r);
    static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
    // The handle of a topic, made once: producing by name looks the topic
    // up under librdkafka's handle-wide lock on every record.
    result<rd_kafka_topic_t*> topic(std::string_view name);

    struct name_hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    kafka_handle rk_;
    delivery_stats stats_;
    bool transactional_ = false;
    // After rk_: destroyed before it, as librdkafka requires.
    std::unordered_map<std::string, topic_handle, name_hash, std::equal_to<>> topics_;
    // The built-in path (nullptr: librdkafka produces). Destroyed before rk_,
    // whose metadata it asks for.
    std::unique_ptr<direct_producer> direct_;
    bool null_keys_random_ = true;  // murmur2_random (else murmur2: one partition)
    // Keyless records stick to one partition per topic until a flush, as
    // Java's sticky partitioner and librdkafka's sticky.partitioning do.
    std::unordered_map<std::string, int32_t, name_hash, std::equal_to<>> sticky_;
    uint64_t sticky_seed_ = 0;
};

}  // namespace cs::client
