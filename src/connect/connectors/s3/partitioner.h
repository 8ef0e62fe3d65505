#pragma once

// Partitioners and timestamp extractors of the S3 sink, named and
// configured as in Confluent's storage-common:
//   DefaultPartitioner   -> "partition=<kafka partition>"
//   FieldPartitioner     -> "f1=v1/f2=v2" (partition.field.name, a list)
//   TimeBasedPartitioner -> path.format (Joda) of the record's time, floored
//                           to partition.duration.ms in `timezone`
//   DailyPartitioner / HourlyPartitioner: fixed path.format and duration.
// timestamp.extractor: Wallclock (clock), Record (Kafka timestamp),
// RecordField (timestamp.field: dot path; epoch-ms number, all-digit
// string, ISO-8601 string, or a Connect Timestamp).
//
// Every partitioner but TimeBased+Wallclock is a pure function of the
// record, which is what makes replays rewrite identical objects.

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "connect/plugin.h"
#include "connect/record.h"

namespace cs::connect::s3 {

// A field of a record's value by dot path ("a.b"); nullptr when absent or
// the value is neither a struct nor a map.
const data* find_value_field(const data& value, std::string_view path);

class timestamp_extractor {
  public:
    virtual ~timestamp_extractor() = default;
    // ms since epoch; errc::invalid_argument when the record has no usable
    // time (such a record goes to the errant record reporter).
    virtual result<int64_t> extract(const record& r) const = 0;
};

// timestamp.extractor + timestamp.field from the config.
result<std::unique_ptr<timestamp_extractor>> make_timestamp_extractor(const config_map& config,
                                                                      const cs::clock& clk);

class partitioner {
  public:
    virtual ~partitioner() = default;
    virtual result<std::string> encode_partition(const record& r) const = 0;
    // TimeBased: its timestamp extractor, whose time rotate.interval.ms
    // measures (Wallclock: the clock, so rotations depend on when records
    // arrive). nullptr for other partitioners.
    virtual const timestamp_extractor* extractor() const { return nullptr; }
};

// partitioner.class (full Confluent name or simple name) and its keys.
result<std::unique_ptr<partitioner>> make_partitioner(const config_map& config,
                                                      const cs::clock& clk);

}  // namespace cs::connect::s3
