// CHR, ELT, FIELD and SPLIT_TO_MAP, as ksqlDB's Chr, Elt, Field and
// SplitToMap:
//   - CHR(n) is the character of code point n (NULL when n is none);
//     CHR('\u004b') unescapes Java escapes in a string that starts with
//     "\u" and is at least 6 characters long (NULL otherwise);
//   - ELT(n, s1, s2, ...) is the n-th string, 1-based, NULL out of range;
//     FIELD(s, s1, s2, ...) the position of s among them, 0 when absent or
//     when s is NULL;
//   - SPLIT_TO_MAP(s, entry_delimiter, kv_delimiter): empty entries and
//     entries without the kv delimiter are skipped, a value stops at the
//     next kv delimiter, a repeated key keeps its last value; NULL for an
//     empty or equal pair of delimiters.

#include <fmt/format.h>

#include "base/strings.h"
#include "streams/function_support.h"

namespace cs::streams::fn {

namespace {

bool valid_code_point(int64_t cp) {
    return cp >= 0 && cp <= 0x10FFFF;
}

// UTF-16 code units to UTF-8: a pair is one character, a lone surrogate
// U+FFFD (what encoding a Java string with one gives).
std::string from_utf16(const std::vector<uint32_t>& units) {
    std::string out;
    for (size_t i = 0; i < units.size(); ++i) {
        uint32_t u = units[i];
        if (u >= 0xD800 && u < 0xDC00 && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
            units[i + 1] < 0xE000) {
            append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00));
            ++i;
        } else {
            append_utf8(out, u >= 0xD800 && u < 0xE000 ? 0xFFFD : u);
        }
    }
    return out;
}

// commons-text StringEscapeUtils.unescapeJava: \\ \" \' \n \t \b \f \r,
// octal \0 to \377, \uXXXX (also \uuuuXXXX and \u+XXXX); any other
// backslash stays as it is. Fewer than four hex digits is an error.
result<std::string> unescape_java(std::string_view s) {
    std::vector<uint32_t> units;
    auto flush_ascii = [&](char c) { units.push_back(static_cast<unsigned char>(c)); };
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            if (static_cast<unsigned char>(s[i]) < 0x80) {
                flush_ascii(s[i]);
                continue;
            }
            // A non-ASCII character of the input: its UTF-8 bytes as is.
            size_t j = i;
            uint32_t cp = static_cast<unsigned char>(s[j]);
            int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
            cp &= more == 3 ? 0x07 : more == 2 ? 0x0F : 0x1F;
            for (int k = 0; k < more && j + 1 < s.size(); ++k) {
                cp = (cp << 6) | (static_cast<unsigned char>(s[++j]) & 0x3F);
            }
            i = j;
            if (cp >= 0x10000) {
                units.push_back(0xD800 + ((cp - 0x10000) >> 10));
                units.push_back(0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else {
                units.push_back(cp);
            }
            continue;
        }
        const char e = s[i + 1];
        if (e == 'u') {
            size_t j = i + 1;
            while (j < s.size() && s[j] == 'u') {
                ++j;
            }
            if (j < s.size() && s[j] == '+') {
                ++j;
            }
            uint32_t v = 0;
            for (int k = 0; k < 4; ++k, ++j) {
                const int d = j < s.size() ? hex_digit(s[j]) : -1;
                if (d < 0) {
                    return error{errc::invalid_argument,
                                 fmt::format("Less than 4 hex digits in unicode value: '{}'",
                                             s.substr(i, std::min(j + 1, s.size()) - i))};
                }
                v = v * 16 + static_cast<uint32_t>(d);
            }
            units.push_back(v);
            i = j - 1;
            continue;
        }
        if (e >= '0' && e <= '7') {
            size_t j = i + 1;
            uint32_t v = 0;
            const size_t max_digits = e <= '3' ? 3 : 2;
            for (size_t k = 0; k < max_digits && j < s.size() && s[j] >= '0' && s[j] <= '7';
                 ++k, ++j) {
                v = v * 8 + static_cast<uint32_t>(s[j] - '0');
            }
            units.push_back(v);
            i = j - 1;
            continue;
        }
        static constexpr std::string_view from = "\\\"'ntbfr";
        static constexpr std::string_view to = "\\\"'\n\t\b\f\r";
        if (size_t k = from.find(e); k != std::string_view::npos) {
            flush_ascii(to[k]);
            ++i;
        } else {
            flush_ascii('\\');
        }
    }
    return from_utf16(units);
}

