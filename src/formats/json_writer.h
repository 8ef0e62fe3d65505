#pragma once

// Writing JSON text by appending to a std::string: the hot path of every tool
// and sink that emits JSON (consume --formatter json, generate, the DLQ), so
// no DOM and no allocation beyond the output buffer's growth.

#include <cstdint>
#include <string>
#include <string_view>

namespace cs::formats {

// Appends s as a JSON string literal, quotes included. Control characters,
// '"' and '\\' are escaped; valid UTF-8 is kept as is; each byte of an
// invalid UTF-8 sequence becomes U+FFFD, so the output is always valid JSON
// (record keys and values are arbitrary bytes).
void append_json_string(std::string& out, std::string_view s);

// True when s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Incremental writer for one object: {"a":1,"b":"x"}. Keys are escaped.
class json_object_writer {
  public:
    explicit json_object_writer(std::string& out) : out_(out) { out_ += '{'; }
    json_object_writer& string(std::string_view key, std::string_view value);
    json_object_writer& number(std::string_view key, int64_t value);
    json_object_writer& number(std::string_view key, double value);
    json_object_writer& boolean(std::string_view key, bool value);
    json_object_writer& null(std::string_view key);
    // value must already be valid JSON text (a nested object, array, ...).
    json_object_writer& raw(std::string_view key, std::string_view json);
    void close() { out_ += '}'; }

  private:
    void key(std::string_view k);
    std::string& out_;
    bool first_ = true;
};

}  // namespace cs::formats
