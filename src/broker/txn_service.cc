// txn_service: the requests (InitProducerId with a transactional id,
// AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn), durability
// of each change, and the view other threads read. Ending transactions,
// timeouts and start-up are in txn_service_end.cc.

#include "broker/txn_service.h"

#include <limits>

#include <fmt/format.h>

#include "base/log.h"
#include "broker/broker_state.h"
#include "broker/group/group_coordinator.h"
#include "broker/group/offsets_records.h"
#include "broker/internal_topic.h"
#include "broker/txn/txn_records.h"

namespace cs::broker {

using kafka::error_code;
using txn::txn_state;

namespace {

// A TxnOffsetCommit answer: each partition's error from `errors`, else `all`.
kafka::txn_offset_commit_response offsets_answer(
    const std::vector<kafka::txn_offset_commit_request::topic>& topics,
    const std::map<kafka::topic_partition, error_code>& errors, error_code all) {
    kafka::txn_offset_commit_response resp;
    for (const auto& t : topics) {
        auto& out = resp.topics.emplace_back();
        out.name = t.name;
        for (const auto& p : t.partitions) {
            auto it = errors.find({t.name, kafka::partition_id(p.partition_index)});
            out.partitions.push_back(
                {p.partition_index, kafka::to_wire(it == errors.end() ? all : it->second)});
        }
    }
    return resp;
}

}  // namespace

txn_service::txn_service(broker_state& broker) : broker_(broker) {}

txn_service::~txn_service() {
    stop();
}

void txn_service::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    exec_.stop();
}

int64_t txn_service::now() const {
    return broker_.clk().now_ms();
}

txn::txn_metadata* txn_service::find(const std::string& id) {
    auto it = txns_.find(id);
    return it == txns_.end() ? nullptr : &it->second;
}

error_code txn_service::check_producer(const txn_metadata* m, int64_t pid, int16_t epoch,
                                       bool producer_fenced_supported) const {
    if (m == nullptr || m->producer_id != pid) {
        return error_code::invalid_producer_id_mapping;
    }
    if (m->producer_epoch != epoch) {
        // PRODUCER_FENCED exists for newer request versions (KIP-588); older
        // clients know the same condition as INVALID_PRODUCER_EPOCH.
        return producer_fenced_supported ? error_code::producer_fenced
                                         : error_code::invalid_producer_epoch;
    }
    return error_code::none;
}

void txn_service::persist(const txn_metadata& m, std::function<void(status)> done) {
    int32_t n = broker_.settings().transaction_state_log_num_partitions;
    int32_t p = group::offsets_partition_for(m.transactional_id, n);
    auto part = broker_.find_partition({kTransactionStateTopic, kafka::partition_id(p)});
    if (!part) {
        done(status(errc::not_found,
                    fmt::format("{}-{} does not exist", kTransactionStateTopic, p)));
        return;
    }
    struct record {
        bytes key;
        std::optional<bytes> value;
    };
    std::vector<record> records;
    records.push_back({txn::encode_txn_key(m.transactional_id),
                       m.state == txn_state::dead
                           ? std::nullopt
                           : std::optional<bytes>(txn::encode_txn_value(m))});
    auto appended = append_internal_records(*part->log, records, now());
    if (!appended.ok()) {
        done(appended.take_error());
        return;
    }
    part->log->wait_durable(*appended, [this, done = std::move(done)](status st) {
        exec_.post([done, st] { done(st); });
    });
}

void txn_service::publish(const txn_metadata& m) {
    std::lock_guard lock(view_mu_);
    if (auto it = pid_of_.find(m.transactional_id);
        it != pid_of_.end() && it->second != m.producer_id) {
        by_pid_.erase(it->second);
    }
    if (m.state == txn_state::dead) {
        by_pid_.erase(m.producer_id);
        pid_of_.erase(m.transactional_id);
        pending_.erase(m.transactional_id);
        return;
    }
    pid_of_[m.transactional_id] = m.producer_id;
    by_pid_[m.producer_id] = {m.producer_epoch, m.state, m.partitions};
    if (m.offsets.empty() || m.state == txn_state::prepare_abort) {
        pending_.erase(m.transactional_id);
        return;
    }
    auto& groups = pending_[m.transactional_id];
    groups.clear();
    for (const auto& [group, offsets] : m.offsets) {
        for (const auto& [tp, o] : offsets) {
            groups[group].insert(tp);
        }
    }
}

