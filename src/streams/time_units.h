#pragma once

// ksqlDB's time units (its grammar's windowUnit): MILLISECOND, SECOND,
// MINUTE, HOUR and DAY, singular or plural, in any case. Used by WINDOW
// sizes, GRACE PERIOD and RETENTION, and TIMESTAMPADD/TIMESTAMPSUB.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ascii.h"

namespace cs::streams {

// The unit's length in milliseconds; nullopt for anything else.
inline std::optional<int64_t> time_unit_millis(std::string_view name) {
    std::string unit = ascii_upper(name);
    if (unit.size() > 1 && unit.back() == 'S') {
        unit.pop_back();
    }
    static constexpr std::pair<std::string_view, int64_t> units[] = {
        {"MILLISECOND", 1},  {"SECOND", 1000},    {"MINUTE", 60'000},
        {"HOUR", 3'600'000}, {"DAY", 86'400'000},
    };
    for (const auto& [n, ms] : units) {
        if (unit == n) {
            return ms;
        }
    }
    return std::nullopt;
}

}  // namespace cs::streams
