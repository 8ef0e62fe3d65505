// REGEXP_EXTRACT(pattern, string[, group]), REGEXP_EXTRACT_ALL, REGEXP_REPLACE(string,
// pattern, replacement) and REGEXP_SPLIT_TO_ARRAY(string, pattern). Patterns are ECMAScript regexes
// (std::regex), which agree with Java's syntax for the common subset (classes, \d \w \s, groups,
// (?:...), lookahead, quantifiers, anchors); Java-only syntax (named groups,
// possessive quantifiers, \p{...}, lookbehind) is rejected as an invalid pattern.
// Java's inline flags are taken at the start of a pattern: (?i) (ASCII
// case-insensitive, as Java without UNICODE_CASE) and (?m); others, and
// flags further in, are rejected.
//
// Java matches characters: the pattern and the text are decoded to code
// points (std::wregex; wchar_t is 32 bits here), so '.' and [^ ] take one
// character and an empty match falls between characters. \w, \d, \s and
// case-insensitivity stay ASCII (the "C" locale), as in Java by default.
//
// Compiling a std::regex is expensive, so each thread keeps its last few
// compiled patterns (a per-thread cache needs no lock and a pattern column
// that is constant per query hits it every time).

#include <optional>
#include <regex>

#include <fmt/format.h>

#include "base/strings.h"
#include "streams/function_support.h"
#include "streams/utf8.h"