void txn_service::update(txn_metadata next, error_callback done) {
    const std::string id = next.transactional_id;
    acquire(id);
    next.last_update_ms = now();
    persist(next, [this, id, next, done = std::move(done)](status st) {
        if (!st.ok()) {
            log::get("txn")->warn("transactional id '{}': writing {} failed: {}", id,
                                  kTransactionStateTopic, st.message());
            done(error_code::coordinator_not_available);
        } else {
            txns_[id] = next;
            publish(next);
            done(error_code::none);
        }
        release(id);
    });
}

void txn_service::on_id(const std::string& id, std::function<void()> task) {
    exec_.post([this, id, task = std::move(task)]() mutable { run_for(id, std::move(task)); });
}

void txn_service::run_for(const std::string& id, std::function<void()> task) {
    if (busy(id)) {
        waiting_[id].push_back(std::move(task));
        return;
    }
    task();
}

void txn_service::acquire(const std::string& id) {
    ++busy_[id];
}

bool txn_service::busy(const std::string& id) const {
    return busy_.contains(id);
}

void txn_service::release(const std::string& id) {
    auto b = busy_.find(id);
    if (b != busy_.end() && --b->second > 0) {
        return;  // a continuation started another write
    }
    if (b != busy_.end()) {
        busy_.erase(b);
    }
    // The requests that arrived meanwhile, in order, until one starts a
    // write of its own (the rest wait for that one).
    auto it = waiting_.find(id);
    while (it != waiting_.end() && !it->second.empty() && !busy(id)) {
        auto task = std::move(it->second.front());
        it->second.pop_front();
        task();
        it = waiting_.find(id);
    }
    if (it != waiting_.end() && it->second.empty()) {
        waiting_.erase(it);
    }
}

// ------------------------------------------------------------- InitProducerId

void txn_service::init_producer_id(kafka::init_producer_id_request req, int16_t version,
                                   init_callback done) {
    std::string txn_id = req.transactional_id.value_or("");
    on_id(txn_id, [this, req = std::move(req), version, done = std::move(done)]() mutable {
        const std::string id = req.transactional_id.value_or("");
        const bool fenced_ok = version >= 4;
        if (req.transaction_timeout_ms <= 0 ||
            req.transaction_timeout_ms > broker_.settings().transaction_max_timeout_ms) {
            return done(error_code::invalid_transaction_timeout, -1, -1);
        }
        if (auto st = ensure_topic(); !st) {
            log::get("txn")->error("cannot create {}: {}", kTransactionStateTopic, st.message());
            return done(error_code::coordinator_not_available, -1, -1);
        }
        txn_metadata* m = find(id);
        if (m == nullptr) {
            txn_metadata next;
            next.transactional_id = id;
            next.producer_id = broker_.next_producer_id();
            next.producer_epoch = 0;
            next.timeout_ms = req.transaction_timeout_ms;
            int64_t pid = next.producer_id;
            return update(std::move(next), [done, pid](error_code e) {
                done(e, e == error_code::none ? pid : -1, e == error_code::none ? 0 : -1);
            });
        }
        if (m->prepared()) {
            return done(error_code::concurrent_transactions, -1, -1);
        }
        if (req.producer_id >= 0) {
            // KIP-360: a producer re-initialising names its id and epoch; only
            // the current one (or the one whose epoch the coordinator bumped
            // when it aborted on timeout) may.
            bool current =
                req.producer_id == m->producer_id && (req.producer_epoch == m->producer_epoch ||
                                                      req.producer_epoch == m->last_producer_epoch);
            if (!current) {
                return done(
                    fenced_ok ? error_code::producer_fenced : error_code::invalid_producer_epoch,
                    -1, -1);
            }
        }
        auto finish_init = [this, id, timeout = req.transaction_timeout_ms, done]() {
            txn_metadata* cur = find(id);
            txn_metadata next = *cur;
            next.last_producer_epoch = -1;
            if (next.producer_epoch >= std::numeric_limits<int16_t>::max() - 1) {
                next.producer_id = broker_.next_producer_id();
                next.producer_epoch = 0;
            } else {
                ++next.producer_epoch;
            }
            next.timeout_ms = timeout;
            next.state = txn_state::empty;
            next.partitions.clear();
            next.groups.clear();
            next.offsets.clear();
            next.start_ms = -1;
            int64_t pid = next.producer_id;
            int16_t epoch = next.producer_epoch;
            update(std::move(next), [done, pid, epoch](error_code e) {
                if (e != error_code::none) {
                    return done(e, -1, -1);
                }
                done(error_code::none, pid, epoch);
            });
        };
        if (m->state != txn_state::ongoing) {
            return finish_init();
        }
        // The previous producer of this id left a transaction open: abort it
        // (markers with a bumped epoch fence that producer in every
        // partition), then hand out the next epoch.
        log::get("txn")->info(
            "transactional id '{}' re-initialised with a transaction open: aborting it", id);
        ++m->producer_epoch;
        auto failed = [done](error_code e) {
            if (e != error_code::none) {
                done(e, -1, -1);
            }
        };
        end(id, /*commit=*/false, failed, [finish_init, failed](error_code e) {
            if (e != error_code::none) {
                return failed(e);
            }
            finish_init();
        });
    });
}

