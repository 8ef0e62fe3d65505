#pragma once

// How `clickstream consume` prints a record: Kafka's DefaultMessageFormatter
// (kafka-console-consumer.sh's default, configured by --property k=v) or one
// JSON object per line (--formatter json). Appends to a buffer the caller
// writes out once per batch.
//
// Default format, fields in this order, each enabled by its print.* property:
//   CreateTime:<ms> | LogAppendTime:<ms> | NO_TIMESTAMP   (print.timestamp)
//   Partition:<p>                                        (print.partition)
//   Offset:<o>                                           (print.offset)
//   k1:v1,k2:v2 | NO_HEADERS                             (print.headers)
//   <key>                                                (print.key)
//   <value>                                              (print.value, default on)
// separated by key.separator (default tab) and ended by line.separator
// (default newline). A null key, value or header value prints null.literal
// (default "null"). headers.separator defaults to ",", headers.key.separator
// to ":" (fixed in Kafka; configurable here).
//
// JSON format, one object per record and line.separator after it:
//   {"topic":"t","partition":0,"offset":5,"timestamp":1700000000000,
//    "timestampType":"CreateTime","key":"k","value":"v",
//    "headers":[{"key":"source","value":"web"}]}
// key, value and header values are JSON strings (null when null); bytes that
// are not UTF-8 become U+FFFD.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/consumer.h"

namespace cs::tools {

struct record_format {
    enum class style { kafka_default, json } kind = style::kafka_default;
    bool print_timestamp = false;
    bool print_partition = false;
    bool print_offset = false;
    bool print_headers = false;
    bool print_key = false;
    bool print_value = true;
    std::string key_separator = "\t";
    std::string line_separator = "\n";
    std::string headers_separator = ",";
    std::string headers_key_separator = ":";
    std::string null_literal = "null";
};

// The format for --formatter NAME ("default", "json", or Kafka's class name
// of its default formatter) and the --property k=v list. print.* values are
// true when they equal "true" ignoring case and surrounding blanks, as in
// Kafka. An unknown formatter or property is an error naming it.
result<record_format> parse_record_format(std::string_view formatter,
                                          const std::vector<std::string>& properties);

void append_record(std::string& out, const client::message& m, const record_format& f);

}  // namespace cs::tools
