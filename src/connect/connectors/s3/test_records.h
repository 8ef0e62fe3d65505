#pragma once

// Shared by the S3 sink's tests and its DuckDB fixture tool: clickstream
// records as the worker hands them over (schemaless map values, as
// JsonConverter with schemas.enable=false produces), and an errant record
// reporter that remembers what it got.

#include <string>
#include <vector>

#include <fmt/format.h>

#include "connect/connectors/s3/time_util.h"
#include "connect/plugin.h"

namespace cs::connect::s3::testing {

struct collecting_reporter final : errant_record_reporter {
    void report(const record& r, const std::string& reason) override {
        reported.push_back({r.kafka_offset, reason});
    }
    std::vector<std::pair<int64_t, std::string>> reported;
};

inline const char* const event_types[] = {"page_view", "click", "add_to_cart", "purchase"};

// The i-th click event: offset i in partition p, timestamps 7 minutes apart
// from 2025-01-15T12:00:00Z (so hours change every ~9 records).
inline record click_event(const std::string& topic, int32_t partition, int64_t offset, int64_t i,
                          bool with_referrer = false) {
    const int64_t base_ms = days_from_civil(2025, 1, 15) * 86'400'000 + 12 * 3'600'000;
    const int64_t ts = base_ms + i * 7 * 60'000 + (i % 1000);
    const civil_time t = civil_from_ms(ts);
    data_map m;
    m.emplace_back("seq", data(int64_t{offset + partition * 1'000'000}));
    m.emplace_back("event_type", data(event_types[i % 4]));
    m.emplace_back("user_id", data(fmt::format("u{}", i % 13)));
    m.emplace_back("price", i % 5 == 0 ? data() : data(static_cast<double>(i % 50) + 0.25));
    m.emplace_back("logged_in", data(i % 3 == 0));
    m.emplace_back("timestamp",
                   data(fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.year, t.month,
                                    t.day, t.hour, t.minute, t.second, ts % 1000)));
    if (with_referrer) {
        m.emplace_back("referrer", data(fmt::format("https://ref{}.example", i % 3)));
    }
    record r;
    r.topic = topic;
    r.partition = partition;
    r.kafka_offset = offset;
    r.timestamp = ts;
    r.value = data::map(std::move(m));
    return r;
}

}  // namespace cs::connect::s3::testing
