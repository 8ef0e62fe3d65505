#include "streams/record_formatter.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "formats/json_writer.h"
#include "streams/serde_text.h"
#include "streams/time_format.h"

namespace cs::streams {
namespace {

// Whether text is UTF-8 that Java decodes without a replacement character
// (strict: no overlong forms, surrogates or code points past U+10FFFF) and
// holds no U+FFFD of its own: ksqlDB's string and JSON readers refuse both.
bool clean_utf8(std::string_view s) {
    return formats::is_valid_utf8(s) && s.find("\xEF\xBF\xBD") == std::string_view::npos;
}

// Jackson's readTree as ksqlDB's PRINT uses it: one JSON value (whatever
// follows it is not read, but a root number must end at a space or the
// end), no comments, no leading zeros, no unescaped control characters.
class json_check {
  public:
    explicit json_check(std::string_view s) : s_(s) {}
    bool root() {
        space();
        if (i_ == s_.size()) {
            return true;  // nothing but spaces: Jackson's MissingNode
        }
        const bool number = s_[i_] == '-' || digit(s_[i_]);
        if (!value(0)) {
            return false;
        }
        return !number || i_ == s_.size() || is_space(s_[i_]);
    }

  private:
    static bool digit(char c) { return c >= '0' && c <= '9'; }
    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    void space() {
        while (i_ < s_.size() && is_space(s_[i_])) {
            ++i_;
        }
    }
    bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }
    bool value(int depth) {
        if (depth > 1000 || i_ >= s_.size()) {
            return false;
        }
        switch (s_[i_]) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return word("true");
            case 'f':
                return word("false");
            case 'n':
                return word("null");
            default:
                return number();
        }
    }
    bool word(std::string_view w) {
        if (s_.substr(i_, w.size()) != w) {
            return false;
        }
        i_ += w.size();
        if (i_ < s_.size()) {
            char c = s_[i_];
            if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
                static_cast<unsigned char>(c) >= 0x80) {
                return false;  // Unrecognized token 'truex'
            }
        }
        return true;
    }
    bool number() {
        if (at('-')) {
            ++i_;
        }
        if (!(i_ < s_.size() && digit(s_[i_]))) {
            return false;
        }
        if (s_[i_] == '0' && i_ + 1 < s_.size() && digit(s_[i_ + 1])) {
            return false;  // leading zeroes not allowed
        }
        while (i_ < s_.size() && digit(s_[i_])) {
            ++i_;
        }
        if (at('.')) {
            ++i_;
            if (!(i_ < s_.size() && digit(s_[i_]))) {
                return false;
            }
            while (i_ < s_.size() && digit(s_[i_])) {
                ++i_;
            }
        }
        if (at('e') || at('E')) {
            ++i_;
            if (at('+') || at('-')) {
                ++i_;
            }
            if (!(i_ < s_.size() && digit(s_[i_]))) {
                return false;
            }
            while (i_ < s_.size() && digit(s_[i_])) {
                ++i_;
            }
        }
        return true;
    }
    bool string() {
        ++i_;
        while (i_ < s_.size()) {
            auto c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') {
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c == '\\') {
                if (i_ >= s_.size()) {
                    return false;
                }
                char e = s_[i_++];
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k, ++i_) {
                        if (i_ >= s_.size() ||
                            std::isxdigit(static_cast<unsigned char>(s_[i_])) == 0) {
                            return false;
                        }
                    }
                } else if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
                    return false;
                }
            }
        }
        return false;
    }
    bool array(int depth) {
        ++i_;
        space();
        if (at(']')) {
            ++i_;
            return true;
        }
        for (;;) {
            space();
            if (!value(depth + 1)) {
                return false;
            }
            space();
            if (at(']')) {
                ++i_;
                return true;
            }
            if (!at(',')) {
                return false;
            }
            ++i_;
        }
    }
    bool object(int depth) {
        ++i_;
        space();
        if (at('}')) {
            ++i_;
            return true;
        }
        for (;;) {
            space();
            if (!at('"') || !string()) {
                return false;
            }
            space();
            if (!at(':')) {
                return false;
            }
            ++i_;
            space();
            if (!value(depth + 1)) {
                return false;
            }
            space();
            if (at('}')) {
                ++i_;
                return true;
            }
            if (!at(',')) {
                return false;
            }
            ++i_;
        }
    }

    std::string_view s_;
    size_t i_ = 0;
};

