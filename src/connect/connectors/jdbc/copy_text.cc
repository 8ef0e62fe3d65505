#include "connect/connectors/jdbc/copy_text.h"

#include <cmath>

#include <fmt/format.h>

namespace cs::connect::jdbc {

namespace {

void append_escaped(std::string& out, std::string_view s) {
    // COPY text format: backslash, the delimiter and line ends must be
    // escaped; everything else (including bytes >= 0x80) goes through as is.
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char* esc = nullptr;
        switch (s[i]) {
            case '\\':
                esc = "\\\\";
                break;
            case '\t':
                esc = "\\t";
                break;
            case '\n':
                esc = "\\n";
                break;
            case '\r':
                esc = "\\r";
                break;
            default:
                continue;
        }
        out.append(s.substr(start, i - start));
        out += esc;
        start = i + 1;
    }
    out.append(s.substr(start));
}

}  // namespace

std::string param_text(const sql_param& p) {
    if (auto* b = std::get_if<bool>(&p)) {
        return *b ? "t" : "f";
    }
    if (auto* n = std::get_if<int64_t>(&p)) {
        return fmt::format("{}", *n);
    }
    if (auto* d = std::get_if<double>(&p)) {
        if (std::isnan(*d)) {
            return "NaN";
        }
        if (std::isinf(*d)) {
            return *d > 0 ? "Infinity" : "-Infinity";
        }
        return fmt::format("{}", *d);
    }
    if (auto* s = std::get_if<std::string>(&p)) {
        return *s;
    }
    return {};
}

void append_copy_row(std::string& out, std::span<const sql_param> values) {
    static constexpr char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            out += '\t';
        }
        const sql_param& p = values[i];
        if (std::holds_alternative<std::monostate>(p)) {
            out += "\\N";
        } else if (auto* s = std::get_if<std::string>(&p)) {
            append_escaped(out, *s);
        } else if (auto* b = std::get_if<blob>(&p)) {
            out += "\\\\x";  // bytea hex input "\x..." with its backslash escaped
            for (char c : b->bytes) {
                auto u = static_cast<unsigned char>(c);
                out += hex[u >> 4];
                out += hex[u & 15];
            }
        } else {
            out += param_text(p);  // no characters that need escaping
        }
    }
    out += '\n';
}

}  // namespace cs::connect::jdbc