result<value> chr_code(std::span<const value> a, const sql_type&) {
    const int64_t cp = a[0].as_int();
    if (!valid_code_point(cp)) {
        return value();
    }
    if (cp >= 0xD800 && cp < 0xE000) {
        return value(std::string("\xEF\xBF\xBD"));  // a lone surrogate
    }
    std::string out;
    append_utf8(out, static_cast<uint32_t>(cp));
    return value(std::move(out));
}

result<value> chr_escape(std::span<const value> a, const sql_type&) {
    const std::string& s = a[0].as_string();
    if (s.size() < 6 || !s.starts_with("\\u")) {
        return value();
    }
    auto out = unescape_java(s);
    if (!out) {
        return out.take_error();
    }
    return value(std::move(*out));
}

result<value> elt(std::span<const value> a, const sql_type&) {
    if (a[0].is_null()) {
        return value();
    }
    const int64_t n = a[0].as_int();
    if (n < 1 || n >= static_cast<int64_t>(a.size())) {
        return value();
    }
    return a[static_cast<size_t>(n)];
}

result<value> field(std::span<const value> a, const sql_type&) {
    if (a[0].is_null()) {
        return value(int32_t{0});
    }
    for (size_t i = 1; i < a.size(); ++i) {
        if (!a[i].is_null() && a[i].as_string() == a[0].as_string()) {
            return value(static_cast<int32_t>(i));
        }
    }
    return value(int32_t{0});
}

result<value> split_to_map(std::span<const value> a, const sql_type&) {
    const std::string& s = a[0].as_string();
    const std::string& entry = a[1].as_string();
    const std::string& kv = a[2].as_string();
    if (entry.empty() || kv.empty() || entry == kv) {
        return value();
    }
    value_map out;
    size_t pos = 0;
    while (pos <= s.size()) {
        size_t end = s.find(entry, pos);
        if (end == std::string::npos) {
            end = s.size();
        }
        std::string_view e(s.data() + pos, end - pos);
        pos = end + entry.size();
        size_t sep = e.find(kv);
        if (e.empty() || sep == std::string_view::npos) {
            continue;
        }
        std::string_view rest = e.substr(sep + kv.size());
        map_put(out, std::string(e.substr(0, sep)),
                value(std::string(rest.substr(0, rest.find(kv)))));
    }
    return value::map(std::move(out));
}

bool all_strings(std::span<const sql_type> t) {
    return std::all_of(t.begin(), t.end(),
                       [](const sql_type& x) { return is(x, type_kind::string); });
}

}  // namespace

void register_text_functions(registry& r) {
    r.add("CHR", {"CHR(INTEGER code_point) -> STRING", "CHR(STRING '\\uXXXX') -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() == 1 && is(t[0], type_kind::integer)) {
                  return make_simple(sql_type::string(), &chr_code);
              }
              if (t.size() == 1 && is(t[0], type_kind::string)) {
                  return make_simple(sql_type::string(), &chr_escape);
              }
              return no_match();
          });
    r.add("ELT", {"ELT(INTEGER n, STRING, ...) -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty() || !is(t[0], type_kind::integer) || !all_strings(t.subspan(1))) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &elt, false);
          });
    r.add("FIELD", {"FIELD(STRING, STRING, ...) -> INTEGER"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty() || !all_strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::integer(), &field, false);
          });
    r.add("SPLIT_TO_MAP",
          {"SPLIT_TO_MAP(STRING, STRING entry_delimiter, STRING kv_delimiter) -> MAP<STRING, "
           "STRING>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 3 || !all_strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::map(sql_type::string()), &split_to_map);
          });
}

}  // namespace cs::streams::fn
