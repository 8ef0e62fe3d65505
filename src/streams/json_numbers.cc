#include "streams/json_numbers.h"

#include <charconv>
#include <cstdint>
#include <system_error>

namespace cs::streams {

namespace {

bool number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

bool digit(char c) {
    return c >= '0' && c <= '9';
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool valid_number(std::string_view t) {
    size_t i = 0;
    auto digits = [&] {
        size_t start = i;
        while (i < t.size() && digit(t[i])) {
            ++i;
        }
        return i > start;
    };
    if (i < t.size() && t[i] == '-') {
        ++i;
    }
    if (i < t.size() && t[i] == '0') {
        ++i;
    } else if (!digits()) {
        return false;
    }
    if (i < t.size() && t[i] == '.') {
        ++i;
        if (!digits()) {
            return false;
        }
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
            ++i;
        }
        if (!digits()) {
            return false;
        }
    }
    return i == t.size();
}

// Whether simdjson holds the number token: an integer as int64 or uint64,
// anything else as a finite double.
bool representable(std::string_view token) {
    const char* first = token.data();
    const char* last = token.data() + token.size();
    if (token.find_first_of(".eE") == std::string_view::npos) {
        int64_t i = 0;
        if (auto r = std::from_chars(first, last, i); r.ec == std::errc() && r.ptr == last) {
            return true;
        }
        uint64_t u = 0;
        auto r = std::from_chars(first, last, u);
        return r.ec == std::errc() && r.ptr == last;
    }
    double d = 0;
    auto r = std::from_chars(first, last, d);
    return r.ec != std::errc::result_out_of_range;
}

// A fraction or exponent whose significant digits a double may not keep.
bool inexact(std::string_view token) {
    if (token.find_first_of(".eE") == std::string_view::npos) {
        return false;  // an integer: exact in int64/uint64, or unrepresentable
    }
    int significant = 0;
    bool leading = true;
    for (char c : token) {
        if (c == 'e' || c == 'E') {
            break;
        }
        if (!digit(c) || (leading && c == '0')) {
            continue;
        }
        leading = false;
        ++significant;
    }
    return significant > 15;
}

}  // namespace

std::optional<std::string> quote_json_numbers(std::string_view json, quote_numbers which) {
    std::string out;
    size_t copied = 0;  // json[copied, i) is not yet in out
    for (size_t i = 0; i < json.size();) {
        const char c = json[i];
        if (c == '"') {
            for (++i; i < json.size() && json[i] != '"'; ++i) {
                if (json[i] == '\\') {
                    ++i;
                }
            }
            ++i;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9')) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end < json.size() && number_char(json[end])) {
            ++end;
        }
        std::string_view token = json.substr(i, end - i);
        if (valid_number(token) &&
            (!representable(token) || (which == quote_numbers::inexact && inexact(token)))) {
            out.append(json.substr(copied, i - copied));
            out += '"';
            out.append(token);
            out += '"';
            copied = end;
        }
        i = end;
    }
    if (copied == 0) {
        return std::nullopt;
    }
    out.append(json.substr(copied));
    return out;
}

}  // namespace cs::streams
