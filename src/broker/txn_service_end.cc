// txn_service: ending transactions (prepare, markers, offsets, complete),
// timeouts, expiry of idle ids, and start-up (replay of
// __transaction_state, completion of prepared transactions, orphans).

#include <limits>
#include <memory>

#include <fmt/format.h>

#include "base/log.h"
#include "broker/broker_state.h"
#include "broker/internal_topic.h"
#include "broker/topics/topic_name.h"
#include "broker/txn/txn_records.h"
#include "broker/txn_service.h"
#include "protocol/control_batch.h"

namespace cs::broker {

using kafka::error_code;
using txn::txn_state;

namespace {

// Waits for several asynchronous steps; `then` runs with the first failure
// (or success) after the last one.
struct join {
    size_t left = 1;  // the starter's own share, released by start_done()
    status first_error;
    std::function<void(status)> then;

    void one(const status& st) {
        if (!st.ok() && first_error.ok()) {
            first_error = st;
        }
        if (--left == 0) {
            then(first_error);
        }
    }
};

// Writes one marker into the partition (its append lock held); nullopt when
// only_open and the producer has no transaction open there.
result<std::optional<kafka::offset>> write_marker(partition& part, int64_t pid, int16_t epoch,
                                                  bool commit, bool only_open, int64_t now_ms) {
    std::lock_guard lock(part.append_mu);
    if (only_open && !part.producers.in_txn(pid)) {
        return std::optional<kafka::offset>{};
    }
    bytes marker = kafka::build_txn_marker(
        pid, epoch, commit ? kafka::control_type::commit : kafka::control_type::abort, 0, now_ms);
    storage::append_options opts;
    opts.client_batch = false;
    auto appended = part.log->append(mutable_bytes_view(marker.data(), marker.size()), opts);
    if (!appended.ok()) {
        return appended.take_error();
    }
    part.producers.end_txn(pid, epoch, commit, appended->base_offset.value(), now_ms);
    part.publish_txn_state();
    return std::optional<kafka::offset>{appended->last_offset};
}

}  // namespace

void txn_service::end(const std::string& id, bool commit, error_callback prepared,
                      error_callback completed) {
    txn_metadata next = *find(id);
    next.state = commit ? txn_state::prepare_commit : txn_state::prepare_abort;
    next.last_update_ms = now();
    acquire(id);
    persist(next, [this, id, next, prepared = std::move(prepared),
                   completed = std::move(completed)](status st) {
        if (!st.ok()) {
            log::get("txn")->warn("transactional id '{}': writing {} to {} failed: {}", id,
                                  state_name(next.state), kTransactionStateTopic, st.message());
            prepared(error_code::coordinator_not_available);
        } else {
            // The outcome is decided once the prepared state is durable (a
            // crash from here on completes it at start-up): answer now, as
            // Kafka's coordinator does, and write the markers after. The
            // id stays busy until they and the Complete record are written,
            // so its next request sees the transaction complete.
            txns_[id] = next;
            publish(next);
            prepared(error_code::none);
            complete(
                id, /*only_open=*/false, completed ? completed : [](error_code) {});
        }
        release(id);
    });
}

void txn_service::complete(const std::string& id, bool only_open, error_callback done) {
    const txn_metadata m = *find(id);
    const bool commit = m.state == txn_state::prepare_commit;
    acquire(id);
    auto j = std::make_shared<join>();
    j->then = [this, id, commit, done](status st) {
        if (!st.ok()) {
            // Stays prepared: tick() tries again; the id's requests are told
            // CONCURRENT_TRANSACTIONS meanwhile (the client retries them).
            log::get("txn")->error("transactional id '{}': completing its {} failed: {}", id,
                                   commit ? "commit" : "abort", st.message());
            done(error_code::coordinator_not_available);
            release(id);
            return;
        }
        txn_metadata next = *find(id);
        next.state = commit ? txn_state::complete_commit : txn_state::complete_abort;
        next.partitions.clear();
        next.groups.clear();
        next.offsets.clear();
        next.start_ms = -1;
        next.last_update_ms = now();
        txns_[id] = next;
        publish(next);
        (commit ? committed_ : aborted_).fetch_add(1);
        persist(next, [id](status written) {
            if (!written.ok()) {
                // Replay finds the transaction prepared and completes it
                // again: markers only where it is still open, offsets again.
                log::get("txn")->warn("transactional id '{}': recording its completion failed: {}",
                                      id, written.message());
            }
        });
        done(error_code::none);
        release(id);
    };
    for (const auto& tp : m.partitions) {
        auto part = broker_.find_partition(tp);
        if (!part) {
            continue;  // deleted since it joined the transaction
        }
        auto written =
            write_marker(*part, m.producer_id, m.producer_epoch, commit, only_open, now());
        if (!written.ok()) {
            j->one(written.err());
            continue;
        }
        if (!written->has_value()) {
            continue;
        }
        broker_.fetches().notify(tp);
        ++j->left;
        part->log->wait_durable(**written,
                                [this, j](status st) { exec_.post([j, st] { j->one(st); }); });
    }
    if (commit) {
        for (const auto& [group, offsets] : m.offsets) {
            group::offset_commit_request req;
            req.group_id = group;
            for (const auto& [tp, o] : offsets) {
                req.partitions.push_back({tp, o.offset, o.leader_epoch, o.metadata});
            }
            ++j->left;
            broker_.groups().post([this, j, req = std::move(req)](group::group_coordinator& c) {
                c.commit_transactional_offsets(
                    req, [this, j](std::vector<group::offset_commit_partition_result> results) {
                        status st;
                        for (const auto& r : results) {
                            if (r.error != error_code::none) {
                                st = status(errc::io, fmt::format("offset of {} for its group: {}",
                                                                  r.tp.to_string(),
                                                                  kafka::error_code_name(r.error)));
                            }
                        }
                        exec_.post([j, st] { j->one(st); });
                    });
            });
        }
    }
    j->one(status{});
}

// ------------------------------------------------------------------- periodic

void txn_service::tick() {
    exec_.post([this] {
        abort_timed_out();
        expire_ids();
        // Prepared transactions whose completion failed before.
        for (const auto& [id, m] : txns_) {
            if (m.prepared() && !busy(id)) {
                complete(id, /*only_open=*/true, [](error_code) {});
                break;  // one per tick: the rest on the next ones
            }
        }
    });
}

void txn_service::abort_timed_out() {
    const int64_t t = now();
    std::vector<std::string> expired;
    for (auto& [id, m] : txns_) {
        if (m.state == txn_state::ongoing && !busy(id) && m.start_ms >= 0 &&
            t - m.start_ms > m.timeout_ms) {
            expired.push_back(id);
        }
    }
    for (const auto& id : expired) {
        txn_metadata* m = find(id);
        log::get("txn")->info(
            "aborting the transaction of '{}' (producer id {}, epoch {}): open for {} ms, more "
            "than its transaction.timeout.ms {}; its producer is fenced",
            id, m->producer_id, m->producer_epoch, t - m->start_ms, m->timeout_ms);
        // Kafka bumps the epoch so that the late producer is fenced rather
        // than continuing a transaction that no longer exists.
        m->last_producer_epoch = m->producer_epoch;
        if (m->producer_epoch < std::numeric_limits<int16_t>::max() - 1) {
            ++m->producer_epoch;
        }
        timed_out_.fetch_add(1);
        end(id, /*commit=*/false, [id](error_code e) {
            if (e != error_code::none) {
                log::get("txn")->warn("aborting the timed-out transaction of '{}' failed: {}", id,
                                      kafka::error_code_name(e));
            }
        });
    }
}

void txn_service::expire_ids() {
    const int64_t t = now();
    const int64_t expiration = broker_.settings().transactional_id_expiration_ms;
    std::vector<std::string> idle;
    for (const auto& [id, m] : txns_) {
        bool ended = m.state == txn_state::empty || m.state == txn_state::complete_commit ||
                     m.state == txn_state::complete_abort;
        if (ended && !busy(id) && t - m.last_update_ms > expiration) {
            idle.push_back(id);
        }
    }
    for (const auto& id : idle) {
        txn_metadata gone = *find(id);
        gone.state = txn_state::dead;
        txns_.erase(id);
        publish(gone);
        persist(gone, [](status) {});
        log::get("txn")->info(
            "forgot transactional id '{}': idle for transactional.id.expiration.ms", id);
    }
}

// ------------------------------------------------------------------- start-up

status txn_service::ensure_topic() {
    if (topic_ready_) {
        return {};
    }
    const auto& s = broker_.settings();
    auto st = broker_.ensure_internal_topic(
        kTransactionStateTopic, s.transaction_state_log_num_partitions,
        {{"cleanup.policy", "compact"},
         {"segment.bytes", std::to_string(s.transaction_state_log_segment_bytes)}});
    topic_ready_ = st.ok();
    return st;
}

status txn_service::start() {
    // Created with the first transactional producer, as Kafka does: a
    // broker that never sees one keeps no 50 empty partitions.
    if (broker_.topics().find(kTransactionStateTopic)) {
        if (auto st = ensure_topic(); !st) {
            return st;
        }
        if (auto st = load(); !st) {
            return st;
        }
    }
    if (auto st = abort_orphans(); !st) {
        return st;
    }
    size_t open = 0;
    std::vector<std::string> prepared;
    for (const auto& [id, m] : txns_) {
        publish(m);
        open += m.state == txn_state::ongoing ? 1 : 0;
        if (m.prepared()) {
            prepared.push_back(id);
        }
    }
    log::get("txn")->info(
        "loaded {} transactional ids from {}: {} transactions open, {} to complete", txns_.size(),
        kTransactionStateTopic, open, prepared.size());
    for (const auto& id : prepared) {
        exec_.post([this, id] {
            complete(id, /*only_open=*/true, [id](error_code e) {
                log::get("txn")->info(
                    "transaction of '{}' found prepared at start-up: {}", id,
                    e == error_code::none ? "completed" : kafka::error_code_name(e));
            });
        });
    }
    return {};
}

status txn_service::load() {
    auto t = broker_.topics().find(kTransactionStateTopic);
    size_t skipped = 0;
    for (int32_t p = 0; t && p < t->partitions; ++p) {
        auto part = broker_.find_partition({kTransactionStateTopic, kafka::partition_id(p)});
        if (!part) {
            continue;
        }
        auto st = read_internal_records(
            *part->log,
            [&](bytes_view key, std::optional<bytes_view> value) {
                auto id = txn::decode_txn_key(key);
                if (!id.ok()) {
                    ++skipped;
                    return;
                }
                if (!value) {
                    txns_.erase(*id);
                    return;
                }
                auto m = txn::decode_txn_value(*id, *value);
                if (!m.ok()) {
                    ++skipped;
                    return;
                }
                txns_[*id] = std::move(*m);
            },
            [&](int64_t offset, const error& e) {
                log::get("txn")->warn("{}-{}: skipping an unreadable batch at offset {}: {}",
                                      kTransactionStateTopic, p, offset, e.message);
            });
        if (!st) {
            return st;
        }
    }
    if (skipped > 0) {
        log::get("txn")->warn("{}: {} unreadable records skipped", kTransactionStateTopic, skipped);
    }
    return {};
}

// A partition may hold a transaction open for a producer whose transaction
// the coordinator does not know open (its state was lost, or the topic came
// from elsewhere): nothing would ever end it, and read_committed consumers
// would stop at it forever. Abort those.
status txn_service::abort_orphans() {
    std::map<int64_t, const txn_metadata*> live;
    for (const auto& [id, m] : txns_) {
        if (m.state == txn_state::ongoing || m.prepared()) {
            live[m.producer_id] = &m;
        }
    }
    for (const auto& part : broker_.all_partitions()) {
        if (is_internal_topic(part->tp.topic)) {
            continue;
        }
        std::vector<std::pair<int64_t, int16_t>> orphans;
        {
            std::lock_guard lock(part->append_mu);
            for (const auto& [pid, first] : part->producers.ongoing()) {
                auto it = live.find(pid);
                if (it == live.end() || !it->second->partitions.contains(part->tp)) {
                    orphans.emplace_back(pid, part->producers.epoch_of(pid).value_or(0));
                }
            }
        }
        for (const auto& [pid, epoch] : orphans) {
            log::get("txn")->warn(
                "{}: producer id {} has a transaction open here that no transactional id "
                "holds; aborting it",
                part->tp.to_string(), pid);
            auto written = write_marker(*part, pid, epoch, /*commit=*/false, true, now());
            if (!written.ok()) {
                return written.take_error();
            }
        }
    }
    return {};
}

}  // namespace cs::broker
