// String functions: SUBSTRING, CONCAT, CONCAT_WS, UCASE, LCASE, TRIM,
// REPLACE, LEN, SPLIT, INSTR, MASK*. Semantics follow ksqlDB's UDFs
// (ksqldb-engine .../function/udf/string); positions count code points (utf8.h).

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "base/strings.h"
#include "streams/function_support.h"
#include "streams/unicode_class.h"
#include "streams/utf8.h"

namespace cs::streams::fn {

namespace {

// ksqlDB's Substring clamp: start = pos<0 ? max(len+pos,0) : max(min(pos-1,len),0);
// end = max(min(start+length,len),start).
value substring(const std::string& s, int64_t pos, std::optional<int64_t> length) {
    const bool ascii = utf8::is_ascii(s);
    const auto len = static_cast<int64_t>(ascii ? s.size() : utf8::length(s));
    const int64_t start =
        pos < 0 ? std::max<int64_t>(len + pos, 0) : std::max<int64_t>(std::min(pos - 1, len), 0);
    int64_t end = len;
    if (length) {
        // Saturate start + length so huge lengths don't overflow.
        const int64_t want = *length > len ? len + 1 : *length;
        end = std::max(std::min(start + want, len), start);
    }
    if (ascii) {
        return value(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
    }
    const size_t b = utf8::byte_offset(s, static_cast<size_t>(start));
    const size_t e = utf8::byte_offset(s, static_cast<size_t>(end));
    return value(s.substr(b, e - b));
}

result<value> substring2(std::span<const value> a, const sql_type&) {
    return substring(a[0].as_string(), a[1].as_int(), std::nullopt);
}
result<value> substring3(std::span<const value> a, const sql_type&) {
    return substring(a[0].as_string(), a[1].as_int(), a[2].as_int());
}

bool all_strings(std::span<const sql_type> t, size_t from = 0) {
    for (size_t i = from; i < t.size(); ++i) {
        if (!is(t[i], type_kind::string)) {
            return false;
        }
    }
    return true;
}

// CONCAT skips NULL arguments (ksqlDB's Concat filters them out).
result<value> concat(std::span<const value> a, const sql_type&) {
    std::string out;
    for (const value& v : a) {
        if (!v.is_null()) {
            out += v.as_string();
        }
    }
    return value(std::move(out));
}

// CONCAT_WS: NULL separator gives NULL; NULL elements are skipped.
result<value> concat_ws(std::span<const value> a, const sql_type&) {
    if (a[0].is_null()) {
        return value();
    }
    const std::string& sep = a[0].as_string();
    std::string out;
    bool first = true;
    for (size_t i = 1; i < a.size(); ++i) {
        if (a[i].is_null()) {
            continue;
        }
        if (!first) {
            out += sep;
        }
        first = false;
        out += a[i].as_string();
    }
    return value(std::move(out));
}

// ASCII case mapping (Java's default-locale mapping differs only outside ASCII).
result<value> ucase(std::span<const value> a, const sql_type&) {
    std::string s = a[0].as_string();
    for (char& c : s) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return value(std::move(s));
}
result<value> lcase(std::span<const value> a, const sql_type&) {
    std::string s = a[0].as_string();
    for (char& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return value(std::move(s));
}

// Java's String.trim: strips characters <= ' ' from both ends.
result<value> trim(std::span<const value> a, const sql_type&) {
    const std::string& s = a[0].as_string();
    size_t b = 0;
    size_t e = s.size();
    while (b < e && static_cast<unsigned char>(s[b]) <= ' ') {
        ++b;
    }
    while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') {
        --e;
    }
    return value(s.substr(b, e - b));
}

// Java's String.replace(CharSequence, CharSequence): an empty target puts the
// replacement between every character and at both ends.
result<value> replace(std::span<const value> a, const sql_type&) {
    const std::string& s = a[0].as_string();
    const std::string& from = a[1].as_string();
    const std::string& to = a[2].as_string();
    std::string out;
    if (from.empty()) {
        out += to;
        for (size_t i = 0; i < s.size(); ++i) {
            out += s[i];
            if (i + 1 == s.size() || !utf8::is_continuation(s[i + 1])) {
                out += to;
            }
        }
        return value(std::move(out));
    }
    size_t pos = 0;
    while (true) {
        const size_t hit = s.find(from, pos);
        if (hit == std::string::npos) {
            break;
        }
        out.append(s, pos, hit - pos);
        out += to;
        pos = hit + from.size();
    }
    out.append(s, pos);
    return value(std::move(out));
}

result<value> len(std::span<const value> a, const sql_type&) {
    return value(static_cast<int32_t>(utf8::length(a[0].as_string())));
}

// SPLIT keeps empty tokens (leading, trailing, between adjacent delimiters);
// an empty delimiter splits into characters.
result<value> split(std::span<const value> a, const sql_type&) {
    const std::string& s = a[0].as_string();
    const std::string& delim = a[1].as_string();
    value_list out;
    if (delim.empty()) {
        size_t start = 0;
        for (size_t i = 1; i <= s.size(); ++i) {
            if (i == s.size() || !utf8::is_continuation(s[i])) {
                out.emplace_back(s.substr(start, i - start));
                start = i;
            }
        }
        if (s.empty()) {
            out.emplace_back(std::string());
        }
        return value::array(std::move(out));
    }
    size_t pos = 0;
    while (true) {
        const size_t hit = s.find(delim, pos);
        if (hit == std::string::npos) {
            out.emplace_back(s.substr(pos));
            break;
        }
        out.emplace_back(s.substr(pos, hit - pos));
        pos = hit + delim.size();
    }
    return value::array(std::move(out));
}

// INSTR(string, substring[, position[, occurrence]]) as Instr.java: 0 when
// |position| > length; else the 1-based position of the occurrence-th
// (overlapping) match in Commons' substring(string, position - 1), or, for a
// negative position, in the reversed string searched from -position. 0 when
// there is none.
template <class S>
int32_t instr(const S& str, const S& sub, int64_t position, int64_t occurrence) {
    const auto n = static_cast<int64_t>(str.size());
    const auto m = static_cast<int64_t>(sub.size());
    if (position > n || position < -n) {
        return 0;
    }
    // StringUtils.ordinalIndexOf(substring(hay, start), needle, occurrence).
    auto find = [occurrence](const S& hay, int64_t start, const S& needle) -> int64_t {
        const auto size = static_cast<int64_t>(hay.size());
        start = std::clamp<int64_t>(start < 0 ? start + size : start, 0, size);
        if (occurrence <= 0) {
            return -1;
        }
        if (needle.empty()) {
            return 0;
        }
        size_t from = static_cast<size_t>(start);
        for (int64_t k = 1;; ++k, ++from) {
            from = hay.find(needle, from);
            if (from == S::npos) {
                return -1;
            }
            if (k == occurrence) {
                return static_cast<int64_t>(from) - start;
            }
        }
    };
    if (position < 0) {
        const S reversed(str.rbegin(), str.rend());
        const int64_t i = find(reversed, -position - 1, S(sub.rbegin(), sub.rend()));
        return i < 0 ? 0 : static_cast<int32_t>(n + position - i - m + 2);
    }
    const int64_t i = find(str, position - 1, sub);
    return i < 0 ? 0 : static_cast<int32_t>(i + position);
}

// A NULL string or substring gives 0 (Instr.java returns int).
result<value> instr_fn(std::span<const value> a, const sql_type&) {
    for (size_t i = 2; i < a.size(); ++i) {
        if (a[i].is_null()) {
            return value();
        }
    }
    if (a[0].is_null() || a[1].is_null()) {
        return value(int32_t{0});
    }
    const int64_t position = a.size() > 2 ? a[2].as_int() : 1;
    const int64_t occurrence = a.size() > 3 ? a[3].as_int() : 1;
    const std::string& s = a[0].as_string();
    const std::string& sub = a[1].as_string();
    if (utf8::is_ascii(s) && utf8::is_ascii(sub)) {
        return value(instr(s, sub, position, occurrence));
    }
    return value(instr(utf8::code_points(s), utf8::code_points(sub), position, occurrence));
}

// MASK family (ksqlDB's Masker): each character is classified as Java's
// Character.getType does (unicode_class.h); upper-case letters -> 'X',
// lower-case -> 'x', decimal digits -> 'n', anything else -> '-'. The
// replacement characters can be given as extra arguments, NULL keeping that
// class unmasked; a replacement that is not exactly one character is an error.
// Indexed by unicode::char_class (upper, lower, digit, other).
using mask_chars = std::array<std::optional<uint32_t>, 4>;
constexpr mask_chars default_masks = {'X', 'x', 'n', '-'};

// Masks characters [from, to) (code point indices) of s.
std::string mask_range(const std::string& s, size_t from, size_t to, const mask_chars& m) {
    std::string out;
    out.reserve(s.size());
    size_t index = 0;
    for (size_t i = 0; i < s.size(); ++index) {
        const size_t start = i;
        const uint32_t cp = utf8::decode(s, i);
        const std::optional<uint32_t> r = index >= from && index < to
                                              ? m[static_cast<size_t>(unicode::classify(cp))]
                                              : std::nullopt;
        if (r) {
            append_utf8(out, *r);
        } else {
            out.append(s, start, i - start);
        }
    }
    return out;
}

// Replacement characters from the arguments after `first` (NULL: keep).
// Like Masker.getMaskCharacter, a mask must be one (UTF-16) character.
result<mask_chars> mask_args(std::span<const value> a, size_t first) {
    mask_chars m = default_masks;
    for (size_t i = first, k = 0; i < a.size() && k < m.size(); ++i, ++k) {
        if (a[i].is_null()) {
            m[k] = std::nullopt;
            continue;
        }
        const std::string& mask = a[i].as_string();
        size_t end = 0;
        const uint32_t cp = mask.empty() ? 0 : utf8::decode(mask, end);
        if (mask.empty() || end != mask.size() || cp > 0xFFFF) {
            return error{errc::invalid_argument,
                         fmt::format("Invalid mask character. Must be only single character, "
                                     "but was '{}'",
                                     mask)};
        }
        m[k] = cp;
    }
    return m;
}

enum class mask_kind { all, left, right, keep_left, keep_right };

constexpr const char* mask_name(mask_kind k) {
    switch (k) {
        case mask_kind::left:
            return "mask_left";
        case mask_kind::right:
            return "mask_right";
        case mask_kind::keep_left:
            return "mask_keep_left";
        case mask_kind::keep_right:
            return "mask_keep_right";
        default:
            return "mask";
    }
}

template <mask_kind K>
result<value> mask(std::span<const value> a, const sql_type&) {
    constexpr bool counted = K != mask_kind::all;
    // Masker.validateParams runs before the NULL check of the input.
    if (counted && !a[1].is_null() && a[1].as_int() < 0) {
        return error{errc::invalid_argument,
                     fmt::format("function {} requires a non-negative number of characters to "
                                 "mask or skip",
                                 mask_name(K))};
    }
    auto m = mask_args(a, counted ? 2 : 1);
    if (!m) {
        return m.take_error();
    }
    if (a[0].is_null() || (counted && a[1].is_null())) {
        return value();
    }
    const std::string& s = a[0].as_string();
    if constexpr (K == mask_kind::all) {
        return value(mask_range(s, 0, s.size(), *m));
    } else {
        const int64_t n = a[1].as_int();
        const size_t len = utf8::length(s);
        const auto count = static_cast<size_t>(std::min<int64_t>(n, static_cast<int64_t>(len)));
        switch (K) {
            case mask_kind::left:
                return value(mask_range(s, 0, count, *m));
            case mask_kind::right:
                return value(mask_range(s, len - count, len, *m));
            case mask_kind::keep_left:
                return value(mask_range(s, count, len, *m));
            default:
                return value(mask_range(s, 0, len - count, *m));
        }
    }
}

template <mask_kind K>
void add_mask(registry& r, const char* name) {
    constexpr bool counted = K != mask_kind::all;
    const std::string base =
        counted ? std::string(name) + "(STRING, INTEGER" : name + std::string("(STRING");
    r.add(name, {base + "[, STRING, STRING, STRING, STRING])"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              const size_t fixed = counted ? 2 : 1;
              if (t.size() < fixed || t.size() > fixed + 4 || !is(t[0], type_kind::string) ||
                  (counted && !is(t[1], type_kind::integer)) || !all_strings(t, fixed)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &mask<K>, false);
          });
}

}  // namespace

void register_string_functions(registry& r) {
    r.add("SUBSTRING", {"SUBSTRING(STRING, INTEGER)", "SUBSTRING(STRING, INTEGER, INTEGER)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if ((t.size() != 2 && t.size() != 3) || !is(t[0], type_kind::string) ||
                  !is(t[1], type_kind::integer) ||
                  (t.size() == 3 && !is(t[2], type_kind::integer))) {
                  return no_match();
              }
              return make_simple(sql_type::string(), t.size() == 2 ? &substring2 : &substring3);
          });
    r.add("CONCAT", {"CONCAT(STRING, ...)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty() || !all_strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &concat, false);
          });
    r.add("CONCAT_WS", {"CONCAT_WS(STRING separator, STRING, ...)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() < 2 || !all_strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &concat_ws, false);
          });
    auto unary = [&r](const char* name, call_fn f, sql_type ret) {
        r.add(name, {std::string(name) + "(STRING)"},
              [f, ret](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (t.size() != 1 || !is(t[0], type_kind::string)) {
                      return no_match();
                  }
                  return make_simple(ret, f);
              });
    };
    unary("UCASE", &ucase, sql_type::string());
    unary("LCASE", &lcase, sql_type::string());
    unary("TRIM", &trim, sql_type::string());
    unary("LEN", &len, sql_type::integer());
    r.add("REPLACE", {"REPLACE(STRING, STRING, STRING)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 3 || !all_strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &replace);
          });
    r.add("SPLIT", {"SPLIT(STRING, STRING)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !all_strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::array(sql_type::string()), &split);
          });
    r.add("INSTR",
          {"INSTR(STRING, STRING)", "INSTR(STRING, STRING, INTEGER)",
           "INSTR(STRING, STRING, INTEGER, INTEGER)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() < 2 || t.size() > 4 || !is(t[0], type_kind::string) ||
                  !is(t[1], type_kind::string)) {
                  return no_match();
              }
              for (size_t i = 2; i < t.size(); ++i) {
                  if (!is(t[i], type_kind::integer)) {
                      return no_match();
                  }
              }
              return make_simple(sql_type::integer(), &instr_fn, false);
          });
    add_mask<mask_kind::all>(r, "MASK");
    add_mask<mask_kind::left>(r, "MASK_LEFT");
    add_mask<mask_kind::right>(r, "MASK_RIGHT");
    add_mask<mask_kind::keep_left>(r, "MASK_KEEP_LEFT");
    add_mask<mask_kind::keep_right>(r, "MASK_KEEP_RIGHT");
}

}  // namespace cs::streams::fn
