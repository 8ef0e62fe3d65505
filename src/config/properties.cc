#include "config/properties.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/strings.h"

namespace cs::config {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f';
}

// One logical line: natural lines joined at continuations, with the line on
// which it started.
struct logical_line {
    std::string text;
    int line = 0;
};

// Splits text into logical lines, dropping blank and comment lines.
std::vector<logical_line> logical_lines(std::string_view text) {
    std::vector<logical_line> out;
    size_t pos = 0;
    int line_no = 0;
    bool continuing = false;
    logical_line current;
    while (pos < text.size()) {
        size_t end = pos;
        while (end < text.size() && text[end] != '\n' && text[end] != '\r') {
            ++end;
        }
        std::string_view natural = text.substr(pos, end - pos);
        ++line_no;
        if (end < text.size() && text[end] == '\r' && end + 1 < text.size() &&
            text[end + 1] == '\n') {
            pos = end + 2;
        } else {
            pos = end + 1;
        }

        size_t start = 0;
        while (start < natural.size() && is_blank(natural[start])) {
            ++start;
        }
        natural.remove_prefix(start);
        if (!continuing) {
            if (natural.empty() || natural[0] == '#' || natural[0] == '!') {
                continue;
            }
            current = logical_line{std::string(), line_no};
        }
        size_t backslashes = 0;
        while (backslashes < natural.size() && natural[natural.size() - 1 - backslashes] == '\\') {
            ++backslashes;
        }
        continuing = backslashes % 2 == 1;
        if (continuing) {
            natural.remove_suffix(1);
        }
        current.text.append(natural);
        if (!continuing) {
            out.push_back(std::move(current));
            current = logical_line{};
        }
    }
    if (continuing) {
        // A backslash on the last line of the file continues onto nothing.
        out.push_back(std::move(current));
    }
    return out;
}

// Reads the 4 hex digits of a \u escape starting at s[i]; -1 when malformed.
int32_t read_u_escape(std::string_view s, size_t i) {
    if (i + 4 > s.size()) {
        return -1;
    }
    int32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
        int h = hex_digit(s[i + k]);
        if (h < 0) {
            return -1;
        }
        v = v * 16 + h;
    }
    return v;
}

// Decodes escapes (the part of Properties.loadConvert that matters to text).
// Returns false when a \u escape is malformed.
bool unescape(std::string_view s, std::string& out) {
    out.clear();
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= s.size()) {
            break;  // a lone trailing backslash stands for nothing
        }
        c = s[i];
        switch (c) {
            case 't':
                out += '\t';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                int32_t unit = read_u_escape(s, i + 1);
                if (unit < 0) {
                    return false;
                }
                i += 4;
                uint32_t cp = static_cast<uint32_t>(unit);
                // A UTF-16 surrogate pair written as two escapes is one code point.
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 2 < s.size() && s[i + 1] == '\\' &&
                    s[i + 2] == 'u') {
                    int32_t low = read_u_escape(s, i + 3);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        cp =
                            0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
                        i += 6;
                    }
                }
                append_utf8(out, cp);
                break;
            }
            default:
                out += c;
                break;
        }
    }
    return true;
}

}  // namespace

const property_entry* properties::find(std::string_view key) const {
    for (const auto& e : entries_) {
        if (e.key == key) {
            return &e;
        }
    }
    return nullptr;
}

void properties::set(property_entry entry) {
    for (auto& e : entries_) {
        if (e.key == entry.key) {
            e = std::move(entry);
            return;
        }
    }
    entries_.push_back(std::move(entry));
}

properties parse_properties(std::string_view text, const std::string& file_name,
                            diagnostics& diags) {
    properties props;
    for (const auto& ll : logical_lines(text)) {
        std::string_view s = ll.text;
        size_t key_len = 0;
        size_t value_start = s.size();
        bool has_sep = false;
        bool escaped = false;
        while (key_len < s.size()) {
            char c = s[key_len];
            if ((c == '=' || c == ':') && !escaped) {
                value_start = key_len + 1;
                has_sep = true;
                break;
            }
            if (is_blank(c) && !escaped) {
                value_start = key_len + 1;
                break;
            }
            escaped = c == '\\' ? !escaped : false;
            ++key_len;
        }
        while (value_start < s.size()) {
            char c = s[value_start];
            if (!is_blank(c)) {
                if (!has_sep && (c == '=' || c == ':')) {
                    has_sep = true;
                } else {
                    break;
                }
            }
            ++value_start;
        }
        property_entry entry;
        entry.file = file_name;
        entry.line = ll.line;
        if (!unescape(s.substr(0, key_len), entry.key) ||
            !unescape(s.substr(std::min(value_start, s.size())), entry.value)) {
            diags.error(file_name, ll.line, "malformed \\uXXXX escape (needs four hex digits)");
            continue;
        }
        if (const property_entry* earlier = props.find(entry.key)) {
            diags.warning(file_name, ll.line,
                          fmt::format("{} is set again (first set at {}:{}); the later value wins",
                                      entry.key, earlier->file, earlier->line));
        }
        props.set(std::move(entry));
    }
    return props;
}

result<properties> load_properties(const std::filesystem::path& path, diagnostics& diags) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{errc::io, fmt::format("cannot read {}", path.string())};
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) {
        return error{errc::io, fmt::format("error reading {}", path.string())};
    }
    return parse_properties(buf.str(), path.string(), diags);
}

}  // namespace cs::config
