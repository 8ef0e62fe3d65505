#pragma once

// A query's internal repartition topic, as Kafka Streams' repartition
// topics carry a ksqlDB query's rows to the process that owns their new key:
// GROUP BY (`<group>-Aggregate-GroupBy-repartition`, query_runner_aggregate.cc)
// and a join on anything but a source's key
// (`<group>-LeftSourceKeyed-SelectKey-repartition` /
// `-RightSourceKeyed-`, query_runner_repartition.cc). The same consumer
// group writes and reads the topic. A record's key is the new key's bytes
// (the caller encodes them), its value the row's columns as one JSON object
// (C0, C1, ...: internal, never read by anyone else), its timestamp the
// row's ROWTIME, so a repartitioned row decodes back to the same values and
// time.
//
// Threading: as row_encoder / row_decoder, one thread.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/consumer.h"
#include "client/producer.h"
#include "streams/catalog_types.h"
#include "streams/serde.h"

namespace cs::streams {

class row_repartition {
  public:
    // name: the serde's name in errors; types: the row's columns, in order.
    static result<std::unique_ptr<row_repartition>> create(std::string topic, std::string name,
                                                           const std::vector<sql_type>& types);
    const std::string& topic() const { return def_.topic; }
    size_t width() const { return def_.columns.size(); }
    // Encodes the first width() values of r for send(); an error is the
    // record's (a value the internal format cannot hold), for the DLQ.
    status encode(const row& r);
    // Produces the row encode() last encoded keyed by key (nullopt: a null
    // key) with timestamp rowtime (0 when not positive: now) and headers; an
    // error is the topic's (the producer refused it).
    status send(client::producer& producer, std::optional<std::string_view> key, int64_t rowtime,
                std::vector<client::record_header> headers = {});
    // The row of a record send() wrote, into out (width() values) and
    // rowtime; a record without a value is an error.
    status decode(const client::message& m, row& out, int64_t& rowtime);

  private:
    row_repartition() = default;
    source_def def_;
    std::unique_ptr<row_encoder> encoder_;
    std::unique_ptr<row_decoder> decoder_;
    std::string key_buf_;
    std::string value_buf_;
    std::vector<const value*> values_;
    std::vector<client::header_view> headers_;
};

// The types of def's columns, in order (what a repartitioned row of def holds).
std::vector<sql_type> column_types(const source_def& def);

// The definition of a query's internal rows (repartition and changelog
// topics): no key, the values as one JSON object of columns C0, C1, ...
source_def internal_row_def(std::string name, std::string topic,
                            const std::vector<sql_type>& types);

// def's encoder and decoder, into enc and dec.
status make_row_serdes(const source_def& def, std::unique_ptr<row_encoder>& enc,
                       std::unique_ptr<row_decoder>& dec);

}  // namespace cs::streams
