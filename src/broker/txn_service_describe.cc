// txn_service: DescribeTransactions and ListTransactions (KIP-664), as
// Kafka's TransactionCoordinator and TransactionStateManager answer them.

#include <set>

#include "broker/txn_service.h"

namespace cs::broker {

using kafka::error_code;
using txn::txn_state;

void txn_service::describe(std::vector<std::string> ids,
                           std::function<void(kafka::describe_transactions_response)> done) {
    exec_.post([this, ids = std::move(ids), done = std::move(done)] {
        kafka::describe_transactions_response resp;
        for (const auto& id : ids) {
            auto& out = resp.transaction_states.emplace_back();
            out.transactional_id = id;
            if (id.empty()) {
                out.error_code = kafka::to_wire(error_code::invalid_request);
                continue;
            }
            const txn_metadata* m = find(id);
            if (m == nullptr || m->state == txn_state::dead) {
                out.error_code = kafka::to_wire(error_code::transactional_id_not_found);
                continue;
            }
            out.transaction_state = state_name(m->state);
            out.transaction_timeout_ms = m->timeout_ms;
            out.transaction_start_time_ms = m->start_ms;
            out.producer_id = m->producer_id;
            out.producer_epoch = m->producer_epoch;
            for (const auto& tp : m->partitions) {  // ordered by topic
                if (out.topics.empty() || out.topics.back().topic != tp.topic) {
                    out.topics.push_back({tp.topic, {}});
                }
                out.topics.back().partitions.push_back(tp.partition.value());
            }
        }
        done(std::move(resp));
    });
}

void txn_service::list(kafka::list_transactions_request req,
                       std::function<void(kafka::list_transactions_response)> done) {
    exec_.post([this, req = std::move(req), done = std::move(done)] {
        kafka::list_transactions_response resp;
        // A state name Kafka does not know matches nothing and is reported.
        std::set<std::string> known;
        for (int8_t s = 0; s <= static_cast<int8_t>(txn_state::prepare_epoch_fence); ++s) {
            known.insert(state_name(static_cast<txn_state>(s)));
        }
        for (const auto& s : req.state_filters) {
            if (!known.contains(s)) {
                resp.unknown_state_filters.push_back(s);
            }
        }
        const std::set<std::string> states(req.state_filters.begin(), req.state_filters.end());
        const std::set<int64_t> pids(req.producer_id_filters.begin(),
                                     req.producer_id_filters.end());
        const int64_t t = now();
        for (const auto& [id, m] : txns_) {
            const std::string state = state_name(m.state);
            // Dead: being forgotten (Kafka leaves it out too). The duration
            // as Kafka computes it: from the start time, -1 when none.
            if (m.state == txn_state::dead || (!pids.empty() && !pids.contains(m.producer_id)) ||
                (!states.empty() && !states.contains(state)) ||
                (req.duration_filter >= 0 && t - m.start_ms <= req.duration_filter)) {
                continue;
            }
            resp.transaction_states.push_back({id, m.producer_id, state});
        }
        done(std::move(resp));
    });
}

}  // namespace cs::broker
