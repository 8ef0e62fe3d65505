#include "streams/cast.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "base/ascii.h"
#include "streams/decimal.h"
#include "streams/iso_timestamp.h"
#include "streams/sql_time_types.h"
#include "streams/value_text.h"

namespace cs::streams {

namespace {

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return s;
}

error cast_error(std::string_view text, const sql_type& to, std::string_view why = {}) {
    return error{errc::invalid_argument, fmt::format("Cannot cast '{}' to {}{}{}", text,
                                                     to.to_string(), why.empty() ? "" : ": ", why)};
}

template <class Int>
result<value> parse_integer(std::string_view text, const sql_type& to) {
    std::string_view s = trim_spaces(text);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    Int n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec == std::errc::result_out_of_range) {
        return cast_error(text, to, s.empty() ? "not a number" : "out of range");
    }
    if (ec != std::errc() || end != s.data() + s.size()) {
        return cast_error(text, to, "not a number");
    }
    return value(n);
}

result<value> parse_double(std::string_view text, const sql_type& to) {
    std::string_view s = trim_spaces(text);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    // Java's Double.parseDouble also takes a d/D/f/F suffix and spells the
    // specials NaN / Infinity.
    if (!s.empty() && (s.back() == 'd' || s.back() == 'D' || s.back() == 'f' || s.back() == 'F')) {
        s.remove_suffix(1);
    }
    if (s == "NaN") {
        return value(std::numeric_limits<double>::quiet_NaN());
    }
    if (s == "Infinity" || s == "-Infinity") {
        const double inf = std::numeric_limits<double>::infinity();
        return value(s[0] == '-' ? -inf : inf);
    }
    double d = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (s.empty() || ec == std::errc::invalid_argument || end != s.data() + s.size() ||
        std::isnan(d) || std::isinf(d)) {
        if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
            return value(d);  // Java rounds to 0 or infinity instead of failing
        }
        return cast_error(text, to, "not a number");
    }
    return value(d);
}

result<value> parse_boolean(std::string_view text, const sql_type& to) {
    const std::string_view s = trim_spaces(text);
    auto is = [&](std::string_view word) { return ascii_iequals(s, word); };
    if (is("true") || is("t") || is("yes") || is("y")) {
        return value(true);
    }
    if (is("false") || is("f") || is("no") || is("n")) {
        return value(false);
    }
    return cast_error(text, to, "expected true/false/yes/no/t/f/y/n");
}

// Java's narrowing conversion of a double to an integral type: NaN is 0,
// values beyond the range saturate, everything else truncates toward zero.
template <class Int>
Int java_narrow(double d) {
    if (std::isnan(d)) {
        return 0;
    }
    if (d >= static_cast<double>(std::numeric_limits<Int>::max())) {
        return std::numeric_limits<Int>::max();
    }
    if (d <= static_cast<double>(std::numeric_limits<Int>::min())) {
        return std::numeric_limits<Int>::min();
    }
    return static_cast<Int>(d);
}

// Java's long/BigInteger -> int/long narrowing: keep the low bits.
template <class Int>
Int wrap(int128 v) {
    using U = std::make_unsigned_t<Int>;
    return static_cast<Int>(static_cast<U>(static_cast<decimal::uint128>(v)));
}

result<value> to_decimal(const decimal_value& d, const sql_type& to) {
    auto r = decimal::rescale(d, to.scale, to.precision);
    if (!r) {
        return error{errc::invalid_argument,
                     fmt::format("Cannot cast {} to {}: numeric field overflow", decimal_text(d),
                                 to.to_string())};
    }
    return value(*r);
}

