// query_runner under processing.guarantee=exactly_once_v2: the output, the
// DLQ records and the input offsets of everything processed since the last
// commit go into one Kafka transaction, committed at the runner's commit
// points (deliver_and_commit) or aborted and read again.

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "base/log.h"
#include "streams/query_runner.h"

namespace cs::streams {

namespace {

constexpr std::string_view guarantee_values = "at_least_once, exactly_once_v2, exactly_once";

// "<group id>-<process id>-<n>": unique per runner instance, as Kafka
// Streams' EOS v2 ids ("<application.id>-<process UUID>-<thread index>").
// A restarted query gets a new id: under v2 the group's generation fences
// a zombie's offset commits (KIP-447), not the transactional.id, and a
// crashed instance's open transaction is aborted by the broker after
// transaction.timeout.ms.
std::string next_transactional_id(const std::string& group) {
    static const uint64_t process = [] {
        std::random_device rd;
        return (uint64_t{rd()} << 32) | rd();
    }();
    static std::atomic<uint64_t> next{0};
    return fmt::format("{}-{:016x}-{}", group, process, next.fetch_add(1));
}

// Kafka Streams' default under exactly-once (librdkafka's is 60 s): how long
// read_committed readers of the output may wait behind the open transaction
// of an instance that crashed.
constexpr std::string_view default_txn_timeout_ms = "10000";

// Calls f until it succeeds, fails other than retriably, or the deadline;
// a short pause between tries, as some retriable errors come back at once
// (no coordinator yet).
template <class F>
client::txn_status retrying(std::chrono::steady_clock::time_point deadline, F f) {
    constexpr std::chrono::milliseconds backoff{100};
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        auto st = f(std::max(left, std::chrono::milliseconds(1)));
        if (st.kind() != client::txn_failure::retriable || left <= backoff) {
            return st;
        }
        std::this_thread::sleep_for(backoff);
    }
}

}  // namespace

result<processing_guarantee> parse_processing_guarantee(std::string_view key,
                                                        std::string_view value) {
    if (value == "at_least_once") {
        return processing_guarantee::at_least_once;
    }
    if (value == "exactly_once_v2" || value == "exactly_once") {
        return processing_guarantee::exactly_once_v2;
    }
    return error{errc::invalid_argument,
                 fmt::format("property {}: '{}' is not one of {}", key, value, guarantee_values)};
}

void query_runner::make_transactional(client::client_settings& consumer,
                                      client::client_settings& producer) {
    // As Kafka Streams under exactly-once: never read another transaction's
    // aborted or still open records.
    if (const auto* iso = settings_.find("isolation.level");
        iso != nullptr && iso->value != "read_committed") {
        log::get("streams")->warn("query {}: {}={} ignored: exactly_once_v2 reads read_committed",
                                  plan_.id, iso->key, iso->value);
    }
    consumer.set("isolation.level", "read_committed", "query runner (exactly_once_v2)");
    producer.set("transactional.id", next_transactional_id(group_id_),
                 "query runner (exactly_once_v2)");
    if (producer.find("transaction.timeout.ms") == nullptr) {
        producer.set("transaction.timeout.ms", std::string(default_txn_timeout_ms),
                     "query runner (exactly_once_v2, as Kafka Streams)");
    }
}

status query_runner::init_transactions() {
    auto st = retrying(
        std::chrono::steady_clock::now() + options_.flush_timeout,
        [&](std::chrono::milliseconds left) { return producer_->init_transactions(left); });
    if (!st.ok()) {
        return status(errc::io, fmt::format("query {}: exactly_once_v2 needs transactions: {}",
                                            plan_.id, st.message()));
    }
    return {};
}

status query_runner::begin_transaction(std::span<const client::message> batch) {
    if (!txn_open_) {
        if (auto st = producer_->begin_transaction(); !st.ok()) {
            return status(errc::io, fmt::format("query {}: {}", plan_.id, st.message()));
        }
        txn_open_ = true;
    }
    for (const auto& m : batch) {
        auto it = std::find_if(txn_start_.begin(), txn_start_.end(), [&](const auto& s) {
            return s.partition == m.partition() && s.topic == m.topic();
        });
        if (it == txn_start_.end()) {
            txn_start_.push_back({std::string(m.topic()), m.partition(), m.offset()});
        }
    }
    return {};
}

bool query_runner::transaction_refused(const status& st) {
    if (!exactly_once() || st.code() != errc::io) {
        return false;
    }
    if (txn_failed_.empty()) {
        txn_failed_ = st.message();
    }
    return true;
}

