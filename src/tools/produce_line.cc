#include "tools/produce_line.h"

#include <fmt/format.h>

namespace cs::tools {
namespace {

bool is_true(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
    }
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
    }
    if (v.size() != 4) {
        return false;
    }
    std::string lower(v);
    for (char& c : lower) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return lower == "true";
}

std::optional<std::string_view> null_if_marker(const line_format& f, std::string_view s) {
    if (f.null_marker && s == *f.null_marker) {
        return std::nullopt;
    }
    return s;
}

// Kafka's parse(): the text from start up to the separator; nullopt when the
// separator is missing and errors are ignored.
result<std::optional<std::string_view>> take_until(const line_format& f, std::string_view line,
                                                   size_t start, const std::string& separator,
                                                   const char* what) {
    size_t at = line.find(separator, start);
    if (at == std::string_view::npos) {
        if (f.ignore_error) {
            return std::optional<std::string_view>();
        }
        return error{errc::invalid_argument, fmt::format("no {} found", what)};
    }
    return std::optional<std::string_view>(line.substr(start, at - start));
}

status add_headers(const line_format& f, std::string_view text,
                   std::vector<client::record_header>& out) {
    std::vector<std::string_view> pairs;
    size_t start = 0;
    for (;;) {
        size_t at = text.find(f.headers_separator, start);
        if (at == std::string_view::npos) {
            pairs.push_back(text.substr(start));
            break;
        }
        pairs.push_back(text.substr(start, at - start));
        start = at + f.headers_separator.size();
    }
    // Java's String.split drops trailing empty strings, unless nothing matched.
    if (pairs.size() > 1) {
        while (!pairs.empty() && pairs.back().empty()) {
            pairs.pop_back();
        }
    }
    for (std::string_view pair : pairs) {
        size_t at = pair.find(f.headers_key_separator);
        if (at == std::string_view::npos) {
            if (!f.ignore_error) {
                return {errc::invalid_argument,
                        fmt::format("no header key separator \"{}\" found in header \"{}\"",
                                    f.headers_key_separator, pair)};
            }
            out.push_back({std::string(pair), std::nullopt});
            continue;
        }
        std::string_view key = pair.substr(0, at);
        if (f.null_marker && key == *f.null_marker) {
            return {errc::invalid_argument,
                    fmt::format("header key equals the null marker \"{}\" (header keys can't "
                                "be null)",
                                *f.null_marker)};
        }
        std::string_view value = pair.substr(at + f.headers_key_separator.size());
        auto v = null_if_marker(f, value);
        out.push_back(
            {std::string(key), v ? std::optional<std::string>(std::string(*v)) : std::nullopt});
    }
    return {};
}

}  // namespace

result<line_format> parse_line_properties(const std::vector<std::string>& properties) {
    line_format f;
    for (const auto& p : properties) {
        size_t eq = p.find('=');
        if (eq == std::string::npos) {
            return error{errc::invalid_argument,
                         fmt::format("--property {}: expected key=value", p)};
        }
        std::string key = p.substr(0, eq);
        std::string value = p.substr(eq + 1);
        if (key == "parse.key") {
            f.parse_key = is_true(value);
        } else if (key == "key.separator") {
            f.key_separator = value;
        } else if (key == "parse.headers") {
            f.parse_headers = is_true(value);
        } else if (key == "headers.delimiter") {
            f.headers_delimiter = value;
        } else if (key == "headers.separator") {
            f.headers_separator = value;
        } else if (key == "headers.key.separator") {
            f.headers_key_separator = value;
        } else if (key == "ignore.error") {
            f.ignore_error = is_true(value);
        } else if (key == "null.marker") {
            f.null_marker = value;
        } else {
            return error{errc::invalid_argument,
                         fmt::format("--property {}: unknown property \"{}\" (known: parse.key, "
                                     "key.separator, parse.headers, headers.delimiter, "
                                     "headers.separator, headers.key.separator, ignore.error, "
                                     "null.marker)",
                                     p, key)};
        }
    }
    struct named {
        const char* name;
        const std::string* value;
    };
    const named seps[] = {{"key.separator", &f.key_separator},
                          {"headers.delimiter", &f.headers_delimiter},
                          {"headers.separator", &f.headers_separator},
                          {"headers.key.separator", &f.headers_key_separator}};
    for (const auto& s : seps) {
        if (s.value->empty()) {
            return error{errc::invalid_argument, fmt::format("--property {} is empty", s.name)};
        }
        if (f.null_marker && *f.null_marker == *s.value) {
            return error{errc::invalid_argument,
                         fmt::format("null.marker and {} may not be equal", s.name)};
        }
    }
    for (size_t i = 1; i < 4; ++i) {
        for (size_t j = i + 1; j < 4; ++j) {
            if (*seps[i].value == *seps[j].value) {
                return error{errc::invalid_argument,
                             fmt::format("{} and {} may not be equal", seps[i].name, seps[j].name)};
            }
        }
    }
    return f;
}

status split_line(const line_format& f, std::string_view line, split_record& out) {
    out.headers.clear();
    out.key.reset();
    size_t offset = 0;
    if (f.parse_headers) {
        auto h = take_until(f, line, 0, f.headers_delimiter, "headers delimiter");
        if (!h.ok()) {
            return h.take_error();
        }
        if (*h) {
            offset = (*h)->size() + f.headers_delimiter.size();
            if (!(f.null_marker && **h == *f.null_marker)) {
                if (status st = add_headers(f, **h, out.headers); !st.ok()) {
                    return st;
                }
            }
        }
    }
    if (f.parse_key) {
        auto k = take_until(f, line, offset, f.key_separator, "key separator");
        if (!k.ok()) {
            return k.take_error();
        }
        if (*k) {
            offset += (*k)->size() + f.key_separator.size();
            out.key = null_if_marker(f, **k);
        }
    }
    out.value = null_if_marker(f, line.substr(offset));
    return {};
}

}  // namespace cs::tools