result<value> cast_scalar(const value& v, const sql_type& from, const sql_type& to) {
    switch (to.kind) {
        case type_kind::string:
            if (from.kind == type_kind::time) {
                auto text = sql_time_text(v.as_time());
                if (!text) {
                    return cast_error(value_text(v, from), to, text.err().message);
                }
                return value(std::move(*text));
            }
            return value(value_text(v, from));
        case type_kind::boolean:
            if (from.kind == type_kind::boolean) {
                return v;
            }
            return parse_boolean(v.as_string(), to);
        case type_kind::integer:
            switch (from.kind) {
                case type_kind::integer:
                    return v;
                case type_kind::bigint:
                    return value(wrap<int32_t>(v.as_bigint()));
                case type_kind::double_:
                    return value(java_narrow<int32_t>(v.as_double()));
                case type_kind::decimal:
                    return value(wrap<int32_t>(decimal::truncate(v.as_decimal())));
                default:
                    return parse_integer<int32_t>(v.as_string(), to);
            }
        case type_kind::bigint:
            switch (from.kind) {
                case type_kind::integer:
                    return value(static_cast<int64_t>(v.as_int()));
                case type_kind::bigint:
                    return v;
                case type_kind::double_:
                    return value(java_narrow<int64_t>(v.as_double()));
                case type_kind::decimal:
                    return value(wrap<int64_t>(decimal::truncate(v.as_decimal())));
                default:
                    return parse_integer<int64_t>(v.as_string(), to);
            }
        case type_kind::double_:
            switch (from.kind) {
                case type_kind::integer:
                    return value(static_cast<double>(v.as_int()));
                case type_kind::bigint:
                    return value(static_cast<double>(v.as_bigint()));
                case type_kind::double_:
                    return v;
                case type_kind::decimal:
                    return value(decimal::to_double(v.as_decimal()));
                default:
                    return parse_double(v.as_string(), to);
            }
        case type_kind::decimal:
            switch (from.kind) {
                case type_kind::integer:
                    return to_decimal(decimal_value{v.as_int(), 0}, to);
                case type_kind::bigint:
                    return to_decimal(decimal_value{v.as_bigint(), 0}, to);
                case type_kind::double_: {
                    const double d = v.as_double();
                    if (std::isnan(d) || std::isinf(d)) {
                        return cast_error(double_text(d), to);
                    }
                    // BigDecimal.valueOf(double): the decimal digits of Double.toString.
                    auto parsed = decimal::parse(double_text(d));
                    if (!parsed) {
                        return cast_error(double_text(d), to, "numeric field overflow");
                    }
                    return to_decimal(*parsed, to);
                }
                case type_kind::decimal:
                    return to_decimal(v.as_decimal(), to);
                default: {
                    auto parsed = decimal::parse(v.as_string());
                    if (!parsed) {
                        return cast_error(v.as_string(), to, "not a number");
                    }
                    return to_decimal(*parsed, to);
                }
            }
        case type_kind::timestamp: {
            if (from.kind == type_kind::timestamp) {
                return v;
            }
            if (from.kind == type_kind::date) {
                return value(timestamp_ms{date_to_millis(v.as_date())});
            }
            auto ms = parse_iso_timestamp(v.as_string());
            if (!ms) {
                return cast_error(v.as_string(), to, ms.err().message);
            }
            return value(timestamp_ms{*ms});
        }
        case type_kind::date: {
            if (from.kind == type_kind::timestamp) {
                return value(timestamp_to_date(v.as_timestamp()));
            }
            auto d = parse_sql_date(trim_spaces(v.as_string()));
            if (!d) {
                return cast_error(v.as_string(), to, d.err().message);
            }
            return value(*d);
        }
        case type_kind::time: {
            if (from.kind == type_kind::timestamp) {
                return value(timestamp_to_time(v.as_timestamp()));
            }
            auto t = parse_sql_time(trim_spaces(v.as_string()));
            if (!t) {
                return cast_error(v.as_string(), to, t.err().message);
            }
            return value(*t);
        }
        case type_kind::bytes:
            return v;
        default:
            break;
    }
    return error{errc::invalid_argument,
                 fmt::format("Cannot cast {} to {}", from.to_string(), to.to_string())};
}

}  // namespace

bool can_cast(const sql_type& from, const sql_type& to) {
    if (from == to) {
        return true;
    }
    switch (to.kind) {
        case type_kind::string:
            return from.kind != type_kind::bytes;
        case type_kind::boolean:
            return from.kind == type_kind::string;
        case type_kind::integer:
        case type_kind::bigint:
        case type_kind::double_:
        case type_kind::decimal:
            return from.is_numeric() || from.kind == type_kind::string;
        case type_kind::timestamp:
            return from.kind == type_kind::string || from.kind == type_kind::date;
        case type_kind::date:
        case type_kind::time:
            return from.kind == type_kind::string || from.kind == type_kind::timestamp;
        case type_kind::bytes:
            return false;
        case type_kind::array:
        case type_kind::map:
            return from.kind == to.kind && can_cast(from.children.at(0), to.children.at(0));
        case type_kind::struct_:
            // Fields are matched by name; fields missing in the source become NULL.
            if (from.kind != type_kind::struct_) {
                return false;
            }
            for (size_t i = 0; i < to.children.size(); ++i) {
                for (size_t j = 0; j < from.children.size(); ++j) {
                    if (from.field_names[j] == to.field_names[i] &&
                        !can_cast(from.children[j], to.children[i])) {
                        return false;
                    }
                }
            }
            return true;
    }
    return false;
}

result<value> cast_value(const value& v, const sql_type& from, const sql_type& to) {
    if (v.is_null()) {
        return value();
    }
    if (from == to) {
        return v;
    }
    if (!can_cast(from, to)) {
        return error{errc::invalid_argument,
                     fmt::format("Cannot cast {} to {}", from.to_string(), to.to_string())};
    }
    switch (to.kind) {
        case type_kind::array: {
            value_list items;
            items.reserve(v.as_array().size());
            for (const value& item : v.as_array()) {
                auto c = cast_value(item, from.children[0], to.children[0]);
                if (!c) {
                    return c;
                }
                items.push_back(std::move(*c));
            }
            return value::array(std::move(items));
        }
        case type_kind::map: {
            value_map entries;
            entries.reserve(v.as_map().size());
            for (const auto& [key, item] : v.as_map()) {
                auto c = cast_value(item, from.children[0], to.children[0]);
                if (!c) {
                    return c;
                }
                entries.emplace_back(key, std::move(*c));
            }
            return value::map(std::move(entries));
        }
        case type_kind::struct_: {
            value_struct out;
            out.fields.resize(to.children.size());
            const auto& fields = v.as_struct().fields;
            for (size_t i = 0; i < to.children.size(); ++i) {
                for (size_t j = 0; j < from.children.size() && j < fields.size(); ++j) {
                    if (from.field_names[j] == to.field_names[i]) {
                        auto c = cast_value(fields[j], from.children[j], to.children[i]);
                        if (!c) {
                            return c;
                        }
                        out.fields[i] = std::move(*c);
                        break;
                    }
                }
            }
            return value::struct_(std::move(out));
        }
        default:
            return cast_scalar(v, from, to);
    }
}

}  // namespace cs::streams
