#include "streams/serde_json.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <strings.h>

#include "streams/serde_text.h"

namespace cs::streams::serde_detail {

namespace dom = simdjson::dom;

std::string json_excerpt(dom::element e) {
    std::string text = simdjson::minify(e);
    if (text.size() > 60) {
        text.resize(57);
        text += "...";
    }
    return text;
}

namespace {

error mismatch(dom::element e, const sql_type& t) {
    return error{errc::invalid_argument,
                 fmt::format("expected {}, got {}", t.to_string(), json_excerpt(e))};
}

// A JSON number (a fraction truncated) or integral numeric string as int64
// within [lo, hi].
result<int64_t> integral(dom::element e, const sql_type& t, int64_t lo, int64_t hi) {
    int64_t v = 0;
    switch (e.type()) {
        case dom::element_type::INT64:
            v = e.get_int64().value_unsafe();
            break;
        case dom::element_type::UINT64:
            return mismatch(e, t);  // above INT64_MAX
        case dom::element_type::DOUBLE: {
            // Truncated toward zero, as Jackson's intValue()/longValue()
            // that ksqlDB reads a number with (5.7 -> 5); beyond the type's
            // range it is no value of it (Java would saturate).
            double d = std::trunc(e.get_double().value_unsafe());
            if (!(d >= -9.2e18 && d <= 9.2e18)) {
                return mismatch(e, t);
            }
            v = static_cast<int64_t>(d);
            break;
        }
        case dom::element_type::STRING:
            if (!parse_int64(e.get_string().value_unsafe(), v)) {
                return mismatch(e, t);
            }
            break;
        default:
            return mismatch(e, t);
    }
    if (v < lo || v > hi) {
        return mismatch(e, t);
    }
    return v;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Replays cache's outcome on obj when obj's keys are cache's keys. False
// (and found/state to be redone) otherwise.
bool replay_match(dom::object obj, const field_match_cache& cache, std::vector<dom::element>& found,
                  std::vector<uint8_t>& state) {
    size_t k = 0;
    for (auto field : obj) {
        if (k == cache.keys.size() || cache.keys[k] != field.key) {
            return false;
        }
        if (const int32_t c = cache.column[k]; c >= 0) {
            found[static_cast<size_t>(c)] = field.value;
            state[static_cast<size_t>(c)] = cache.how[k];
        }
        ++k;
    }
    return k == cache.keys.size();
}

}  // namespace

void match_fields(dom::object obj, const std::vector<std::string>& names,
                  std::vector<dom::element>& found, std::vector<uint8_t>& state,
                  field_match_cache* cache) {
    const size_t n = names.size();
    found.resize(n);
    state.assign(n, 0);
    if (cache != nullptr && cache->valid) {
        if (replay_match(obj, *cache, found, state)) {
            return;
        }
        state.assign(n, 0);
    }
    size_t k = 0;
    auto remember = [&](std::string_view key, int32_t column, uint8_t how) {
        if (cache == nullptr) {
            return;
        }
        if (k == cache->keys.size()) {
            cache->keys.emplace_back();
            cache->column.push_back(-1);
            cache->how.push_back(0);
        }
        cache->keys[k].assign(key.data(), key.size());
        cache->column[k] = column;
        cache->how[k] = how;
        ++k;
    };
    size_t guess = 0;  // JSON fields usually come in column order
    for (auto field : obj) {
        std::string_view key = field.key;
        size_t hit = n;
        if (guess < n && names[guess] == key) {
            hit = guess;
        } else {
            for (size_t i = 0; i < n; ++i) {
                if (names[i] == key) {
                    hit = i;
                    break;
                }
            }
        }
        if (hit < n) {
            found[hit] = field.value;
            state[hit] = 2;
            guess = hit + 1;
            remember(key, static_cast<int32_t>(hit), 2);
            continue;
        }
        int32_t matched = -1;
        for (size_t i = 0; i < n; ++i) {
            if (state[i] != 2 && iequals(names[i], key)) {
                found[i] = field.value;
                state[i] = 1;
                guess = i + 1;
                matched = static_cast<int32_t>(i);
                break;
            }
        }
        remember(key, matched, matched >= 0 ? 1 : 0);
    }
    if (cache != nullptr) {
        cache->keys.resize(k);
        cache->column.resize(k);
        cache->how.resize(k);
        cache->valid = true;
    }
}

result<value> json_to_value(dom::element e, const sql_type& t) {
    if (e.is_null()) {
        return value();
    }
    switch (t.kind) {
        case type_kind::boolean:
            if (e.is_bool()) {
                return value(e.get_bool().value_unsafe());
            }
            if (e.is_string()) {
                std::string_view s = e.get_string().value_unsafe();
                if (iequals(s, "true")) {
                    return value(true);
                }
                if (iequals(s, "false")) {
                    return value(false);
                }
            }
            return mismatch(e, t);
        case type_kind::integer: {
            auto v = integral(e, t, std::numeric_limits<int32_t>::min(),
                              std::numeric_limits<int32_t>::max());
            if (!v) {
                return v.take_error();
            }
            return value(static_cast<int32_t>(*v));
        }
        case type_kind::bigint: {
            auto v = integral(e, t, std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max());
            if (!v) {
                return v.take_error();
            }
            return value(*v);
        }
        case type_kind::timestamp: {
            auto v = integral(e, t, std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max());
            if (!v) {
                return v.take_error();
            }
            return value(timestamp_ms{*v});
        }
        case type_kind::date: {
            // Days since the epoch (JsonSerdeUtils.toDate), held as the int
            // ksqlDB writes.
            auto v = integral(e, t, std::numeric_limits<int32_t>::min(),
                              std::numeric_limits<int32_t>::max());
            if (!v) {
                return v.take_error();
            }
            return value(date_days{static_cast<int32_t>(*v)});
        }
        case type_kind::time: {
            // Milliseconds of the day, 0..86400000 (SerdeUtils.returnTimeOrThrow).
            auto v = integral(e, t, 0, 86'400'000);
            if (!v) {
                return v.take_error();
            }
            return value(time_ms{static_cast<int32_t>(*v)});
        }
        case type_kind::double_: {
            double d = 0;
            if (e.is_number()) {
                return value(e.get_double().value_unsafe());
            }
            if (e.is_string() && parse_double(e.get_string().value_unsafe(), d)) {
                return value(d);
            }
            return mismatch(e, t);
        }
        case type_kind::decimal: {
            std::string text;
            if (e.is_string()) {
                text = e.get_string().value_unsafe();
            } else if (e.is_int64()) {
                text = std::to_string(e.get_int64().value_unsafe());
            } else if (e.is_number()) {
                // simdjson holds the double; its shortest text is what was written
                // for up to 17 significant digits.
                text = simdjson::minify(e);
            } else {
                return mismatch(e, t);
            }
            auto d = parse_decimal(text, t.precision, t.scale);
            if (!d) {
                return d.take_error();
            }
            return value(*d);
        }
        case type_kind::string:
            if (e.is_string()) {
                return value(std::string(e.get_string().value_unsafe()));
            }
            return value(simdjson::minify(e));
        case type_kind::bytes: {
            if (!e.is_string()) {
                return mismatch(e, t);
            }
            auto b = decode_base64(e.get_string().value_unsafe());
            if (!b) {
                return error{errc::invalid_argument,
                             fmt::format("expected BYTES (base64), got {}", json_excerpt(e))};
            }
            return value(bytes_value{std::move(*b)});
        }
        case type_kind::array: {
            dom::array arr;
            if (e.get_array().get(arr) != simdjson::SUCCESS) {
                return mismatch(e, t);
            }
            value_list items;
            items.reserve(arr.size());
            size_t i = 0;
            for (dom::element item : arr) {
                auto v = json_to_value(item, t.children[0]);
                if (!v) {
                    error err = v.take_error();
                    err.message = fmt::format("[{}]: {}", i, err.message);
                    return err;
                }
                items.push_back(std::move(*v));
                ++i;
            }
            return value::array(std::move(items));
        }
        case type_kind::map: {
            dom::object obj;
            if (e.get_object().get(obj) != simdjson::SUCCESS) {
                return mismatch(e, t);
            }
            value_map entries;
            entries.reserve(obj.size());
            for (auto field : obj) {
                auto v = json_to_value(field.value, t.children[0]);
                if (!v) {
                    error err = v.take_error();
                    err.message = fmt::format("[\"{}\"]: {}", field.key, err.message);
                    return err;
                }
                entries.emplace_back(std::string(field.key), std::move(*v));
            }
            return value::map(std::move(entries));
        }
        case type_kind::struct_: {
            dom::object obj;
            if (e.get_object().get(obj) != simdjson::SUCCESS) {
                return mismatch(e, t);
            }
            std::vector<dom::element> found;
            std::vector<uint8_t> state;
            match_fields(obj, t.field_names, found, state);
            value_struct s;
            s.fields.resize(t.children.size());
            for (size_t i = 0; i < t.children.size(); ++i) {
                if (state[i] == 0) {
                    continue;
                }
                auto v = json_to_value(found[i], t.children[i]);
                if (!v) {
                    error err = v.take_error();
                    err.message = fmt::format("->{}: {}", t.field_names[i], err.message);
                    return err;
                }
                s.fields[i] = std::move(*v);
            }
            return value::struct_(std::move(s));
        }
    }
    return mismatch(e, t);
}

}  // namespace cs::streams::serde_detail