// ----------------------------------------------------------- AddPartitionsToTxn

void txn_service::add_partitions(kafka::add_partitions_to_txn_request req, int16_t version,
                                 std::function<void(kafka::add_partitions_to_txn_response)> done) {
    std::string txn_id = req.transactional_id;
    on_id(txn_id, [this, req = std::move(req), version, done = std::move(done)]() mutable {
        using response = kafka::add_partitions_to_txn_response;
        // Copies the topics: the last answer is given after this task returns.
        auto answer = [topics = req.topics](auto error_for) {
            response resp;
            for (const auto& t : topics) {
                auto& out = resp.results_by_topic.emplace_back();
                out.name = t.name;
                for (int32_t p : t.partitions) {
                    out.results_by_partition.push_back(
                        {p, kafka::to_wire(error_for(
                                kafka::topic_partition{t.name, kafka::partition_id(p)}))});
                }
            }
            return resp;
        };
        auto all = [answer](error_code e) { return answer([e](const auto&) { return e; }); };
        txn_metadata* m = find(req.transactional_id);
        if (auto e = check_producer(m, req.producer_id, req.producer_epoch, version >= 2);
            e != error_code::none) {
            return done(all(e));
        }
        if (m->prepared()) {
            return done(all(error_code::concurrent_transactions));
        }
        std::set<kafka::topic_partition> unknown;
        txn_metadata next = *m;
        for (const auto& t : req.topics) {
            for (int32_t p : t.partitions) {
                kafka::topic_partition tp{t.name, kafka::partition_id(p)};
                if (!broker_.find_partition(tp)) {
                    unknown.insert(tp);
                }
                next.partitions.insert(tp);
            }
        }
        if (!unknown.empty()) {
            return done(answer([&](const kafka::topic_partition& tp) {
                return unknown.contains(tp) ? error_code::unknown_topic_or_partition
                                            : error_code::operation_not_attempted;
            }));
        }
        if (m->state == txn_state::ongoing && next.partitions == m->partitions) {
            return done(all(error_code::none));
        }
        if (m->state != txn_state::ongoing) {
            next.state = txn_state::ongoing;
            next.start_ms = now();
        }
        update(std::move(next), [done, all](error_code e) { done(all(e)); });
    });
}

// -------------------------------------------------------------- AddOffsetsToTxn

void txn_service::add_offsets(kafka::add_offsets_to_txn_request req, int16_t version,
                              error_callback done) {
    std::string txn_id = req.transactional_id;
    on_id(txn_id, [this, req = std::move(req), version, done = std::move(done)]() mutable {
        txn_metadata* m = find(req.transactional_id);
        if (auto e = check_producer(m, req.producer_id, req.producer_epoch, version >= 2);
            e != error_code::none) {
            return done(e);
        }
        if (m->prepared()) {
            return done(error_code::concurrent_transactions);
        }
        if (m->state == txn_state::ongoing && m->groups.contains(req.group_id)) {
            return done(error_code::none);
        }
        txn_metadata next = *m;
        next.groups.insert(req.group_id);
        if (m->state != txn_state::ongoing) {
            next.state = txn_state::ongoing;
            next.start_ms = now();
        }
        update(std::move(next), std::move(done));
    });
}

// -------------------------------------------------------------- TxnOffsetCommit

