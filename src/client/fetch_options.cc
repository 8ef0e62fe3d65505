// fetch_options (client/fetcher.h): the fetcher's settings from a consumer's
// librdkafka/Java properties, and whether the fetcher can serve them.

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "base/ascii.h"
#include "client/fetcher.h"

namespace cs::client {

namespace {

// The first of `keys` that is set (librdkafka's spelling first, then Java's).
const setting* first_set(const client_settings& s, std::initializer_list<std::string_view> keys) {
    for (auto k : keys) {
        if (const setting* v = s.find(k); v != nullptr) {
            return v;
        }
    }
    return nullptr;
}

// Reads an int32 setting into `out` (left alone when not set).
status read_int(const client_settings& s, std::initializer_list<std::string_view> keys,
                int32_t& out) {
    const setting* v = first_set(s, keys);
    if (v == nullptr) {
        return {};
    }
    int32_t n = 0;
    auto [end, ec] = std::from_chars(v->value.data(), v->value.data() + v->value.size(), n);
    if (ec != std::errc() || end != v->value.data() + v->value.size() || n < 0) {
        return status(errc::invalid_argument, fmt::format("{}: {}={} is not a non-negative number",
                                                          v->origin, v->key, v->value));
    }
    out = n;
    return {};
}

}  // namespace

result<fetch_options> fetch_options::from_settings(const client_settings& s) {
    fetch_options o;
    int32_t socket_timeout = 60'000;
    int32_t backoff = 100;
    for (auto st : {read_int(s, {"fetch.wait.max.ms", "fetch.max.wait.ms"}, o.max_wait_ms),
                    read_int(s, {"fetch.min.bytes"}, o.min_bytes),
                    read_int(s, {"fetch.max.bytes"}, o.max_bytes),
                    read_int(s, {"max.partition.fetch.bytes"}, o.partition_max_bytes),
                    read_int(s, {"socket.timeout.ms"}, socket_timeout),
                    read_int(s, {"reconnect.backoff.ms"}, backoff)}) {
        if (!st) {
            return st.err();
        }
    }
    o.socket_timeout = std::chrono::milliseconds(socket_timeout);
    o.reconnect_backoff = std::chrono::milliseconds(backoff);
    if (const setting* v = first_set(s, {"auto.offset.reset"}); v != nullptr) {
        std::string policy = ascii_lower(v->value);
        static constexpr std::string_view known[] = {"earliest", "smallest", "beginning", "latest",
                                                     "largest",  "end",      "none",      "error"};
        if (std::find(std::begin(known), std::end(known), policy) == std::end(known)) {
            return error{errc::invalid_argument,
                         fmt::format("{}: auto.offset.reset={} is not one of earliest, latest, "
                                     "none (or librdkafka's aliases)",
                                     v->origin, v->value)};
        }
        o.auto_offset_reset = policy;
    }
    if (const setting* v = first_set(s, {"check.crcs"}); v != nullptr) {
        std::string b = ascii_lower(v->value);
        if (b != "true" && b != "false") {
            return error{
                errc::invalid_argument,
                fmt::format("{}: check.crcs={} is not true or false", v->origin, v->value)};
        }
        o.check_crcs = b == "true";
    }
    if (const setting* v = first_set(s, {"client.id"}); v != nullptr) {
        o.client_id = v->value;
    }
    return o;
}

// isolation.level unset is librdkafka's default, read_committed, which this
// fetcher does not implement: a consumer that wants it must set
// isolation.level=read_uncommitted explicitly.
std::string fetch_options::unsupported_reason(const client_settings& s) {
    if (const setting* v = s.find("security.protocol");
        v != nullptr && ascii_lower(v->value) != "plaintext") {
        return fmt::format("security.protocol={} (only PLAINTEXT is supported)", v->value);
    }
    for (const auto& e : s.entries()) {
        if (e.key.starts_with("sasl.") || e.key.starts_with("ssl.")) {
            return fmt::format("{} is set (no SASL or TLS support)", e.key);
        }
    }
    const setting* iso = s.find("isolation.level");
    if (iso == nullptr) {
        return "isolation.level is not set (librdkafka's default is read_committed; only "
               "read_uncommitted is supported)";
    }
    if (ascii_lower(iso->value) != "read_uncommitted") {
        return fmt::format("isolation.level={} (only read_uncommitted is supported)", iso->value);
    }
    return {};
}

}  // namespace cs::client
