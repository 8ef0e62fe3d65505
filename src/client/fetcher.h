#pragma once

// Our own Fetch path: reads assigned partitions straight from their leaders
// over the Kafka protocol (the protocol module's codec), without librdkafka.
//
// Why: librdkafka turns every fetched record into an op (an allocation,
// a queue hop and a free) on its broker thread: ~1 us per record on this
// machine, as much CPU as the whole enrichment query spends on its own
// work. Here a Fetch response is decoded once and its records are handed
// out as views into the response's buffer.
//
// What it does not do: group membership, offset commits and metadata stay
// with librdkafka (client::consumer uses this class for the fetching of a
// group subscription; the group's partitions are paused in librdkafka so it
// never fetches them itself). Only PLAINTEXT connections (no TLS, no SASL)
// and read_uncommitted: fetch_options::supported() says when a consumer's
// settings need librdkafka's own fetch instead.
//
// Per leader broker one connection and at most one Fetch in flight: when a
// response arrives its partitions' next offsets are known, so the next Fetch
// goes out before the records of this one are handed to the caller (the
// broker's long poll overlaps the caller's processing).
//
// Errors: OFFSET_OUT_OF_RANGE resets the partition by auto.offset.reset
// (ListOffsets; "none"/"error" make it a permanent error of poll());
// leadership errors and lost connections re-resolve the leader (through the
// resolver) and reconnect after reconnect.backoff.ms; a corrupt batch is a
// permanent error naming the partition and offset.
//
// Threading: one thread; no callbacks.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/consumer.h"
#include "client/settings.h"

namespace cs::client {

struct fetch_options {
    std::string client_id = "clickstream";
    int32_t max_wait_ms = 500;                // fetch.wait.max.ms
    int32_t min_bytes = 1;                    // fetch.min.bytes
    int32_t max_bytes = 52'428'800;           // fetch.max.bytes
    int32_t partition_max_bytes = 1'048'576;  // max.partition.fetch.bytes
    std::string auto_offset_reset =
        "latest";  // earliest|smallest|beginning|latest|largest|end|none|error
    std::chrono::milliseconds socket_timeout{60'000};  // socket.timeout.ms
    std::chrono::milliseconds reconnect_backoff{100};  // reconnect.backoff.ms
    bool check_crcs = false;                           // check.crcs (librdkafka's default: false)

    // The librdkafka/Java keys above from a consumer's settings (defaults as
    // librdkafka's); errc::invalid_argument for a value that is not a number.
    static result<fetch_options> from_settings(const client_settings& s);
    // Empty when this fetcher can serve a consumer with these settings, else
    // why not (security.protocol other than plaintext, sasl.*, ssl.*,
    // isolation.level=read_committed).
    static std::string unsupported_reason(const client_settings& s);
};

struct broker_address {
    int32_t id = -1;
    std::string host;
    uint16_t port = 0;
    bool operator==(const broker_address&) const = default;
};

// One partition of a topic and its leader (nullopt: none right now).
struct partition_leader {
    int32_t partition = 0;
    std::optional<broker_address> leader;
};

struct topic_partition {
    std::string topic;
    int32_t partition = 0;
    bool operator==(const topic_partition&) const = default;
};

// The current leader of each partition asked for; a partition whose leader
// is unknown right now is left out (the fetcher asks again after backoff).
using leader_resolver =
    std::function<result<std::vector<std::pair<topic_partition, broker_address>>>(
        const std::vector<topic_partition>&)>;

struct partition_watermarks {
    int64_t high_watermark = -1;
    int64_t last_stable_offset = -1;
    int64_t log_start_offset = -1;
};

struct fetch_counters {
    uint64_t requests = 0;  // Fetch requests sent
    uint64_t responses = 0;
    uint64_t records = 0;     // records handed out
    uint64_t bytes = 0;       // record batch bytes received
    uint64_t resets = 0;      // offsets reset by auto.offset.reset
    uint64_t reconnects = 0;  // connections (re)opened
    uint64_t leader_changes = 0;
};

class fetcher {
  public:
    fetcher(fetch_options options, leader_resolver resolver);
    ~fetcher();
    fetcher(const fetcher&) = delete;
    fetcher& operator=(const fetcher&) = delete;

    // Starts reading a partition at `offset` (>= 0), or at offset_beginning /
    // offset_end (resolved with ListOffsets). Replaces an existing position.
    void add(const topic_partition& tp, int64_t offset);
    // Stops reading it; records of it in a Fetch already in flight are dropped.
    void remove(const topic_partition& tp);
    void clear();
    bool empty() const;

    // Waits up to `timeout` for records of the added partitions, then
    // appends up to `max` of them to `out` in offset order per partition and
    // returns how many. Records of one partition are never skipped or
    // repeated: the next call continues after the last record handed out
    // (records beyond `max` are kept for the next call). Transient errors
    // (connection loss, leader change) are logged and retried; a permanent
    // one is returned (records appended before it stay in `out`).
    result<size_t> poll(std::vector<message>& out, size_t max, std::chrono::milliseconds timeout);

    // The next offset poll() will hand out for tp; nullopt when not added.
    std::optional<int64_t> position(const topic_partition& tp) const;
    // From tp's last Fetch response; nullopt before the first one.
    std::optional<partition_watermarks> watermarks(const topic_partition& tp) const;
    fetch_counters counters() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace cs::client
