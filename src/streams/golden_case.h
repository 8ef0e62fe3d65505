#pragma once

// One SQL golden file (tests/streams/golden/*.json), modelled on ksqlDB's
// query translation tests: statements, input records, and the records the
// queries must write (sink and dead-letter topics), read by golden_test.cc.
//
//   {
//     "name": "what the file shows", "comment": "free text", "skip": "reason",
//     "unordered": ["topic"],
//     "statements": ["CREATE STREAM ...;", {"sql": "...", "error": ["substring", ...]}],
//     "inputs":  [{"topic": "t", "key": .., "value": .., "headers": {"h": "v"},
//                  "timestamp": 1000, "partition": 0}],
//     "outputs": [{"topic": "t", "key": .., "value": .., "timestamp": 1000,
//                  "headers": {"h": "exact"}, "headers_contain": {"h": "substring"},
//                  "headers_present": ["h"]}]
//   }
//
// A key or value is null (no key / a tombstone), a JSON string (the bytes as
// written: raw text, which is how a malformed record is given), or any other
// JSON value (the record is that JSON text: inputs are written compactly,
// outputs are parsed and compared with member order and number text).
// "key_hex" / "value_hex" give binary bytes. An output without "key" expects
// a null key; "timestamp" and "partition" are checked when given. The
// records of a topic are compared in order, except for the topics listed in
// "unordered" (written by several queries or from several partitions): each
// expected record must then match a different actual one.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "streams/golden_json.h"

namespace cs::streams::golden {

// A record key or value as a golden file gives it.
struct data {
    bool null = true;
    bool is_json = false;  // compared as JSON (see above)
    std::string bytes;     // what an input produces; what a raw output must equal
    json parsed;           // is_json only
};

using header_list = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct statement {
    std::string sql;
    std::vector<std::string> errors;  // non-empty: must fail with all of these in the message
};

struct input {
    std::string topic;
    data key;
    data value;
    header_list headers;
    std::optional<int32_t> partition;
    std::optional<int64_t> timestamp;
};

struct output {
    std::string topic;
    data key;
    data value;
    std::optional<int32_t> partition;
    std::optional<int64_t> timestamp;
    header_list headers;                                        // present with this value
    std::vector<std::pair<std::string, std::string>> contains;  // present, value has substring
    std::vector<std::string> present;                           // present, any value
};

struct golden_case {
    std::string file;  // stem: the test's name
    std::string name;
    std::string skip;  // non-empty: not run, reported as skipped
    std::vector<statement> statements;
    std::vector<input> inputs;
    std::vector<output> outputs;
    std::vector<std::string> unordered;  // topics compared as a multiset
};

result<golden_case> load_case(const std::filesystem::path& path);

}  // namespace cs::streams::golden
