#pragma once

// Our own Produce path: records are written straight into one RecordBatch v2
// per partition (kafka::record_batch_writer) and sent to each partition's
// leader in Produce requests over the protocol module's codec, without
// librdkafka.
//
// Why: librdkafka copies each record into a message of its own (an
// allocation and a lock per record), wakes its broker thread, and builds
// the batch there: 0.2-0.3 us of its thread plus the produce call per record
// on this machine, a fifth of what the whole enrichment query costs. Here a
// record costs the varints and a memcpy into the open batch.
//
// What it does not do: TLS/SASL, acks=0 (no response to wait for),
// idempotence and transactions (producer ids, sequences); metadata comes
// from the caller (client::producer asks librdkafka).
// produce_options::unsupported_reason() says when settings need librdkafka.
//
// Ordering and delivery: per leader broker one connection and at most one
// Produce in flight, with at most one batch per partition in it, so the
// batches of a partition are written in order also across retries.
// Retriable errors (leadership moved, timeouts, a lost connection) retry
// the batch after retry.backoff.ms, looking up the leader again, until
// `retries` or message.timeout.ms runs out; a lost connection may have
// written the batch already, so a retry can duplicate it (at least once, as
// librdkafka without enable.idempotence). Every record ends in exactly one
// delivery report: delivered, or failed with the reason.
//
// Threading: one thread; reports are called from append(), poll() and
// flush().

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
#include "client/fetcher.h"
#include "client/settings.h"
#include "protocol/record_batch_writer.h"

namespace cs::client {

struct produce_options {
    std::string client_id = "clickstream";
    int16_t acks = -1;                                                // acks (librdkafka: all)
    std::chrono::milliseconds request_timeout{30'000};                // request.timeout.ms
    std::chrono::milliseconds delivery_timeout{300'000};              // message.timeout.ms
    std::chrono::milliseconds retry_backoff{100};                     // retry.backoff.ms
    std::chrono::milliseconds reconnect_backoff{100};                 // reconnect.backoff.ms
    std::chrono::milliseconds linger{5};                              // linger.ms
    int32_t retries = 2'147'483'647;                                  // retries
    kafka::compression_codec codec = kafka::compression_codec::none;  // compression.type
    int32_t batch_size = 1'000'000;        // batch.size: bytes of one partition's batch
    int32_t max_request_size = 1'000'000;  // message.max.bytes: bytes of one request
    // Records and key+value KiB accepted but not yet acknowledged: append()
    // waits (sending and serving responses) while either is reached.
    int32_t max_buffered_records = 100'000;   // queue.buffering.max.messages
    int32_t max_buffered_kbytes = 1'048'576;  // queue.buffering.max.kbytes (buffer.memory)

    // From a producer's librdkafka/Java settings (defaults as librdkafka's);
    // errc::invalid_argument names the setting and its origin.
    static result<produce_options> from_settings(const client_settings& s);
    // Empty when this path can serve a producer with these settings, else
    // why not: security.protocol other than plaintext, sasl.*/ssl.*, acks=0,
    // enable.idempotence=true, transactional.id, a partitioner other than
    // murmur2/murmur2_random (Java's hash: this path partitions itself).
    static std::string unsupported_reason(const client_settings& s);
};

// The partitions of a topic with their leaders; errc::not_found when the
// cluster does not know the topic.
using topic_layout_source =
    std::function<result<std::vector<partition_leader>>(const std::string& topic)>;

struct delivery_report {
    uint64_t records = 0;
    uint64_t bytes = 0;  // key + value bytes
    std::string error;   // empty: delivered
};
using delivery_sink = std::function<void(const delivery_report&)>;

struct produce_counters {
    uint64_t requests = 0;
    uint64_t batches = 0;  // acknowledged
    uint64_t retries = 0;
    uint64_t reconnects = 0;
};

class direct_producer {
  public:
    using header = kafka::record_batch_writer::header;

    direct_producer(produce_options options, topic_layout_source layout, delivery_sink sink);
    ~direct_producer();
    direct_producer(const direct_producer&) = delete;
    direct_producer& operator=(const direct_producer&) = delete;

    // The number of partitions of topic (asks the layout source the first
    // time and after a partition was not found).
    result<int32_t> partition_count(std::string_view topic);
    // Accepts one record, first waiting while the buffer limits are
    // reached (as librdkafka's produce blocks on a full queue).
    // errc::not_found for a partition the topic does not have,
    // errc::too_large for a record that alone exceeds message.max.bytes;
    // the record is not accepted then.
    status append(std::string_view topic, int32_t partition, std::optional<std::string_view> key,
                  std::optional<std::string_view> value, std::span<const header> headers,
                  int64_t timestamp_ms);
    // Sends the batches that are full or older than linger.ms and handles
    // responses, waiting up to timeout for them.
    void poll(std::chrono::milliseconds timeout);
    // Sends every record and waits until each one is reported, or timeout.
    // An error when records are still in flight at the end.
    status flush(std::chrono::milliseconds timeout);
    // When the first open batch is due to be sent (opened + linger.ms), if
    // any is open: a caller that waits elsewhere (for input) returns to
    // poll() by then, as only append(), poll() and flush() send.
    std::optional<std::chrono::steady_clock::time_point> next_linger_deadline() const;
    // Records accepted and not reported yet.
    uint64_t in_flight() const;
    produce_counters counters() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace cs::client
