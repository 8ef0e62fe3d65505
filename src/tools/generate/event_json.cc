#include "tools/generate/event_json.h"

#include <fmt/format.h>

#include "formats/json_writer.h"
#include "tools/generate/timestamps.h"

namespace cs::tools::gen {
namespace {

void append_without(std::string& out, const event_fields& e, int missing) {
    formats::json_object_writer w(out);
    const std::string ts = format_iso8601_ms(e.time_ms);
    if (missing != 0) {
        w.string("timestamp", ts);
    }
    if (missing != 1) {
        w.string("user_id", e.user_id);
    }
    if (missing != 2) {
        w.string("url", e.url);
    }
    if (missing != 3) {
        w.string("device_id", e.device_id);
    }
    w.string("event_type", e.event_type).string("session_id", e.session_id);
    w.close();
}

// Digits of an id like "u0001234" as a number (0 when there are none).
int64_t id_number(std::string_view id) {
    int64_t n = 0;
    for (char c : id) {
        if (c >= '0' && c <= '9') {
            n = n * 10 + (c - '0');
        }
    }
    return n;
}

}  // namespace

void append_event_json(std::string& out, const event_fields& e) {
    // The hot path of the generator: written directly in the fixed field
    // order; the timestamp is plain ASCII and needs no escaping.
    out += "{\"timestamp\":\"";
    append_iso8601_ms(out, e.time_ms);
    out += "\",\"user_id\":";
    formats::append_json_string(out, e.user_id);
    out += ",\"url\":";
    formats::append_json_string(out, e.url);
    out += ",\"device_id\":";
    formats::append_json_string(out, e.device_id);
    out += ",\"event_type\":";
    formats::append_json_string(out, e.event_type);
    out += ",\"session_id\":";
    formats::append_json_string(out, e.session_id);
    out += '}';
}

void append_malformed(std::string& out, const event_fields& e, malformed_kind kind, rng& r) {
    switch (kind) {
        case malformed_kind::truncated: {
            // Any proper prefix of an object is invalid JSON: its '}' is gone.
            std::string full;
            append_event_json(full, e);
            out.append(full, 0,
                       static_cast<size_t>(r.between(1, static_cast<int64_t>(full.size()) - 1)));
            break;
        }
        case malformed_kind::wrong_type: {
            formats::json_object_writer w(out);
            if (r.below(2) == 0) {
                const std::string ts = fmt::format(R"({{"seconds":{},"nanos":{}}})",
                                                   e.time_ms / 1000, e.time_ms % 1000 * 1'000'000);
                w.raw("timestamp", ts).string("user_id", e.user_id);
            } else {
                w.string("timestamp", format_iso8601_ms(e.time_ms))
                    .number("user_id", id_number(e.user_id));
            }
            w.string("url", e.url)
                .string("device_id", e.device_id)
                .string("event_type", e.event_type)
                .string("session_id", e.session_id);
            w.close();
            break;
        }
        case malformed_kind::missing_field:
            append_without(out, e, static_cast<int>(r.below(4)));
            break;
        case malformed_kind::not_json:
            if (r.below(2) == 0) {
                out += fmt::format("{},{},{},{},{}", format_iso8601_ms(e.time_ms), e.user_id, e.url,
                                   e.device_id, e.event_type);
            } else {
                out += fmt::format("user_id={} url={} device_id={} event={}", e.user_id, e.url,
                                   e.device_id, e.event_type);
            }
            break;
    }
}

}  // namespace cs::tools::gen
