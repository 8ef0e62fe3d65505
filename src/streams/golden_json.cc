#include "streams/golden_json.h"

#include <algorithm>
#include <cstdint>

#include "base/strings.h"
#include "formats/json_writer.h"

namespace cs::streams::golden {

const json* json::find(std::string_view name) const {
    for (const auto& [n, v] : members) {
        if (n == name) {
            return &v;
        }
    }
    return nullptr;
}

namespace {

class reader {
  public:
    explicit reader(std::string_view text) : s_(text) {}

    result<json> document() {
        json v;
        if (auto st = value(v, 0); !st) {
            return st.err();
        }
        skip_ws();
        if (i_ != s_.size()) {
            return fail("unexpected text after the JSON value");
        }
        return v;
    }

  private:
    error fail(std::string_view what) const {
        int line = 1;
        int col = 1;
        for (size_t j = 0; j < i_ && j < s_.size(); ++j) {
            if (s_[j] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        return error{errc::invalid_argument, "JSON line " + std::to_string(line) + ":" +
                                                 std::to_string(col) + ": " + std::string(what)};
    }

    void skip_ws() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
            ++i_;
        }
    }

    bool eat(char c) {
        skip_ws();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }

    bool literal(std::string_view word) {
        if (s_.substr(i_, word.size()) == word) {
            i_ += word.size();
            return true;
        }
        return false;
    }

    status value(json& out, int depth) {
        if (depth > 64) {
            return fail("nested too deeply");
        }
        skip_ws();
        if (i_ >= s_.size()) {
            return fail("expected a value, got the end of the text");
        }
        char c = s_[i_];
        if (c == '{') {
            return object(out, depth);
        }
        if (c == '[') {
            return array(out, depth);
        }
        if (c == '"') {
            out.k = json::kind::string;
            return string(out.text);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            out.k = json::kind::number;
            return number(out.text);
        }
        if (literal("true")) {
            out.k = json::kind::boolean;
            out.b = true;
            return {};
        }
        if (literal("false")) {
            out.k = json::kind::boolean;
            return {};
        }
        if (literal("null")) {
            out.k = json::kind::null;
            return {};
        }
        return fail(std::string("unexpected character '") + c + "'");
    }

    status object(json& out, int depth) {
        out.k = json::kind::object;
        ++i_;  // {
        if (eat('}')) {
            return {};
        }
        do {
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != '"') {
                return fail("expected a member name in quotes");
            }
            std::string name;
            if (auto st = string(name); !st) {
                return st;
            }
            if (!eat(':')) {
                return fail("expected ':' after a member name");
            }
            json v;
            if (auto st = value(v, depth + 1); !st) {
                return st;
            }
            out.members.emplace_back(std::move(name), std::move(v));
        } while (eat(','));
        if (!eat('}')) {
            return fail("expected ',' or '}' in an object");
        }
        return {};
    }

    status array(json& out, int depth) {
        out.k = json::kind::array;
        ++i_;  // [
        if (eat(']')) {
            return {};
        }
        do {
            json v;
            if (auto st = value(v, depth + 1); !st) {
                return st;
            }
            out.items.push_back(std::move(v));
        } while (eat(','));
        if (!eat(']')) {
            return fail("expected ',' or ']' in an array");
        }
        return {};
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    status number(std::string& out) {
        size_t start = i_;
        if (s_[i_] == '-') {
            ++i_;
        }
        if (i_ < s_.size() && s_[i_] == '0') {
            ++i_;
        } else if (i_ < s_.size() && digit(s_[i_])) {
            while (i_ < s_.size() && digit(s_[i_])) {
                ++i_;
            }
        } else {
            return fail("bad number");
        }
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            if (i_ >= s_.size() || !digit(s_[i_])) {
                return fail("bad number: digits must follow '.'");
            }
            while (i_ < s_.size() && digit(s_[i_])) {
                ++i_;
            }
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
                ++i_;
            }
            if (i_ >= s_.size() || !digit(s_[i_])) {
                return fail("bad number: digits must follow the exponent");
            }
            while (i_ < s_.size() && digit(s_[i_])) {
                ++i_;
            }
        }
        out.assign(s_.substr(start, i_ - start));
        return {};
    }

