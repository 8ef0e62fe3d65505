#pragma once

// The Parquet schema subset clickstream writes: primitive columns, each
// REQUIRED or OPTIONAL, possibly inside nested groups that are REQUIRED,
// OPTIONAL or REPEATED (the LIST and MAP structures of LogicalTypes.md:
// `<opt|req> group n (LIST) { repeated group list { <opt|req> element; } }`,
// `<opt|req> group n (MAP) { repeated group key_value { required key;
// <opt|req> value; } }`). Leaf columns are never REPEATED. Enum values
// are the on-disk numbers of parquet.thrift (Type, FieldRepetitionType,
// CompressionCodec, Encoding, PageType, ConvertedType).

#include <cstdint>
#include <string>
#include <vector>

namespace cs::formats::parquet {

enum class physical_type : int32_t {
    boolean = 0,
    int32 = 1,
    int64 = 2,
    float_ = 4,
    double_ = 5,
    byte_array = 6,
};

enum class repetition : int32_t { required = 0, optional = 1, repeated = 2 };

// The annotation of a group: none (a struct), LIST or MAP (LogicalType LIST /
// MAP plus ConvertedType LIST / MAP).
enum class group_type { none, list, map };

// The logical annotation of a column. Each maps to one LogicalType union
// member plus the legacy ConvertedType readers before LogicalType need.
enum class logical_type {
    none,
    string,            // BYTE_ARRAY: LogicalType STRING + ConvertedType UTF8
    timestamp_micros,  // INT64: TIMESTAMP(isAdjustedToUTC=true, MICROS) + TIMESTAMP_MICROS
    date,              // INT32 days since 1970-01-01: DATE + ConvertedType DATE
    decimal,           // INT32/INT64 unscaled value, or BYTE_ARRAY big-endian two's
                       // complement unscaled value: DECIMAL(precision, scale)
    time_millis,       // INT32 millis of the day: TIME(isAdjustedToUTC=true, MILLIS) + TIME_MILLIS
    timestamp_millis,  // INT64: TIMESTAMP(isAdjustedToUTC=true, MILLIS) + TIMESTAMP_MILLIS
};

enum class compression : int32_t {
    none = 0,
    snappy = 1,
    gzip = 2,
    zstd = 6,
    lz4_raw = 7,
};

enum class encoding : int32_t { plain = 0, rle = 3, rle_dictionary = 8 };

enum class page_type : int32_t { data_page = 0, dictionary_page = 2 };

struct column_spec {
    std::string name;
    physical_type type = physical_type::byte_array;
    logical_type logical = logical_type::none;
    repetition rep = repetition::optional;
    int32_t precision = 0;  // decimal only
    int32_t scale = 0;      // decimal only
    // The groups the column sits in, outermost first; empty for a
    // top-level column. Columns of one group must be adjacent in the schema.
    // A LIST is two groups ({name, opt|req, list}, {"list", repeated}), a
    // MAP too ({name, opt|req, map}, {"key_value", repeated}).
    struct group {
        std::string name;
        repetition rep = repetition::optional;
        group_type annotation = group_type::none;
        bool operator==(const group&) const = default;
    };
    std::vector<group> groups;

    // The definition level reached when the first n groups of the path are
    // present: one per OPTIONAL or REPEATED group among them.
    int16_t def_through(size_t n) const {
        int16_t d = 0;
        for (size_t i = 0; i < n && i < groups.size(); ++i) {
            d = static_cast<int16_t>(d + (groups[i].rep != repetition::required ? 1 : 0));
        }
        return d;
    }
    // The repetition level of a repeated group that is the n-th group
    // (0-based): one per REPEATED group among the first n + 1.
    int16_t rep_through(size_t n) const {
        int16_t r = 0;
        for (size_t i = 0; i <= n && i < groups.size(); ++i) {
            r = static_cast<int16_t>(r + (groups[i].rep == repetition::repeated ? 1 : 0));
        }
        return r;
    }
    // The definition level of a present value: one per OPTIONAL or REPEATED
    // group or column on the path. 0: no definition levels at all.
    int16_t max_def() const {
        return static_cast<int16_t>(def_through(groups.size()) +
                                    (rep == repetition::optional ? 1 : 0));
    }
    // The repetition level of a value: one per REPEATED group on the path.
    // 0: no repetition levels.
    int16_t max_rep() const { return groups.empty() ? 0 : rep_through(groups.size() - 1); }

    static column_spec boolean(std::string name, repetition r = repetition::optional);
    static column_spec int32(std::string name, repetition r = repetition::optional);
    static column_spec int64(std::string name, repetition r = repetition::optional);
    static column_spec float32(std::string name, repetition r = repetition::optional);
    static column_spec float64(std::string name, repetition r = repetition::optional);
    static column_spec string(std::string name, repetition r = repetition::optional);
    static column_spec bytes(std::string name, repetition r = repetition::optional);
    static column_spec timestamp_micros(std::string name, repetition r = repetition::optional);
    static column_spec date(std::string name, repetition r = repetition::optional);
    static column_spec time_millis(std::string name, repetition r = repetition::optional);
    static column_spec timestamp_millis(std::string name, repetition r = repetition::optional);
    // INT32 when precision <= 9, INT64 when precision <= 18.
    static column_spec decimal(std::string name, int32_t precision, int32_t scale,
                               repetition r = repetition::optional);
    // BYTE_ARRAY DECIMAL (any precision >= 1): what parquet-avro writes for
    // Avro bytes with the decimal logical type. No min/max statistics (their
    // order is signed, the writer's BYTE_ARRAY order unsigned).
    static column_spec decimal_bytes(std::string name, int32_t precision, int32_t scale,
                                     repetition r = repetition::optional);
};

using schema = std::vector<column_spec>;

// Parses "none"/"uncompressed", "snappy", "gzip", "zstd", "lz4_raw"
// (parquet.codec values); false for anything else.
bool parse_compression(std::string_view name, compression& out);
const char* compression_name(compression c);

}  // namespace cs::formats::parquet
