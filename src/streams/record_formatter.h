#pragma once

// PRINT's text for a topic's records, as ksqlDB's RecordFormatter and
// TopicStreamWriter make it:
//
//   Key format: KAFKA_STRING
//   Value format: JSON or KAFKA_STRING
//   rowtime: 2026/03/18 15:53:22.989 Z, key: u1, value: {"N":1}, partition: 0
//
// The formats are guessed from the bytes: every candidate format that fails
// to read a key (value) seen so far is dropped, the first one left formats
// the record. Candidates, in ksqlDB's order, without the ones that need a
// Schema Registry (AVRO, PROTOBUF, JSON_SR: none is configured here, so
// ksqlDB drops them at the first record too): JSON, KAFKA_INT, KAFKA_BIGINT,
// KAFKA_DOUBLE, KAFKA_STRING, then the raw bytes (escaped, never named).
// Keys also try each of them inside SESSION(...), HOPPING(...) and
// TUMBLING(...) window keys.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cs::streams {

struct print_record {
    std::optional<std::string_view> key;  // nullopt: a null key
    std::optional<std::string_view> value;
    int64_t timestamp_ms = -1;  // -1: none ("N/A")
    int32_t partition = 0;
};

class record_formatter {
  public:
    record_formatter();

    // The records' lines ("rowtime: ..., key: ..., value: ..., partition: N"),
    // refining the possible formats; when the batch drops the format that
    // was first, the batch is formatted again with the new first one.
    std::vector<std::string> format(std::span<const print_record> records);

    // The formats still possible ("¯\_(ツ)_/¯ - no data processed" before a
    // non-null key / value was seen).
    std::vector<std::string> possible_key_formats() const;
    std::vector<std::string> possible_value_formats() const;

    struct candidate {
        std::string name;
        // The text of these bytes in this format, nullopt when they are not.
        std::function<std::optional<std::string>(std::string_view)> read;
    };

  private:
    struct deserializers {
        std::vector<candidate> left;
        bool seen_data = false;
        std::string format(std::optional<std::string_view> bytes);
        std::vector<std::string> possible() const;
    };
    std::string format_record(const print_record& r);

    deserializers keys_;
    deserializers values_;
};

// TopicStreamWriter's loop state: INTERVAL sampling, LIMIT, and the
// "Key format: ..." / "Value format: ..." lines printed when the possible
// formats change (first after the first batch).
class topic_printer {
  public:
    topic_printer(int64_t interval, std::optional<int64_t> limit);
    bool limit_reached() const { return limit_ && written_ >= *limit_; }
    // The lines one polled batch prints, in order.
    std::vector<std::string> batch(std::span<const print_record> records);

  private:
    record_formatter formatter_;
    int64_t interval_;
    std::optional<int64_t> limit_;
    int64_t written_ = 0;
    int64_t polled_ = 0;
    std::vector<std::string> key_formats_{"(none yet)"};
    std::vector<std::string> value_formats_{"(none yet)"};
};

// "yyyy/MM/dd HH:mm:ss.SSS Z" in UTC.
std::string print_rowtime(int64_t timestamp_ms);

}  // namespace cs::streams