    bool hex4(uint32_t& cp) {
        if (i_ + 4 > s_.size()) {
            return false;
        }
        cp = 0;
        for (int n = 0; n < 4; ++n) {
            char c = s_[i_++];
            cp <<= 4;
            if (c >= '0' && c <= '9') {
                cp |= static_cast<uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                cp |= static_cast<uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                cp |= static_cast<uint32_t>(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return true;
    }

    status string(std::string& out) {
        ++i_;  // "
        out.clear();
        while (i_ < s_.size()) {
            char c = s_[i_++];
            if (c == '"') {
                return {};
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return fail("control character in a string (escape it)");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) {
                break;
            }
            char e = s_[i_++];
            if (e != 'u') {
                const char plain = json_escaped_char(e);
                if (plain == '\0') {
                    return fail(std::string("bad escape \\") + e);
                }
                out += plain;
                continue;
            }
            uint32_t cp = 0;
            if (!hex4(cp)) {
                return fail("bad \\u escape");
            }
            if (cp >= 0xD800 && cp < 0xDC00) {
                uint32_t lo = 0;
                if (!literal("\\u") || !hex4(lo) || lo < 0xDC00 || lo >= 0xE000) {
                    return fail("unpaired surrogate in a \\u escape");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                return fail("unpaired surrogate in a \\u escape");
            }
            append_utf8(out, cp);
        }
        return fail("unterminated string");
    }

    std::string_view s_;
    size_t i_ = 0;
};

void write(std::string& out, const json& v) {
    switch (v.k) {
        case json::kind::null:
            out += "null";
            return;
        case json::kind::boolean:
            out += v.b ? "true" : "false";
            return;
        case json::kind::number:
            out += v.text;
            return;
        case json::kind::string:
            formats::append_json_string(out, v.text);
            return;
        case json::kind::array:
            out += '[';
            for (size_t i = 0; i < v.items.size(); ++i) {
                if (i > 0) {
                    out += ',';
                }
                write(out, v.items[i]);
            }
            out += ']';
            return;
        case json::kind::object:
            out += '{';
            for (size_t i = 0; i < v.members.size(); ++i) {
                if (i > 0) {
                    out += ',';
                }
                formats::append_json_string(out, v.members[i].first);
                out += ':';
                write(out, v.members[i].second);
            }
            out += '}';
            return;
    }
}

}  // namespace

result<json> parse_json(std::string_view text) {
    return reader(text).document();
}

std::string to_json(const json& v) {
    std::string out;
    write(out, v);
    return out;
}

bool same_json(const json& a, const json& b) {
    if (a.k != b.k) {
        return false;
    }
    switch (a.k) {
        case json::kind::null:
            return true;
        case json::kind::boolean:
            return a.b == b.b;
        case json::kind::number:
        case json::kind::string:
            return a.text == b.text;
        case json::kind::array:
            if (a.items.size() != b.items.size()) {
                return false;
            }
            for (size_t i = 0; i < a.items.size(); ++i) {
                if (!same_json(a.items[i], b.items[i])) {
                    return false;
                }
            }
            return true;
        case json::kind::object:
            if (a.members.size() != b.members.size()) {
                return false;
            }
            for (size_t i = 0; i < a.members.size(); ++i) {
                if (a.members[i].first != b.members[i].first ||
                    !same_json(a.members[i].second, b.members[i].second)) {
                    return false;
                }
            }
            return true;
    }
    return false;
}

namespace {

std::string first_difference(const json& e, const json& a, const std::string& path) {
    auto both = [&] { return ": expected " + to_json(e) + ", actual " + to_json(a); };
    if (e.k != a.k) {
        return path + both();
    }
    if (e.k == json::kind::array) {
        for (size_t i = 0; i < std::min(e.items.size(), a.items.size()); ++i) {
            auto d = first_difference(e.items[i], a.items[i], path + "[" + std::to_string(i) + "]");
            if (!d.empty()) {
                return d;
            }
        }
        if (e.items.size() != a.items.size()) {
            return path + ": expected " + std::to_string(e.items.size()) + " elements, actual " +
                   std::to_string(a.items.size());
        }
        return {};
    }
    if (e.k == json::kind::object) {
        for (size_t i = 0; i < std::max(e.members.size(), a.members.size()); ++i) {
            if (i >= e.members.size()) {
                return path + ": unexpected member \"" + a.members[i].first + "\"";
            }
            if (i >= a.members.size()) {
                return path + ": missing member \"" + e.members[i].first + "\"";
            }
            if (e.members[i].first != a.members[i].first) {
                return path + ": member " + std::to_string(i) + " is \"" + a.members[i].first +
                       "\", expected \"" + e.members[i].first +
                       "\" (members are compared in order)";
            }
            auto d = first_difference(e.members[i].second, a.members[i].second,
                                      path + "." + e.members[i].first);
            if (!d.empty()) {
                return d;
            }
        }
        return {};
    }
    return same_json(e, a) ? std::string() : path + both();
}

}  // namespace

std::string json_difference(const json& expected, const json& actual) {
    return first_difference(expected, actual, "$");
}

}  // namespace cs::streams::golden
