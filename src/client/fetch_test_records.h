#pragma once

// The records the fetcher and producer tests write and check (test code only): record i
// has key "k<i>" (null when i % 7 == 6), value "v<i>" (null when
// i % 11 == 10), headers "n"="<i>" and "nil"=null, and CreateTime
// base_ts + i, so every field kind, nulls included, is covered.

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "client/consumer.h"
#include "client/fetcher.h"

namespace cs::client::testing_records {

inline constexpr int64_t base_ts = 1'700'000'000'000;

inline std::optional<std::string> key(int i) {
    return i % 7 == 6 ? std::nullopt : std::optional<std::string>("k" + std::to_string(i));
}
inline std::optional<std::string> value(int i) {
    return i % 11 == 10 ? std::nullopt : std::optional<std::string>("v" + std::to_string(i));
}

// Checks every field of m against record i (not topic, partition, offset).
inline void expect_record(const message& m, int i) {
    EXPECT_EQ(m.key(), key(i));
    EXPECT_EQ(m.value(), value(i));
    EXPECT_EQ(m.timestamp_ms(), base_ts + i);
    EXPECT_EQ(m.timestamp_type(), timestamp_kind::create_time);
    ASSERT_EQ(m.header_count(), 2u);
    EXPECT_EQ(m.header(0).key, "n");
    EXPECT_EQ(m.header(0).value, std::to_string(i));
    EXPECT_EQ(m.header(1).key, "nil");
    EXPECT_FALSE(m.header(1).value.has_value());
    EXPECT_EQ(m.raw(), nullptr);
}

// "host:port" as the broker address of broker id 1.
inline broker_address parse_address(const std::string& hostport) {
    auto colon = hostport.rfind(':');
    return {1, hostport.substr(0, colon),
            static_cast<uint16_t>(std::stoi(hostport.substr(colon + 1)))};
}

// Every partition is led by `addr`.
inline leader_resolver fixed_leader(broker_address addr) {
    return [addr](const std::vector<topic_partition>& tps)
               -> result<std::vector<std::pair<topic_partition, broker_address>>> {
        std::vector<std::pair<topic_partition, broker_address>> out;
        for (const auto& tp : tps) {
            out.emplace_back(tp, addr);
        }
        return out;
    };
}

}  // namespace cs::client::testing_records
