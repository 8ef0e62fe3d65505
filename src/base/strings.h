#pragma once

// Small text helpers: trimming blanks and splitting comma-separated lists
// the way Kafka's ConfigDef reads a LIST value (config readers), hex digits
// and UTF-8 encoding (the hand-written text decoders), whole-string
// integers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

// Without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view s);

// Without leading and trailing characters up to ' ' (Java's String.trim,
// which Kafka's ConfigDef applies to every value it parses).
std::string_view trim_java(std::string_view s);

// A BOOLEAN config value as Kafka's ConfigDef reads one: trimmed, "true" or
// "false" in any case; nullopt for anything else.
std::optional<bool> parse_config_boolean(std::string_view s);

// "a, b,,c " -> {"a", "b", "c"}: items trimmed, empty ones dropped.
std::vector<std::string> split_list(std::string_view s, char sep = ',');

// The whole of s as a decimal integer (an optional '-', digits; nothing
// else, no blanks), or nullopt.
std::optional<int64_t> parse_int64(std::string_view s);

// The value of a hex digit (0-9, a-f, A-F), or -1.
int hex_digit(char c);

// The character a JSON escape (backslash, e) stands for when e is one of
// b f n r t (control characters) or the quote, backslash or slash (e
// itself); NUL for any other e (u and invalid escapes are the caller's).
char json_escaped_char(char e);

// Appends code point cp (at most 0x10FFFF) as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace cs
