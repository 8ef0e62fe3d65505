// AS_VALUE(x): the identity (see below).
// UUID(): a random (version 4) UUID per call, from a per-thread generator
// seeded from std::random_device (no lock on the row path).

#include <random>

#include <fmt/format.h>

#include "streams/function_support.h"

namespace cs::streams::fn {

namespace {

result<value> uuid(std::span<const value>, const sql_type&) {
    thread_local std::mt19937_64 rng{[] {
        std::random_device rd;
        return (static_cast<uint64_t>(rd()) << 32) ^ rd();
    }()};
    uint64_t hi = rng();
    uint64_t lo = rng();
    hi = (hi & ~0xF000ull) | 0x4000ull;              // version 4
    lo = (lo & ~(0xC0ull << 56)) | (0x80ull << 56);  // variant 10
    return value(fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                             hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFull));
}

result<value> identity(std::span<const value> args, const sql_type&) {
    return args[0];
}

}  // namespace

void register_misc_functions(registry& r) {
    r.add("UUID", {"UUID()"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (!t.empty()) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &uuid, false);
          });
    // AS_VALUE(x): x unchanged. Its use is in a projection next to PARTITION BY
    // x (or a key passthrough): the copy is a value column, so the key column's
    // data also lands in the record value (ksqlDB's AS_VALUE).
    r.add("AS_VALUE", {"AS_VALUE(ANY)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1) {
                  return no_match();
              }
              return make_simple(t[0], &identity, false);
          });
}

}  // namespace cs::streams::fn
