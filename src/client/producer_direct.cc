// client::producer's built-in Produce path (client/direct_producer.h):
// librdkafka answers metadata, records go through direct_producer.

#include <chrono>

#include <fmt/format.h>

#include "base/log.h"
#include "client/direct_producer.h"
#include "client/java_partitioner.h"
#include "client/metadata_leaders.h"
#include "client/producer.h"

namespace cs::client {

namespace {

const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("producer");
    return l;
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void producer::enable_builtin_produce(const client_settings& settings) {
    if (std::string why = produce_options::unsupported_reason(settings); !why.empty()) {
        logger()->info("using librdkafka's produce: the built-in producer does not support {}",
                       why);
        return;
    }
    auto opts = produce_options::from_settings(settings);
    if (!opts) {
        logger()->warn("using librdkafka's produce: {}", opts.err().message);
        return;
    }
    null_keys_random_ = settings.find("partitioner")->value == "murmur2_random";
    sticky_seed_ =
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    rd_kafka_t* rk = rk_.get();
    direct_ = std::make_unique<direct_producer>(
        std::move(*opts), [rk](const std::string& topic) { return topic_leaders(rk, topic); },
        [this](const delivery_report& r) {
            if (r.error.empty()) {
                stats_.delivered += r.records;
                stats_.bytes += r.bytes;
            } else {
                stats_.failed += r.records;
                stats_.failures[r.error] += r.records;
            }
        });
    logger()->debug("{}: records are written by the built-in producer", rd_kafka_name(rk));
}

status producer::send_direct(const outgoing_record& r) {
    const std::string_view topic = r.topic;  // no copy per record
    int32_t partition = r.partition;
    if (partition == RD_KAFKA_PARTITION_UA) {
        auto n = direct_->partition_count(topic);
        if (!n) {
            return status(n.err().code, fmt::format("{}: {}", r.topic, n.err().message));
        }
        if (r.key) {
            partition = java_partition(*r.key, *n);
        } else if (!null_keys_random_) {
            partition = java_partition({}, *n);
        } else {
            auto it = sticky_.find(topic);
            if (it == sticky_.end()) {
                it = sticky_.emplace(std::string(topic), 0).first;
                // splitmix64 step: a well-spread partition per topic and flush.
                uint64_t z = (sticky_seed_ += 0x9e3779b97f4a7c15ULL);
                z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
                z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
                z ^= z >> 31;
                it->second = static_cast<int32_t>(z % static_cast<uint64_t>(*n));
            }
            partition = it->second;
        }
    }
    static thread_local std::vector<direct_producer::header> headers;
    headers.clear();
    for (const auto& h : r.headers) {
        headers.push_back(
            {h.key, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
    }
    auto st = direct_->append(topic, partition, r.key, r.value, headers,
                              r.timestamp_ms != 0 ? r.timestamp_ms : now_ms());
    if (!st) {
        return status(st.code(), fmt::format("{}: {}", r.topic, st.message()));
    }
    ++stats_.sent;
    return {};
}

}  // namespace cs::client
