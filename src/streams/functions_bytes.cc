// Text encodings and BYTES conversions as ksqlDB's Encode, ToBytes,
// FromBytes, IntFromBytes, BigIntFromBytes and DoubleFromBytes:
//   - ENCODE(s, in, out) re-encodes text between hex, utf8, ascii and base64
//     (commons-codec: lower-case hex out; hex in may be written 0x... or
//     X'...'; base64 in is lenient, ignoring characters outside the
//     alphabet); the same encoding on both sides is an error, as in ksqlDB;
//   - TO_BYTES(s, enc) and FROM_BYTES(b, enc) convert between STRING and
//     BYTES (JDK: upper-case hex out, strict even-length hex and base64 in);
//   - ascii turns each non-ASCII character into '?' one way and each byte
//     above 0x7F into U+FFFD the other, as Java's US_ASCII charset;
//   - INT_FROM_BYTES / BIGINT_FROM_BYTES / DOUBLE_FROM_BYTES read exactly
//     4, 8 or 8 bytes, big-endian unless 'LITTLE_ENDIAN' is given; another
//     length is an error.
// Unknown encodings and malformed input are errors (the record goes to
// the DLQ).

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/strings.h"
#include "streams/function_support.h"
#include "streams/serde_text.h"
#include "streams/utf8.h"

