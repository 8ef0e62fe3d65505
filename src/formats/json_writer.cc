#include "formats/json_writer.h"

#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "formats/json_plain.h"

namespace cs::formats {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t utf8_sequence(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (b(i + k) & 0x3F);
    }
    static constexpr uint32_t min_for_length[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        size_t n = utf8_sequence(s, i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

void append_json_string(std::string& out, std::string_view s) {
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    size_t i = json_plain::prefix(s);
    if (i == s.size()) {
        // The common case, nothing to escape: one copy between the quotes.
        out.append(s);
        out += '"';
        return;
    }
    size_t run = 0;  // start of the pending run of bytes copied verbatim
    // i is at a byte that needs a look (or the end).
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            if (size_t n = utf8_sequence(s, i); n > 0) {
                i += n;
                i += json_plain::prefix(s.substr(i));
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
                } else {
                    out += "\xEF\xBF\xBD";  // U+FFFD for an invalid byte
                }
        }
        ++i;
        run = i;
        i += json_plain::prefix(s.substr(i));
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void json_object_writer::key(std::string_view k) {
    if (!first_) {
        out_ += ',';
    }
    first_ = false;
    append_json_string(out_, k);
    out_ += ':';
}

json_object_writer& json_object_writer::string(std::string_view k, std::string_view value) {
    key(k);
    append_json_string(out_, value);
    return *this;
}

json_object_writer& json_object_writer::number(std::string_view k, int64_t value) {
    key(k);
    fmt::format_to(std::back_inserter(out_), "{}", value);
    return *this;
}

json_object_writer& json_object_writer::number(std::string_view k, double value) {
    key(k);
    // Shortest representation that round-trips; JSON has no NaN/Infinity.
    if (value != value || value == 1.0 / 0.0 || value == -1.0 / 0.0) {
        out_ += "null";
    } else {
        fmt::format_to(std::back_inserter(out_), "{}", value);
    }
    return *this;
}

json_object_writer& json_object_writer::boolean(std::string_view k, bool value) {
    key(k);
    out_ += value ? "true" : "false";
    return *this;
}

json_object_writer& json_object_writer::null(std::string_view k) {
    key(k);
    out_ += "null";
    return *this;
}

json_object_writer& json_object_writer::raw(std::string_view k, std::string_view json) {
    key(k);
    out_ += json;
    return *this;
}

}  // namespace cs::formats
