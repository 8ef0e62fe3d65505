#include "formats/parquet/types.h"

#include <string_view>
#include <utility>

namespace cs::formats::parquet {

namespace {
column_spec make(std::string name, physical_type t, logical_type l, repetition r) {
    column_spec c;
    c.name = std::move(name);
    c.type = t;
    c.logical = l;
    c.rep = r;
    return c;
}
}  // namespace

column_spec column_spec::boolean(std::string name, repetition r) {
    return make(std::move(name), physical_type::boolean, logical_type::none, r);
}
column_spec column_spec::int32(std::string name, repetition r) {
    return make(std::move(name), physical_type::int32, logical_type::none, r);
}
column_spec column_spec::int64(std::string name, repetition r) {
    return make(std::move(name), physical_type::int64, logical_type::none, r);
}
column_spec column_spec::float32(std::string name, repetition r) {
    return make(std::move(name), physical_type::float_, logical_type::none, r);
}
column_spec column_spec::float64(std::string name, repetition r) {
    return make(std::move(name), physical_type::double_, logical_type::none, r);
}
column_spec column_spec::string(std::string name, repetition r) {
    return make(std::move(name), physical_type::byte_array, logical_type::string, r);
}
column_spec column_spec::bytes(std::string name, repetition r) {
    return make(std::move(name), physical_type::byte_array, logical_type::none, r);
}
column_spec column_spec::timestamp_micros(std::string name, repetition r) {
    return make(std::move(name), physical_type::int64, logical_type::timestamp_micros, r);
}
column_spec column_spec::date(std::string name, repetition r) {
    return make(std::move(name), physical_type::int32, logical_type::date, r);
}
column_spec column_spec::time_millis(std::string name, repetition r) {
    return make(std::move(name), physical_type::int32, logical_type::time_millis, r);
}
column_spec column_spec::timestamp_millis(std::string name, repetition r) {
    return make(std::move(name), physical_type::int64, logical_type::timestamp_millis, r);
}
column_spec column_spec::decimal_bytes(std::string name, int32_t precision, int32_t scale,
                                       repetition r) {
    column_spec c = make(std::move(name), physical_type::byte_array, logical_type::decimal, r);
    c.precision = precision;
    c.scale = scale;
    return c;
}
column_spec column_spec::decimal(std::string name, int32_t precision, int32_t scale, repetition r) {
    column_spec c =
        make(std::move(name), precision <= 9 ? physical_type::int32 : physical_type::int64,
             logical_type::decimal, r);
    c.precision = precision;
    c.scale = scale;
    return c;
}

bool parse_compression(std::string_view name, compression& out) {
    if (name == "none" || name == "uncompressed") {
        out = compression::none;
    } else if (name == "snappy") {
        out = compression::snappy;
    } else if (name == "gzip") {
        out = compression::gzip;
    } else if (name == "zstd") {
        out = compression::zstd;
    } else if (name == "lz4_raw") {
        out = compression::lz4_raw;
    } else {
        return false;
    }
    return true;
}

const char* compression_name(compression c) {
    switch (c) {
        case compression::none:
            return "none";
        case compression::snappy:
            return "snappy";
        case compression::gzip:
            return "gzip";
        case compression::zstd:
            return "zstd";
        case compression::lz4_raw:
            return "lz4_raw";
    }
    return "unknown";
}

}  // namespace cs::formats::parquet