void txn_service::txn_offset_commit(kafka::txn_offset_commit_request req,
                                    std::function<void(kafka::txn_offset_commit_response)> done) {
    std::string txn_id = req.transactional_id;
    on_id(txn_id, [this, req = std::move(req), done = std::move(done)]() mutable {
        std::map<kafka::topic_partition, error_code> errors;
        auto answer = [&](error_code all) { return offsets_answer(req.topics, errors, all); };
        txn_metadata* m = find(req.transactional_id);
        if (auto e = check_producer(m, req.producer_id, req.producer_epoch, false);
            e != error_code::none) {
            return done(answer(e));
        }
        if (m->prepared()) {
            return done(answer(error_code::concurrent_transactions));
        }
        if (m->state != txn_state::ongoing || !m->groups.contains(req.group_id)) {
            // AddOffsetsToTxn first: without it the offsets would never
            // reach the group.
            return done(answer(error_code::invalid_txn_state));
        }
        txn_metadata next = *m;
        // offset.metadata.max.bytes, as the group coordinator applies it.
        const auto max_metadata =
            static_cast<size_t>(group::coordinator_config{}.offset_metadata_max_bytes);
        bool any = false;
        for (const auto& t : req.topics) {
            for (const auto& p : t.partitions) {
                kafka::topic_partition tp{t.name, kafka::partition_id(p.partition_index)};
                if (!broker_.find_partition(tp)) {
                    errors[tp] = error_code::unknown_topic_or_partition;
                } else if (p.committed_metadata && p.committed_metadata->size() > max_metadata) {
                    errors[tp] = error_code::offset_metadata_too_large;
                } else {
                    next.offsets[req.group_id][tp] = {p.committed_offset, p.committed_leader_epoch,
                                                      p.committed_metadata};
                    any = true;
                }
            }
        }
        if (!any) {
            return done(answer(error_code::none));
        }
        update(std::move(next), [done, topics = req.topics, errors](error_code e) {
            done(offsets_answer(topics, errors, e));
        });
    });
}

// ----------------------------------------------------------------------- EndTxn

void txn_service::end_txn(kafka::end_txn_request req, int16_t version, error_callback done) {
    std::string txn_id = req.transactional_id;
    on_id(txn_id, [this, req = std::move(req), version, done = std::move(done)]() mutable {
        txn_metadata* m = find(req.transactional_id);
        if (auto e = check_producer(m, req.producer_id, req.producer_epoch, version >= 2);
            e != error_code::none) {
            return done(e);
        }
        switch (m->state) {
            case txn_state::ongoing:
                return end(req.transactional_id, req.committed, std::move(done));
            case txn_state::complete_commit:
                // A retry of the EndTxn that completed it is answered alike.
                return done(req.committed ? error_code::none : error_code::invalid_txn_state);
            case txn_state::complete_abort:
                return done(req.committed ? error_code::invalid_txn_state : error_code::none);
            case txn_state::prepare_commit:
            case txn_state::prepare_abort:
                return done(error_code::concurrent_transactions);
            default:
                return done(error_code::invalid_txn_state);
        }
    });
}

// ------------------------------------------------------------------ any thread

error_code txn_service::check_produce(int64_t pid, int16_t epoch,
                                      const kafka::topic_partition& tp) const {
    std::lock_guard lock(view_mu_);
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) {
        return error_code::invalid_producer_id_mapping;
    }
    if (it->second.epoch != epoch) {
        return error_code::invalid_producer_epoch;
    }
    if (it->second.state != txn_state::ongoing || !it->second.partitions.contains(tp)) {
        return error_code::invalid_txn_state;
    }
    return error_code::none;
}

bool txn_service::has_pending_offsets(const std::string& group,
                                      const kafka::topic_partition& tp) const {
    std::lock_guard lock(view_mu_);
    for (const auto& [id, groups] : pending_) {
        auto g = groups.find(group);
        if (g != groups.end() && g->second.contains(tp)) {
            return true;
        }
    }
    return false;
}

txn_counters txn_service::counters() const {
    txn_counters c;
    c.committed = committed_.load();
    c.aborted = aborted_.load();
    c.timed_out = timed_out_.load();
    std::lock_guard lock(view_mu_);
    for (const auto& [pid, v] : by_pid_) {
        c.open += v.state == txn_state::ongoing ? 1 : 0;
    }
    return c;
}

}  // namespace cs::broker