status query_runner::commit_transaction() {
    if (!txn_open_) {
        return {};
    }
    if (!txn_failed_.empty()) {
        return abort_and_rewind(txn_failed_);
    }
    // A record the broker refused fails again when processed again: stop,
    // as at least once does, with nothing of the transaction visible.
    // (Records purged by a failed transaction are its error's doing.)
    (void)producer_->flush(options_.flush_timeout);
    const auto& stats = producer_->stats();
    if (uint64_t failed = stats.failed - stats.purged; failed != failed_at_commit_) {
        (void)producer_->abort_transaction(options_.flush_timeout);
        txn_open_ = false;
        counters_.txn_aborted.fetch_add(1, std::memory_order_relaxed);
        return status(errc::io, fmt::format("{} output records failed ({}); their transaction "
                                            "was aborted",
                                            failed - failed_at_commit_, producer_->summary()));
    }
    const std::vector<client::topic_partition_offset>& offsets = positions_;
    auto group = consumer_->group_metadata();
    if (!group) {
        return group.err();
    }
    const auto deadline = std::chrono::steady_clock::now() + options_.flush_timeout;
    auto st = retrying(deadline, [&](std::chrono::milliseconds left) {
        return producer_->send_offsets_to_transaction(offsets, group->get(), left);
    });
    if (st.ok()) {
        st = retrying(deadline, [&](std::chrono::milliseconds left) {
            return producer_->commit_transaction(left);
        });
    }
    if (st.kind() == client::txn_failure::abortable) {
        return abort_and_rewind(st.message());
    }
    if (!st.ok()) {
        // Fatal: fenced by a newer producer, or refused by the broker; no
        // transaction of this producer can commit any more.
        return status(errc::io, fmt::format("{}{}",
                                            st.kind() == client::txn_failure::fatal
                                                ? "fatal transaction error, the query stops: "
                                                : "",
                                            st.message()));
    }
    txn_open_ = false;
    txn_start_.clear();
    counters_.produced.fetch_add(uncommitted_.outputs, std::memory_order_relaxed);
    counters_.dlq.fetch_add(uncommitted_.dlq, std::memory_order_relaxed);
    counters_.txn_committed.fetch_add(1, std::memory_order_relaxed);
    uncommitted_ = {};
    return {};
}

status query_runner::abort_and_rewind(std::string_view why) {
    log::get("streams")->warn("query {}: aborting the transaction ({}); its input is read again",
                              plan_.id, why);
    const auto deadline = std::chrono::steady_clock::now() + options_.flush_timeout;
    auto st = retrying(deadline, [&](std::chrono::milliseconds left) {
        return producer_->abort_transaction(left);
    });
    if (!st.ok()) {
        return status(errc::io, fmt::format("{} after: {}", st.message(), why));
    }
    txn_open_ = false;
    txn_failed_.clear();
    counters_.txn_aborted.fetch_add(1, std::memory_order_relaxed);
    // Aggregation and join state includes the aborted updates: read it
    // again from the changelogs, or a table join's from its sources up to
    // the committed offsets (committed records only).
    drop_state({}, true);
    drop_join_state({}, true);
    const auto& stats = producer_->stats();
    failed_at_commit_ = stats.failed - stats.purged;
    uncommitted_ = {};

    std::vector<client::topic_partition_offset> rewind;
    for (const auto& first : txn_start_) {
        if (std::none_of(revoking_.begin(), revoking_.end(), [&](const auto& r) {
                return r.partition == first.partition && r.topic == first.topic;
            })) {
            rewind.push_back(first);
        }
    }
    txn_start_.clear();
    // What was processed of them no longer counts.
    std::erase_if(positions_, [&](const auto& pos) {
        return std::any_of(rewind.begin(), rewind.end(), [&](const auto& r) {
            return r.partition == pos.partition && r.topic == pos.topic;
        });
    });
    if (rewind.empty()) {
        return {};
    }
    auto to = consumer_->seek_to_committed(rewind, options_.flush_timeout);
    if (!to) {
        return status(errc::io, fmt::format("rewinding the input of an aborted transaction: {}",
                                            to.err().message));
    }
    // Inside poll_batch (a rebalance callback) the batch may already hold
    // records of these partitions from before the seek.
    rewound_before_ = batch_.size();
    for (const auto& r : *to) {
        rewound_.push_back(r);
        log::get("streams")->info("query {}: {} [{}] rewound to offset {}", plan_.id, r.topic,
                                  r.partition, r.offset);
    }
    return {};
}

void query_runner::drop_rewound(std::vector<client::message>& batch) {
    const size_t stale = std::min(rewound_before_, batch.size());
    auto end =
        std::remove_if(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(stale),
                       [&](const client::message& m) {
                           return std::any_of(rewound_.begin(), rewound_.end(), [&](const auto& r) {
                               return r.partition == m.partition() && r.topic == m.topic();
                           });
                       });
    batch.erase(end, batch.begin() + static_cast<std::ptrdiff_t>(stale));
    rewound_.clear();
    rewound_before_ = 0;
}

}  // namespace cs::streams
