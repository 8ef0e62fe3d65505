#pragma once

// Text pieces shared by the record formats (serde.h): Java's number
// spelling (ksqlDB writes values through Jackson and Java's toString), exact
// DECIMAL parsing, base64 for BYTES, and ksqlDB's DELIMITED (Commons CSV)
// field splitting and quoting. Internal to the streams runtime.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/value.h"

namespace cs::streams::serde_detail {

// Java's Double.toString (shortest round-trip digits; plain notation in
// [1e-3, 1e7), else "1.0E10" style; "NaN", "Infinity", "-Infinity").
void append_java_double(std::string& out, double d);
// BigDecimal.toPlainString of unscaled * 10^-scale.
void append_decimal(std::string& out, const decimal_value& d);
// Parses a decimal number ("-12.5", "1e3", "0.125") to DECIMAL(precision,
// scale); an error when it does not fit, or would need rounding (as
// ksqlDB's deserializers: "1.005" is no DECIMAL(4,2), "1.500" is).
result<decimal_value> parse_decimal(std::string_view text, int32_t precision, int32_t scale);

void append_base64(std::string& out, std::string_view bytes);
result<std::string> decode_base64(std::string_view text);

// Whole-text integer / double parsing (no leading '+', no spaces).
bool parse_int64(std::string_view text, int64_t& out);
bool parse_double(std::string_view text, double& out);

// Splits one DELIMITED record into fields (appended to fields, which the
// caller clears): delimiter-separated, "..." quoting with "" for a quote,
// as Commons CSV reads ksqlDB's DELIMITED values. unquoted[i] is false for
// a field that was quoted (an empty quoted field is an empty string, an
// empty unquoted one is NULL). scratch holds unescaped quoted text; the
// views point into text or scratch. An error for text after a closing quote
// or an unterminated quote.
status split_delimited(std::string_view text, char delimiter, std::vector<std::string_view>& fields,
                       std::vector<bool>& quoted, std::string& scratch);
// Appends one field (the text of any type) as Commons CSV 1.4's minimal
// quoting writes it: quoted when it holds the delimiter, a quote, CR or LF,
// starts with a character up to '#' or ends with one up to a space, and, as
// the record's first field, when it is empty or does not start with a
// letter or digit ("-10" as a first field is "\"-10\"", as ksqlDB writes it).
void append_delimited_field(std::string& out, std::string_view field, char delimiter, bool first);

}  // namespace cs::streams::serde_detail