std::optional<std::string> read_json(std::string_view b) {
    if (b.empty() || !clean_utf8(b) || !json_check(b).root()) {
        return std::nullopt;
    }
    return std::string(b);
}

std::optional<std::string> read_string(std::string_view b) {
    if (b.empty() || !clean_utf8(b)) {
        return std::nullopt;
    }
    return std::string(b);
}

uint64_t big_endian(std::string_view b) {
    uint64_t v = 0;
    for (char c : b) {
        v = (v << 8) | static_cast<unsigned char>(c);
    }
    return v;
}

std::optional<std::string> read_int(std::string_view b) {
    if (b.size() != 4) {
        return std::nullopt;
    }
    return std::to_string(static_cast<int32_t>(static_cast<uint32_t>(big_endian(b))));
}

std::optional<std::string> read_bigint(std::string_view b) {
    if (b.size() != 8) {
        return std::nullopt;
    }
    return std::to_string(static_cast<int64_t>(big_endian(b)));
}

std::optional<std::string> read_double(std::string_view b) {
    if (b.size() != 8) {
        return std::nullopt;
    }
    uint64_t bits = big_endian(b);
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    std::string out;
    serde_detail::append_java_double(out, d);
    return out;
}

// Kafka's Bytes.toString: printable ASCII but '\' as is, the rest \xHH.
std::string bytes_text(std::string_view b) {
    std::string out;
    for (char ch : b) {
        auto c = static_cast<unsigned char>(ch);
        if (c >= ' ' && c <= '~' && c != '\\') {
            out += ch;
        } else {
            out += fmt::format("\\x{:02X}", c);
        }
    }
    return out;
}

using reader = std::function<std::optional<std::string>(std::string_view)>;

// Kafka Streams' SessionWindowedDeserializer: key, end, start (8 bytes
// each, big-endian); a window needs 0 <= start <= end.
reader session_of(reader inner) {
    return [inner](std::string_view b) -> std::optional<std::string> {
        if (b.size() < 16) {
            return std::nullopt;
        }
        auto end = static_cast<int64_t>(big_endian(b.substr(b.size() - 16, 8)));
        auto start = static_cast<int64_t>(big_endian(b.substr(b.size() - 8)));
        if (start < 0 || end < start) {
            return std::nullopt;
        }
        auto key = inner(b.substr(0, b.size() - 16));
        if (!key) {
            return std::nullopt;
        }
        return fmt::format("[{}@{}/{}]", *key, start, end);
    };
}

// TimeWindowedDeserializer (window size 1 ms, as PRINT gives it): key,
// start (8 bytes, big-endian); the end is not in the bytes.
reader time_window_of(reader inner) {
    return [inner](std::string_view b) -> std::optional<std::string> {
        if (b.size() < 8) {
            return std::nullopt;
        }
        auto start = static_cast<int64_t>(big_endian(b.substr(b.size() - 8)));
        if (start < 0 || start == INT64_MAX) {
            return std::nullopt;
        }
        auto key = inner(b.substr(0, b.size() - 8));
        if (!key) {
            return std::nullopt;
        }
        return fmt::format("[{}@{}/-]", *key, start);
    };
}

constexpr std::string_view unrecognised_bytes = "UNRECOGNISED_BYTES";

std::vector<record_formatter::candidate> candidates(bool keys) {
    const std::vector<record_formatter::candidate> plain = {
        {"JSON", read_json},           {"KAFKA_INT", read_int},       {"KAFKA_BIGINT", read_bigint},
        {"KAFKA_DOUBLE", read_double}, {"KAFKA_STRING", read_string},
    };
    std::vector<record_formatter::candidate> out;
    for (const auto& c : plain) {
        if (keys) {
            out.push_back({"SESSION(" + c.name + ")", session_of(c.read)});
            out.push_back({"HOPPING(" + c.name + ")", time_window_of(c.read)});
            out.push_back({"TUMBLING(" + c.name + ")", time_window_of(c.read)});
        }
        out.push_back(c);
    }
    out.push_back({std::string(unrecognised_bytes),
                   [](std::string_view b) -> std::optional<std::string> { return bytes_text(b); }});
    return out;
}

}  // namespace

