#pragma once

// The synthetic clickstream as a library: `clickstream generate` writes it to
// stdout or a topic, `clickstream up` drives it in-process, tests and
// benchmarks read it directly.
//
//   gen::generator g({.seed = 42, .start_ms = now});
//   write_dimensions(g.dimensions(), dir);       // dimensions.h
//   for (;;) { const auto& r = g.next(); send(r.key, r.value, r.timestamp_ms); }
//
// Deterministic: the same config gives byte-identical records on every
// machine (own PRNG, integer-only sampling, no wall clock). Records are keyed
// by user id and carry source_header as their `source` header.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "tools/generate/population.h"
#include "tools/generate/sessions.h"

namespace cs::tools::gen {

inline constexpr std::string_view source_header_key = "source";
inline constexpr std::string_view source_header_value = "clickstream-generate";

struct generator_config {
    uint64_t seed = 1;
    int64_t start_ms = 0;  // simulated time of the first event (epoch ms)
    uint32_t users = 10'000;
    uint32_t urls = 1'000;
    // Share of records with a user_id, device_id or url in no dimension table.
    double unknown_ratio = 0;
    // Share of records that are not a valid event (see malformed_kind).
    double malformed_ratio = 0;
    session_config sessions = {};
};

// Ranges: users >= 1, urls >= min_urls, ratios in [0, 1] with a sum <= 1.
status validate(const generator_config& cfg);

enum class record_kind : uint8_t { valid, unknown_id, malformed };
inline constexpr size_t record_kinds = 3;

struct generated_record {
    std::string key;       // the event's user_id
    std::string value;     // event JSON (or the broken bytes)
    int64_t timestamp_ms;  // the event's simulated time
    record_kind kind;
};

class generator {
  public:
    // cfg must pass validate().
    explicit generator(const generator_config& cfg);
    generator(const generator&) = delete;
    generator& operator=(const generator&) = delete;

    const population& dimensions() const { return pop_; }
    // The next record; the reference stays valid until the next call.
    const generated_record& next();
    uint64_t count(record_kind k) const { return counts_[static_cast<size_t>(k)]; }

  private:
    generator_config cfg_;
    population pop_;
    session_simulator sim_;
    rng faults_;
    uint64_t malformed_below_;
    uint64_t faulty_below_;  // malformed or unknown
    generated_record rec_;
    std::string unknown_id_;
    std::string session_id_;
    std::array<uint64_t, record_kinds> counts_{};
};

}  // namespace cs::tools::gen
