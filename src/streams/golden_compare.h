#pragma once

// Comparing what a query wrote with what a golden file expects
// (golden_case.h), and the report printed on a mismatch. Test code only.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "streams/golden_case.h"
#include "streams/test_kafka.h"

namespace cs::streams::golden {

// A record as read back from a topic.
// A record a query wrote, as read back.
using actual_record = test::read_record;

// Compares one topic's records with what the file expects of it, in order
// unless `unordered`. Returns an empty string when they match, else a
// report: which record differs and how (expected vs actual), then every
// actual record.
std::string compare_topic(const std::string& topic, const std::vector<const output*>& expected,
                          const std::vector<actual_record>& actual, bool unordered);

// Readable bytes for messages: the text when printable UTF-8, else hex.
std::string show_bytes(const std::optional<std::string>& b);

}  // namespace cs::streams::golden
