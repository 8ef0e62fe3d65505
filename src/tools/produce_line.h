#pragma once

// How `clickstream produce` splits an input line into headers, key and value:
// the rules of Kafka's LineMessageReader (kafka-console-producer.sh), set by
// the same --property names and defaults:
//
//   parse.key=true           the line holds a key:      key<key.separator>value
//   parse.headers=true       the line starts with headers:
//                            h1:v1,h2:v2<headers.delimiter>[key<key.separator>]value
//   key.separator            default TAB
//   headers.delimiter        default TAB
//   headers.separator        default ","  (between header pairs)
//   headers.key.separator    default ":"  (between a header's key and value)
//   ignore.error=true        a missing separator is not an error: no headers /
//                            null key, and the rest of the line is the value;
//                            a header without ':' gets a null value
//   null.marker=S            a key, value or header value equal to S is null
//                            (so is a whole headers part equal to S: no headers)
//
// Headers are found first, then the key after them, then the value is the
// rest of the line. The header list is split on every headers.separator
// (a literal string here; Kafka compiles it as a regex, which is the same for
// the usual ","), dropping empty pairs at its end. Unlike Kafka, where a bad
// line ends the tool, a bad line is reported and the run goes on (see
// produce.h).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/producer.h"

namespace cs::tools {

struct line_format {
    bool parse_key = false;
    std::string key_separator = "\t";
    bool parse_headers = false;
    std::string headers_delimiter = "\t";
    std::string headers_separator = ",";
    std::string headers_key_separator = ":";
    bool ignore_error = false;
    std::optional<std::string> null_marker;
};

// From --property key=value arguments. Unknown keys, empty separators, and
// separators that would be ambiguous (the checks Kafka makes: headers.delimiter,
// headers.separator and headers.key.separator all differ; null.marker equals
// none of the separators) are errors.
result<line_format> parse_line_properties(const std::vector<std::string>& properties);

struct split_record {
    std::optional<std::string_view> key;    // nullopt: null key
    std::optional<std::string_view> value;  // nullopt: null value (tombstone)
    std::vector<client::record_header> headers;
};

// Splits line (without its line ending) by f into out. An error says what
// was missing ("no key separator found"); the caller adds the line number.
status split_line(const line_format& f, std::string_view line, split_record& out);

}  // namespace cs::tools
