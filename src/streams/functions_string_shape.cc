// Functions that reshape a string: LPAD, RPAD, REVERSE, INITCAP, with
// ksqlDB's rules (LPad.java, RPad.java, Reverse.java, InitCap.java).
// Lengths count characters (code points, utf8.h).

#include <algorithm>
#include <cctype>

#include "streams/function_support.h"
#include "streams/utf8.h"

namespace cs::streams::fn {

namespace {

// The first n characters of s.
std::string_view first_chars(std::string_view s, size_t n) {
    return s.substr(0, utf8::byte_offset(s, n));
}

// `count` characters of padding repeated (the last repetition cut).
std::string repeat_to(std::string_view padding, size_t count) {
    std::string out;
    const size_t per = utf8::length(padding);
    for (size_t have = 0; have < count; have += per) {
        out += first_chars(padding, std::min(per, count - have));
    }
    return out;
}

enum class side { left, right };

// LPAD/RPAD(input, length, padding): padded with padding repeated to
// length characters, or cut to length when longer; NULL when the padding is
// empty or the length negative.
template <side S>
result<value> pad(std::span<const value> a, const sql_type&) {
    const std::string& input = a[0].as_string();
    const int32_t target = a[1].as_int();
    const std::string& padding = a[2].as_string();
    if (padding.empty() || target < 0) {
        return value();
    }
    const auto want = static_cast<size_t>(target);
    const size_t have = utf8::length(input);
    if (have >= want) {
        return value(std::string(first_chars(input, want)));
    }
    std::string fill = repeat_to(padding, want - have);
    return value(S == side::left ? fill + input : input + fill);
}

result<value> reverse(std::span<const value> a, const sql_type&) {
    const std::string& s = a[0].as_string();
    std::string out;
    out.reserve(s.size());
    size_t end = s.size();
    while (end > 0) {
        size_t start = end - 1;
        while (start > 0 && utf8::is_continuation(s[start])) {
            --start;
        }
        out.append(s, start, end - start);
        end = start;
    }
    return value(std::move(out));
}

// Each word (a run after whitespace) upper-cases its first letter, the
// rest is lower-cased; ASCII case mapping, as UCASE and LCASE.
result<value> initcap(std::span<const value> a, const sql_type&) {
    std::string s = a[0].as_string();
    bool word_start = true;
    for (char& c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u)) {
            word_start = true;
            continue;
        }
        c = static_cast<char>(word_start ? std::toupper(u) : std::tolower(u));
        word_start = false;
    }
    return value(std::move(s));
}

}  // namespace

void register_string_shape_functions(registry& r) {
    auto padding = [&r](const char* name, call_fn f) {
        r.add(name, {std::string(name) + "(STRING input, INTEGER length, STRING padding)"},
              [f](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (t.size() != 3 || !is(t[0], type_kind::string) ||
                      !is(t[1], type_kind::integer) || !is(t[2], type_kind::string)) {
                      return no_match();
                  }
                  return make_simple(sql_type::string(), f);
              });
    };
    padding("LPAD", &pad<side::left>);
    padding("RPAD", &pad<side::right>);
    auto unary = [&r](const char* name, call_fn f) {
        r.add(name, {std::string(name) + "(STRING)"},
              [f](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (t.size() != 1 || !is(t[0], type_kind::string)) {
                      return no_match();
                  }
                  return make_simple(sql_type::string(), f);
              });
    };
    unary("REVERSE", &reverse);
    unary("INITCAP", &initcap);
}

}  // namespace cs::streams::fn