namespace cs::streams::fn {

namespace {

static_assert(sizeof(wchar_t) == 4, "std::wregex over code points needs a 32-bit wchar_t");

std::wstring widen(std::string_view s) {
    std::wstring out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        out += static_cast<wchar_t>(utf8::decode(s, i));
    }
    return out;
}

template <class It>
std::string narrow(It begin, It end) {
    std::string out;
    for (It it = begin; it != end; ++it) {
        append_utf8(out, static_cast<uint32_t>(*it));
    }
    return out;
}

struct cached_regex {
    std::string pattern;
    std::shared_ptr<const std::wregex> re;
};

// Java's inline flags at the start of the pattern ("(?i)", "(?im)",
// "(?-i)"): the syntax options and what follows them.
result<std::pair<std::regex::flag_type, std::string_view>> leading_flags(std::string_view pattern) {
    std::regex::flag_type flags = std::regex::ECMAScript;
    while (pattern.starts_with("(?")) {
        const size_t close = pattern.find(')');
        const std::string_view letters =
            pattern.substr(2, close == std::string_view::npos ? 0 : close - 2);
        if (letters.empty() ||
            letters.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") !=
                std::string_view::npos) {
            break;  // a group such as (?:...) or (?=...)
        }
        bool on = true;
        for (const char c : letters) {
            if (c == '-') {
                on = false;
            } else if (c == 'i' || c == 'm') {
                const auto f = c == 'i' ? std::regex::icase : std::regex::multiline;
                flags = on ? flags | f : flags & ~f;
            } else {
                return error{
                    errc::invalid_argument,
                    fmt::format(
                        "Invalid regular expression '{}': inline flag '{}' is not supported",
                        pattern, c)};
            }
        }
        pattern.remove_prefix(close + 1);
    }
    return std::pair{flags, pattern};
}

result<std::shared_ptr<const std::wregex>> compiled(const std::string& pattern) {
    thread_local std::vector<cached_regex> cache;  // most recently used first
    for (size_t i = 0; i < cache.size(); ++i) {
        if (cache[i].pattern == pattern) {
            if (i != 0) {
                std::swap(cache[i], cache[0]);
            }
            return cache[0].re;
        }
    }
    auto flags = leading_flags(pattern);
    if (!flags) {
        return flags.take_error();
    }
    std::shared_ptr<const std::wregex> re;
    try {
        re = std::make_shared<const std::wregex>(widen(flags->second), flags->first);
    } catch (const std::regex_error& e) {
        return error{errc::invalid_argument,
                     fmt::format("Invalid regular expression '{}': {}", pattern, e.what())};
    }
    constexpr size_t capacity = 8;
    if (cache.size() == capacity) {
        cache.pop_back();
    }
    cache.insert(cache.begin(), cached_regex{pattern, re});
    return re;
}

// The arguments of REGEXP_EXTRACT[_ALL](pattern, s[, group]); nullopt when
// group is beyond the pattern's groups (RegexpExtract.java: NULL).
struct extract_args {
    std::shared_ptr<const std::wregex> re;
    std::wstring s;
    int64_t group = 0;
};
result<std::optional<extract_args>> read_extract_args(std::span<const value> a) {
    auto re = compiled(a[0].as_string());
    if (!re) {
        return re.take_error();
    }
    const int64_t group = a.size() > 2 ? a[2].as_int() : 0;
    if (group > static_cast<int64_t>((*re)->mark_count())) {
        return std::optional<extract_args>();
    }
    return std::optional<extract_args>(extract_args{*re, widen(a[1].as_string()), group});
}

result<value> regexp_extract(std::span<const value> a, const sql_type&) {
    auto args = read_extract_args(a);
    if (!args || !*args) {
        return args ? value() : result<value>(args.take_error());
    }
    const auto& [re, s, group] = **args;
    std::wsmatch m;
    if (!std::regex_search(s, m, *re)) {
        return value();
    }
    if (group < 0) {
        return error{errc::invalid_argument,
                     fmt::format("REGEXP_EXTRACT: no group {} in '{}'", group, a[0].as_string())};
    }
    if (!m[static_cast<size_t>(group)].matched) {
        return value();
    }
    const auto& g = m[static_cast<size_t>(group)];
    return value(narrow(g.first, g.second));
}

// Java's Matcher.replaceAll replacement syntax: $n is group n, ${name} is
// not supported (no named groups), \x is a literal x.
result<std::string> expand(const std::string& replacement, const std::wsmatch& m) {
    std::string out;
    for (size_t i = 0; i < replacement.size(); ++i) {
        const char c = replacement[i];
        if (c == '\\' && i + 1 < replacement.size()) {
            out += replacement[++i];
        } else if (c == '$') {
            if (i + 1 >= replacement.size() || replacement[i + 1] < '0' ||
                replacement[i + 1] > '9') {
                return error{errc::invalid_argument,
                             fmt::format("Illegal group reference in '{}'", replacement)};
            }
            // Java takes as many digits as still name an existing group.
            size_t group = static_cast<size_t>(replacement[++i] - '0');
            while (i + 1 < replacement.size() && replacement[i + 1] >= '0' &&
                   replacement[i + 1] <= '9' &&
                   group * 10 + static_cast<size_t>(replacement[i + 1] - '0') < m.size()) {
                group = group * 10 + static_cast<size_t>(replacement[++i] - '0');
            }
            if (group >= m.size()) {
                return error{errc::invalid_argument,
                             fmt::format("No group {} for replacement '{}'", group, replacement)};
            }
            out += narrow(m[group].first, m[group].second);
        } else {
            out += c;
        }
    }
    return out;
}

result<value> regexp_replace(std::span<const value> a, const sql_type&) {
    auto re = compiled(a[1].as_string());
    if (!re) {
        return re.take_error();
    }
    const std::wstring s = widen(a[0].as_string());
    const std::string& replacement = a[2].as_string();
    std::string out;
    auto begin = std::wsregex_iterator(s.begin(), s.end(), **re);
    size_t last = 0;
    for (auto it = begin; it != std::wsregex_iterator(); ++it) {
        const std::wsmatch& m = *it;
        out += narrow(s.begin() + static_cast<std::ptrdiff_t>(last), m[0].first);
        auto piece = expand(replacement, m);
        if (!piece) {
            return piece.take_error();
        }
        out += *piece;
        last = static_cast<size_t>(m.position(0) + m.length(0));
    }
    out += narrow(s.begin() + static_cast<std::ptrdiff_t>(last), s.end());
    return value(std::move(out));
}

// RegexpExtractAll.java: every match's group (NULL where the group took no
// part); a group beyond the pattern's is NULL.
result<value> regexp_extract_all(std::span<const value> a, const sql_type&) {
    auto args = read_extract_args(a);
    if (!args || !*args) {
        return args ? value() : result<value>(args.take_error());
    }
    const auto& [re, s, group] = **args;
    value_list out;
    for (auto it = std::wsregex_iterator(s.begin(), s.end(), *re); it != std::wsregex_iterator();
         ++it) {
        if (group < 0) {
            return error{
                errc::invalid_argument,
                fmt::format("REGEXP_EXTRACT_ALL: no group {} in '{}'", group, a[0].as_string())};
        }
        const auto& g = (*it)[static_cast<size_t>(group)];
        out.push_back(g.matched ? value(narrow(g.first, g.second)) : value());
    }
    return value::array(std::move(out));
}

// RegexpSplitToArray.java: a pattern that matches the empty string splits
// as Java's Pattern.split (no leading piece for a match of nothing at the
// start, trailing empty pieces dropped); any other as Guava's Splitter
// (every piece kept).
result<value> regexp_split_to_array(std::span<const value> a, const sql_type&) {
    auto re = compiled(a[1].as_string());
    if (!re) {
        return re.take_error();
    }
    const std::wstring s = widen(a[0].as_string());
    const bool java_split = std::regex_match(std::wstring(), **re);
    std::vector<std::string> pieces;
    size_t index = 0;
    bool matched = false;
    for (auto it = std::wsregex_iterator(s.begin(), s.end(), **re); it != std::wsregex_iterator();
         ++it) {
        const auto start = static_cast<size_t>(it->position(0));
        const auto end = start + static_cast<size_t>(it->length(0));
        if (java_split && index == 0 && start == 0 && end == 0) {
            continue;
        }
        matched = true;
        pieces.push_back(narrow(s.begin() + static_cast<std::ptrdiff_t>(index),
                                s.begin() + static_cast<std::ptrdiff_t>(start)));
        index = end;
    }
    if (!matched) {
        return value::array({value(a[0].as_string())});
    }
    pieces.push_back(narrow(s.begin() + static_cast<std::ptrdiff_t>(index), s.end()));
    if (java_split) {
        while (!pieces.empty() && pieces.back().empty()) {
            pieces.pop_back();
        }
    }
    value_list out;
    for (auto& p : pieces) {
        out.emplace_back(std::move(p));
    }
    return value::array(std::move(out));
}

}  // namespace

