// fetch_options (client/fetcher.h): the fetcher's settings from a consumer's
// librdkafka/Java properties, and whether the fetcher can serve them.

#include <algorithm>

#include <fmt/format.h>

#include "base/ascii.h"
#include "client/fetcher.h"
#include "client/setting_values.h"

namespace cs::client {

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
    if (auto st = read_bool(s, {"check.crcs"}, o.check_crcs); !st) {
        return st.err();
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
    if (std::string why = plaintext_only_reason(s); !why.empty()) {
        return why;
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