namespace cs::streams::fn {

namespace {

enum class encoding { hex, utf8, ascii, base64 };

result<encoding> parse_encoding(const std::string& name) {
    const std::string n = ascii_lower(name);
    if (n == "hex") {
        return encoding::hex;
    }
    if (n == "utf8") {
        return encoding::utf8;
    }
    if (n == "ascii") {
        return encoding::ascii;
    }
    if (n == "base64") {
        return encoding::base64;
    }
    return error{errc::invalid_argument,
                 fmt::format("Unknown encoding type '{}'. Supported formats are 'hex', 'utf8', "
                             "'ascii', and 'base64'.",
                             name)};
}

result<std::string> hex_decode(std::string_view s) {
    if (s.size() % 2 != 0) {
        return error{errc::invalid_argument, "hex: odd number of characters"};
    }
    std::string out;
    out.reserve(s.size() / 2);
    for (size_t i = 0; i < s.size(); i += 2) {
        const int hi = hex_digit(s[i]);
        const int lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) {
            return error{errc::invalid_argument,
                         fmt::format("hex: illegal character at index {}", hi < 0 ? i : i + 1)};
        }
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::string hex_encode(std::string_view bytes, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

// Java's String.getBytes(US_ASCII): a non-ASCII character becomes '?'.
std::string ascii_bytes(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        const uint32_t cp = utf8::decode(s, i);
        out += cp < 0x80 ? static_cast<char>(cp) : '?';
    }
    return out;
}

// new String(bytes, US_ASCII / UTF_8): bytes that are not the charset's
// become U+FFFD.
std::string decode_text(std::string_view bytes, bool ascii) {
    std::string out;
    for (size_t i = 0; i < bytes.size();) {
        if (ascii) {
            const auto b = static_cast<unsigned char>(bytes[i++]);
            append_utf8(out, b < 0x80 ? b : 0xFFFD);
        } else {
            append_utf8(out, utf8::decode(bytes, i));
        }
    }
    return out;
}

// java.util.Base64's basic decoder: padding optional, anything else strict.
result<std::string> base64_strict(std::string_view s) {
    std::string padded(s);
    while (padded.size() % 4 != 0) {
        padded += '=';
    }
    return serde_detail::decode_base64(padded);
}

// commons-codec's Base64.decodeBase64: the URL-safe alphabet too, and any
// other character skipped; decoding stops at the first '='.
result<std::string> base64_lenient(std::string_view s) {
    std::string clean;
    for (const char c : s) {
        if (c == '=') {
            break;
        }
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') {
            clean += c;
        } else if (c == '-' || c == '_') {
            clean += c == '-' ? '+' : '/';
        }
    }
    if (clean.size() % 4 == 1) {
        clean.pop_back();  // a lone 6 bits make no byte
    }
    return base64_strict(clean);
}

std::string base64(std::string_view bytes) {
    std::string out;
    serde_detail::append_base64(out, bytes);
    return out;
}

// Encode.hexStrip: "0x..." (an odd count of digits gets a leading 0) and
// "X'...'" lose their wrapping.
std::string hex_strip(const std::string& s) {
    if (s.starts_with("0x")) {
        return s.size() % 2 != 0 ? "0" + s.substr(2) : s.substr(2);
    }
    if (s.size() >= 3 && (s[0] == 'x' || s[0] == 'X') && s[1] == '\'' && s.back() == '\'') {
        return s.substr(2, s.size() - 3);
    }
    return s;
}

// The bytes that s holds in encoding enc. ENCODE reads as commons-codec
// (lenient: hex_strip, lenient base64), TO_BYTES as the JDK (strict).
result<std::string> text_to_bytes(const std::string& s, encoding enc, bool lenient) {
    switch (enc) {
        case encoding::hex:
            return hex_decode(lenient ? hex_strip(s) : s);
        case encoding::utf8:
            return s;
        case encoding::ascii:
            return ascii_bytes(s);
        case encoding::base64:
            return lenient ? base64_lenient(s) : base64_strict(s);
    }
    return std::string();
}

// bytes as text in encoding enc (hex in upper case from FROM_BYTES, lower
// from ENCODE).
std::string bytes_to_text(std::string_view bytes, encoding enc, bool upper_hex) {
    switch (enc) {
        case encoding::hex:
            return hex_encode(bytes, upper_hex);
        case encoding::base64:
            return base64(bytes);
        case encoding::utf8:
        case encoding::ascii:
            break;
    }
    return decode_text(bytes, enc == encoding::ascii);
}

result<value> encode(std::span<const value> a, const sql_type&) {
    auto from = parse_encoding(a[1].as_string());
    auto to = parse_encoding(a[2].as_string());
    if (!from || !to || *from == *to) {
        return error{errc::invalid_argument,
                     "Supported input and output encodings are: hex, utf8, ascii and base64"};
    }
    auto bytes = text_to_bytes(a[0].as_string(), *from, true);
    if (!bytes) {
        return bytes.take_error();
    }
    return value(bytes_to_text(*bytes, *to, false));
}

result<value> to_bytes(std::span<const value> a, const sql_type&) {
    auto enc = parse_encoding(a[1].as_string());
    if (!enc) {
        return enc.take_error();
    }
    auto bytes = text_to_bytes(a[0].as_string(), *enc, false);
    if (!bytes) {
        return error{errc::invalid_argument,
                     fmt::format("TO_BYTES: not {}: {}", a[1].as_string(), bytes.err().message)};
    }
    return value(bytes_value{std::move(*bytes)});
}

result<value> from_bytes(std::span<const value> a, const sql_type&) {
    auto enc = parse_encoding(a[1].as_string());
    if (!enc) {
        return enc.take_error();
    }
    return value(bytes_to_text(a[0].as_bytes().data, *enc, true));
}

// The n bytes of a[0] in big-endian order (reversed from little-endian).
result<uint64_t> read_number(std::span<const value> a, size_t n) {
    const std::string& b = a[0].as_bytes().data;
    if (b.size() != n) {
        return error{errc::invalid_argument,
                     fmt::format("Number of bytes must be equal to {}, but found {}", n, b.size())};
    }
    bool little = false;
    if (a.size() > 1) {
        const std::string order = ascii_lower(a[1].as_string());
        if (order != "big_endian" && order != "little_endian") {
            return error{errc::invalid_argument,
                         fmt::format("Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown "
                                     "byte order '{}'.",
                                     a[1].as_string())};
        }
        little = order == "little_endian";
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        const auto byte = static_cast<unsigned char>(b[little ? n - 1 - i : i]);
        v = v << 8 | byte;
    }
    return v;
}

result<value> int_from_bytes(std::span<const value> a, const sql_type&) {
    auto v = read_number(a, 4);
    if (!v) {
        return v.take_error();
    }
    return value(static_cast<int32_t>(static_cast<uint32_t>(*v)));
}

result<value> bigint_from_bytes(std::span<const value> a, const sql_type&) {
    auto v = read_number(a, 8);
    if (!v) {
        return v.take_error();
    }
    return value(static_cast<int64_t>(*v));
}

result<value> double_from_bytes(std::span<const value> a, const sql_type&) {
    auto v = read_number(a, 8);
    if (!v) {
        return v.take_error();
    }
    return value(std::bit_cast<double>(*v));
}

bool strings(std::span<const sql_type> t) {
    return std::all_of(t.begin(), t.end(),
                       [](const sql_type& x) { return is(x, type_kind::string); });
}

}  // namespace

void register_bytes_functions(registry& r) {
    r.add("ENCODE", {"ENCODE(STRING, STRING input_encoding, STRING output_encoding) -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 3 || !strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &encode);
          });
    r.add("TO_BYTES", {"TO_BYTES(STRING, STRING encoding) -> BYTES"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !strings(t)) {
                  return no_match();
              }
              return make_simple(sql_type::bytes(), &to_bytes);
          });
    r.add("FROM_BYTES", {"FROM_BYTES(BYTES, STRING encoding) -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::bytes) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &from_bytes);
          });
    auto number = [&r](const char* name, call_fn f, sql_type ret) {
        r.add(name,
              {fmt::format("{}(BYTES) -> {}", name, ret.to_string()),
               fmt::format("{}(BYTES, STRING byte_order)", name)},
              [f, ret](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (t.empty() || t.size() > 2 || !is(t[0], type_kind::bytes) ||
                      (t.size() == 2 && !is(t[1], type_kind::string))) {
                      return no_match();
                  }
                  return make_simple(ret, f);
              });
    };
    number("INT_FROM_BYTES", &int_from_bytes, sql_type::integer());
    number("BIGINT_FROM_BYTES", &bigint_from_bytes, sql_type::bigint());
    number("DOUBLE_FROM_BYTES", &double_from_bytes, sql_type::double_());
}

}  // namespace cs::streams::fn