void register_regex_functions(registry& r) {
    r.add("REGEXP_EXTRACT_ALL",
          {"REGEXP_EXTRACT_ALL(STRING pattern, STRING) -> ARRAY<STRING>",
           "REGEXP_EXTRACT_ALL(STRING pattern, STRING, INTEGER group)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if ((t.size() != 2 && t.size() != 3) || !is(t[0], type_kind::string) ||
                  !is(t[1], type_kind::string) ||
                  (t.size() == 3 && !is(t[2], type_kind::integer))) {
                  return no_match();
              }
              return make_simple(sql_type::array(sql_type::string()), &regexp_extract_all);
          });
    r.add("REGEXP_SPLIT_TO_ARRAY",
          {"REGEXP_SPLIT_TO_ARRAY(STRING, STRING pattern) -> ARRAY<STRING>"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::string) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::array(sql_type::string()), &regexp_split_to_array);
          });
    r.add("REGEXP_EXTRACT",
          {"REGEXP_EXTRACT(STRING pattern, STRING)",
           "REGEXP_EXTRACT(STRING pattern, STRING, INTEGER group)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if ((t.size() != 2 && t.size() != 3) || !is(t[0], type_kind::string) ||
                  !is(t[1], type_kind::string) ||
                  (t.size() == 3 && !is(t[2], type_kind::integer))) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &regexp_extract);
          });
    r.add("REGEXP_REPLACE", {"REGEXP_REPLACE(STRING, STRING pattern, STRING replacement)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 3 || !is(t[0], type_kind::string) || !is(t[1], type_kind::string) ||
                  !is(t[2], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &regexp_replace);
          });
}

}  // namespace cs::streams::fn