std::string print_rowtime(int64_t ts) {
    if (ts == -1) {
        return "N/A";
    }
    // ksqlDB's "yyyy/MM/dd HH:mm:ss.SSS z" in UTC ("z" prints Z).
    static const time_format rowtime = *time_format::compile("yyyy/MM/dd HH:mm:ss.SSS");
    return rowtime.format(ts, time_zone::utc()) + " Z";
}

record_formatter::record_formatter() {
    keys_.left = candidates(true);
    values_.left = candidates(false);
}

std::string record_formatter::deserializers::format(std::optional<std::string_view> bytes) {
    if (!bytes) {
        return "<null>";
    }
    seen_data = true;
    std::optional<std::string> first;
    std::erase_if(left, [&](const candidate& c) {
        auto text = c.read(*bytes);
        if (text && !first) {
            first = std::move(text);
            return false;
        }
        return !text;
    });
    return first ? *first : "<Failed to deserialize>";
}

std::vector<std::string> record_formatter::deserializers::possible() const {
    if (!seen_data) {
        return {"\xC2\xAF\\_(\xE3\x83\x84)_/\xC2\xAF - no data processed"};
    }
    std::vector<std::string> out;
    for (const auto& c : left) {
        if (c.name != unrecognised_bytes) {
            out.push_back(c.name);
        }
    }
    return out;
}

std::string record_formatter::format_record(const print_record& r) {
    std::string key = keys_.format(r.key);
    std::string value = values_.format(r.value);
    return fmt::format("rowtime: {}, key: {}, value: {}, partition: {}",
                       print_rowtime(r.timestamp_ms), key, value, r.partition);
}

std::vector<std::string> record_formatter::format(std::span<const print_record> records) {
    const std::string active_key = possible_key_formats().front();
    const std::string active_value = possible_value_formats().front();
    auto run = [&] {
        std::vector<std::string> out;
        out.reserve(records.size());
        for (const auto& r : records) {
            out.push_back(format_record(r));
        }
        return out;
    };
    auto lines = run();
    auto still = [](const std::vector<std::string>& now, const std::string& active) {
        return std::find(now.begin(), now.end(), active) != now.end();
    };
    if (still(possible_key_formats(), active_key) &&
        still(possible_value_formats(), active_value)) {
        return lines;
    }
    return run();
}

std::vector<std::string> record_formatter::possible_key_formats() const {
    return keys_.possible();
}

std::vector<std::string> record_formatter::possible_value_formats() const {
    return values_.possible();
}

topic_printer::topic_printer(int64_t interval, std::optional<int64_t> limit)
    : interval_(interval), limit_(limit) {}

std::vector<std::string> topic_printer::batch(std::span<const print_record> records) {
    std::vector<std::string> out;
    if (records.empty()) {
        return out;
    }
    auto values = formatter_.format(records);
    std::vector<std::string> shown;
    for (auto& v : values) {
        if (polled_++ % interval_ == 0) {
            ++written_;
            shown.push_back(std::move(v));
        }
        if (limit_reached()) {
            break;
        }
    }
    auto update = [&out](std::vector<std::string>& previous, std::vector<std::string> now,
                         std::string_view prefix) {
        if (previous == now) {
            return;
        }
        previous = std::move(now);
        std::string line(prefix);
        if (previous.empty()) {
            line +=
                " does not match any supported format. It may be a STRING with encoding other "
                "than UTF8, or some other format.";
        } else {
            for (size_t i = 0; i < previous.size(); ++i) {
                line += (i == 0 ? "" : " or ") + previous[i];
            }
        }
        out.push_back(std::move(line));
    };
    update(key_formats_, formatter_.possible_key_formats(), "Key format: ");
    update(value_formats_, formatter_.possible_value_formats(), "Value format: ");
    for (auto& s : shown) {
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace cs::streams
