#include "broker/txn/txn_records.h"

#include <fmt/format.h>

#include "broker/internal_record_io.h"

namespace cs::broker::txn {

const char* state_name(txn_state s) {
    switch (s) {
        case txn_state::empty:
            return "Empty";
        case txn_state::ongoing:
            return "Ongoing";
        case txn_state::prepare_commit:
            return "PrepareCommit";
        case txn_state::prepare_abort:
            return "PrepareAbort";
        case txn_state::complete_commit:
            return "CompleteCommit";
        case txn_state::complete_abort:
            return "CompleteAbort";
        case txn_state::dead:
            return "Dead";
        case txn_state::prepare_epoch_fence:
            return "PrepareEpochFence";
    }
    return "Unknown";
}

bytes encode_txn_key(const std::string& transactional_id) {
    bytes out;
    byte_writer w(out);
    w.put<int16_t>(0);
    put_string(w, transactional_id);
    return out;
}

bytes encode_txn_value(const txn_metadata& m) {
    bytes out;
    byte_writer w(out);
    w.put<int16_t>(0);
    w.put<int64_t>(m.producer_id);
    w.put<int16_t>(m.producer_epoch);
    w.put<int32_t>(m.timeout_ms);
    w.put<int8_t>(static_cast<int8_t>(m.state));
    std::map<std::string, std::vector<int32_t>> by_topic;
    for (const auto& tp : m.partitions) {
        by_topic[tp.topic].push_back(tp.partition.value());
    }
    w.put<int32_t>(static_cast<int32_t>(by_topic.size()));
    for (const auto& [topic, parts] : by_topic) {
        put_string(w, topic);
        w.put<int32_t>(static_cast<int32_t>(parts.size()));
        for (int32_t p : parts) {
            w.put<int32_t>(p);
        }
    }
    w.put<int64_t>(m.last_update_ms);
    w.put<int64_t>(m.start_ms);
    // clickstream: the groups and their pending offsets.
    w.put<int32_t>(static_cast<int32_t>(m.groups.size()));
    for (const auto& g : m.groups) {
        put_string(w, g);
        auto it = m.offsets.find(g);
        size_t n = it == m.offsets.end() ? 0 : it->second.size();
        w.put<int32_t>(static_cast<int32_t>(n));
        if (n == 0) {
            continue;
        }
        for (const auto& [tp, o] : it->second) {
            put_string(w, tp.topic);
            w.put<int32_t>(tp.partition.value());
            w.put<int64_t>(o.offset);
            w.put<int32_t>(o.leader_epoch);
            put_nullable_string(w, o.metadata);
        }
    }
    return out;
}

result<std::string> decode_txn_key(bytes_view key) {
    internal_record_reader r(key, "__transaction_state key");
    auto version = r.get<int16_t>();
    std::string id = r.string();
    if (r.failed()) {
        return r.err();
    }
    if (version != 0) {
        return error{errc::unsupported,
                     fmt::format("__transaction_state key version {} (known: 0)", version)};
    }
    return id;
}

result<txn_metadata> decode_txn_value(const std::string& id, bytes_view value) {
    internal_record_reader r(value, "__transaction_state value");
    auto version = r.get<int16_t>();
    if (r.failed()) {
        return r.err();
    }
    if (version != 0) {
        return error{errc::unsupported,
                     fmt::format("__transaction_state value version {} (known: 0)", version)};
    }
    txn_metadata m;
    m.transactional_id = id;
    m.producer_id = r.get<int64_t>();
    m.producer_epoch = r.get<int16_t>();
    m.timeout_ms = r.get<int32_t>();
    auto state = r.get<int8_t>();
    if (state < 0 || state > static_cast<int8_t>(txn_state::prepare_epoch_fence)) {
        return error{errc::corrupt, fmt::format("__transaction_state value: state {}", state)};
    }
    m.state = static_cast<txn_state>(state);
    auto topics = r.get<int32_t>();
    for (int32_t t = 0; t < topics && !r.failed(); ++t) {
        std::string topic = r.string();
        auto n = r.get<int32_t>();
        for (int32_t i = 0; i < n && !r.failed(); ++i) {
            m.partitions.insert({topic, kafka::partition_id(r.get<int32_t>())});
        }
    }
    m.last_update_ms = r.get<int64_t>();
    m.start_ms = r.get<int64_t>();
    if (r.remaining() > 0) {
        auto groups = r.get<int32_t>();
        for (int32_t g = 0; g < groups && !r.failed(); ++g) {
            std::string group = r.string();
            m.groups.insert(group);
            auto n = r.get<int32_t>();
            for (int32_t i = 0; i < n && !r.failed(); ++i) {
                kafka::topic_partition tp;
                tp.topic = r.string();
                tp.partition = kafka::partition_id(r.get<int32_t>());
                pending_offset o;
                o.offset = r.get<int64_t>();
                o.leader_epoch = r.get<int32_t>();
                o.metadata = r.nullable_string();
                m.offsets[group][tp] = std::move(o);
            }
        }
    }
    if (r.failed()) {
        return r.err();
    }
    return m;
}

}  // namespace cs::broker::txn
