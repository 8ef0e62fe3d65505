#include "config/property.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/strings.h"

// GCC 12 with -fsanitize=address reports moves of a config_value holding a
// number into result<config_value> as reads of the (inactive) string and
// vector members: a false positive of -Wmaybe-uninitialized on std::variant.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace cs::config {
namespace {

std::string format_number(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e18) {
        return fmt::format("{}", static_cast<int64_t>(v));
    }
    return fmt::format("{}", v);
}

std::string bound_text(const property_def& def, bool lower) {
    std::optional<double> b = lower ? def.min : def.max;
    if (b) {
        return format_number(*b);
    }
    if (def.type == value_type::int32) {
        return lower ? fmt::format("{}", std::numeric_limits<int32_t>::min())
                     : fmt::format("{}", std::numeric_limits<int32_t>::max());
    }
    if (def.type == value_type::int64) {
        return lower ? fmt::format("{}", std::numeric_limits<int64_t>::min())
                     : fmt::format("{}", std::numeric_limits<int64_t>::max());
    }
    return lower ? "-inf" : "inf";
}

std::string range_text(const property_def& def) {
    return fmt::format("[{}, {}]", bound_text(def, true), bound_text(def, false));
}

bool in_bounds(const property_def& def, double v) {
    return (!def.min || v >= *def.min) && (!def.max || v <= *def.max);
}

bool is_valid_choice(const property_def& def, std::string_view v) {
    return def.valid_values.empty() ||
           std::find(def.valid_values.begin(), def.valid_values.end(), v) != def.valid_values.end();
}

error expected(const property_def& def) {
    return error{errc::invalid_argument, "expected " + expectation(def)};
}

result<config_value> parse_integer(const property_def& def, std::string_view t) {
    // Java's parseInt/parseLong accept a leading '+'; from_chars does not.
    std::string_view digits = t;
    if (!digits.empty() && digits.front() == '+') {
        digits.remove_prefix(1);
        if (!digits.empty() && digits.front() == '-') {
            return expected(def);
        }
    }
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
        if (ec == std::errc::result_out_of_range) {
            return error{errc::invalid_argument, fmt::format("expected an integer ({}) in {}",
                                                             type_name(def.type), range_text(def))};
        }
        return expected(def);
    }
    if (def.type == value_type::int32 &&
        (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) {
        return error{errc::invalid_argument,
                     fmt::format("expected an integer (int) in {}", range_text(def))};
    }
    if (!in_bounds(def, static_cast<double>(v))) {
        return expected(def);
    }
    return config_value(v);
}

result<config_value> parse_double(const property_def& def, std::string_view t) {
    std::string s(t);
    if (s.empty()) {
        return expected(def);
    }
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v) || !in_bounds(def, v)) {
        return expected(def);
    }
    return config_value(v);
}

}  // namespace

const char* type_name(value_type t) {
    switch (t) {
        case value_type::string:
            return "string";
        case value_type::int32:
            return "int";
        case value_type::int64:
            return "long";
        case value_type::float64:
            return "double";
        case value_type::boolean:
            return "boolean";
        case value_type::list:
            return "list";
        case value_type::password:
            return "password";
        case value_type::class_name:
            return "class";
    }
    return "unknown";
}

std::string expectation(const property_def& def) {
    switch (def.type) {
        case value_type::int32:
        case value_type::int64:
            if (def.min || def.max) {
                return fmt::format("an integer ({}) in {}", type_name(def.type), range_text(def));
            }
            return fmt::format("an integer ({})", type_name(def.type));
        case value_type::float64:
            if (def.min || def.max) {
                return fmt::format("a number (double) in {}", range_text(def));
            }
            return "a number (double)";
        case value_type::boolean:
            return "true or false (boolean)";
        case value_type::list:
            if (!def.valid_values.empty()) {
                return fmt::format("a comma-separated list of [{}]",
                                   fmt::join(def.valid_values, ", "));
            }
            return "a comma-separated list";
        case value_type::string:
            if (!def.valid_values.empty()) {
                return fmt::format("one of [{}]", fmt::join(def.valid_values, ", "));
            }
            return "a string";
        case value_type::password:
            return "a password";
        case value_type::class_name:
            return "a class name";
    }
    return "a value";
}

result<config_value> parse_value(const property_def& def, std::string_view text) {
    std::string_view t = trim_java(text);
    switch (def.type) {
        case value_type::int32:
        case value_type::int64:
            return parse_integer(def, t);
        case value_type::float64:
            return parse_double(def, t);
        case value_type::boolean: {
            if (auto b = parse_config_boolean(t)) {
                return config_value(*b);
            }
            return expected(def);
        }
        case value_type::list: {
            std::vector<std::string> items;
            if (!t.empty()) {
                size_t start = 0;
                while (true) {
                    size_t comma = t.find(',', start);
                    std::string_view item = trim_java(
                        t.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                        : comma - start));
                    if (!is_valid_choice(def, item)) {
                        return expected(def);
                    }
                    items.emplace_back(item);
                    if (comma == std::string_view::npos) {
                        break;
                    }
                    start = comma + 1;
                }
            }
            return config_value(std::move(items));
        }
        case value_type::string:
        case value_type::password:
        case value_type::class_name:
            if (!is_valid_choice(def, t)) {
                return expected(def);
            }
            return config_value(std::string(t));
    }
    return expected(def);
}

std::string format_value(const property_def& def, const config_value& value, bool reveal) {
    if (std::holds_alternative<std::monostate>(value)) {
        return "null";
    }
    if (def.type == value_type::password && !reveal) {
        return "[hidden]";
    }
    if (const bool* b = std::get_if<bool>(&value)) {
        return *b ? "true" : "false";
    }
    if (const int64_t* i = std::get_if<int64_t>(&value)) {
        return fmt::format("{}", *i);
    }
    if (const double* d = std::get_if<double>(&value)) {
        return fmt::format("{}", *d);
    }
    if (const std::string* s = std::get_if<std::string>(&value)) {
        return *s;
    }
    return fmt::format("{}", fmt::join(std::get<std::vector<std::string>>(value), ","));
}

std::string quote_raw(const property_def& def, std::string_view text) {
    if (def.type == value_type::password) {
        return "[hidden]";
    }
    return fmt::format("\"{}\"", text);
}

}  // namespace cs::config
