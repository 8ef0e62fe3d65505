#include "client/metadata_leaders.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "client/handles.h"

namespace cs::client {

result<std::vector<partition_leader>> topic_leaders(rd_kafka_t* rk, const std::string& topic,
                                                    std::chrono::milliseconds timeout) {
    topic_handle rkt(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
    const rd_kafka_metadata_t* raw = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 0, rkt.get(), &raw, static_cast<int>(timeout.count()));
    metadata_handle md(raw);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{errc::io, fmt::format("metadata of {}: {}", topic, rd_kafka_err2str(err))};
    }
    for (int t = 0; t < md->topic_cnt; ++t) {
        const rd_kafka_metadata_topic_t& mt = md->topics[t];
        if (topic != mt.topic) {
            continue;
        }
        if (mt.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            return error{errc::not_found, fmt::format("Local: Unknown topic: {}", topic)};
        }
        if (mt.err != RD_KAFKA_RESP_ERR_NO_ERROR || mt.partition_cnt == 0) {
            return error{errc::io,
                         fmt::format("metadata of {}: {}", topic,
                                     mt.err != RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_err2str(mt.err)
                                                                          : "no partitions")};
        }
        std::vector<partition_leader> out;
        for (int p = 0; p < mt.partition_cnt; ++p) {
            const rd_kafka_metadata_partition_t& mp = mt.partitions[p];
            partition_leader pl{mp.id, std::nullopt};
            for (int b = 0; mp.leader >= 0 && b < md->broker_cnt; ++b) {
                if (md->brokers[b].id == mp.leader) {
                    pl.leader = broker_address{mp.leader, md->brokers[b].host,
                                               static_cast<uint16_t>(md->brokers[b].port)};
                }
            }
            out.push_back(std::move(pl));
        }
        return out;
    }
    return error{errc::not_found, fmt::format("Local: Unknown topic: {}", topic)};
}

result<std::vector<std::pair<topic_partition, broker_address>>> metadata_leaders(
    rd_kafka_t* rk, const std::vector<topic_partition>& parts, std::chrono::milliseconds timeout) {
    std::vector<std::pair<topic_partition, broker_address>> out;
    std::vector<std::string> topics;
    for (const auto& tp : parts) {
        if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) {
            topics.push_back(tp.topic);
        }
    }
    for (const auto& topic : topics) {
        auto leaders = topic_leaders(rk, topic, timeout);
        if (!leaders) {
            if (leaders.err().code == errc::not_found) {
                continue;  // partitions the topic does not have are left out
            }
            return leaders.err();
        }
        for (const auto& pl : *leaders) {
            bool wanted = std::any_of(parts.begin(), parts.end(), [&](const auto& tp) {
                return tp.topic == topic && tp.partition == pl.partition;
            });
            if (wanted && pl.leader) {
                out.push_back({{topic, pl.partition}, *pl.leader});
            }
        }
    }
    return out;
}

}  // namespace cs::client
