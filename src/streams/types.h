#pragma once

// SQL types of the streams engine, as ksqlDB names them. A type is a small
// value (copied freely); nested types (ARRAY, MAP, STRUCT) hold their
// children by value in vectors.

#include <cstdint>
#include <string>
#include <vector>

namespace cs::streams {

enum class type_kind : uint8_t {
    boolean,
    integer,  // INT / INTEGER: 32-bit
    bigint,   // 64-bit
    double_,
    decimal,  // DECIMAL(precision, scale)
    string,   // VARCHAR / STRING
    bytes,
    timestamp,  // milliseconds since the epoch, UTC
    date,       // days since 1970-01-01
    time,       // milliseconds of the day
    array,      // elements: children[0]
    map,        // keys are STRING (as in ksqlDB); values: children[0]
    struct_,    // fields: field_names[i] -> children[i]
};

struct sql_type {
    type_kind kind = type_kind::string;
    int32_t precision = 0;  // DECIMAL only
    int32_t scale = 0;      // DECIMAL only
    std::vector<sql_type> children;
    std::vector<std::string> field_names;  // STRUCT only, same length as children

    static sql_type of(type_kind k) {
        sql_type t;
        t.kind = k;
        return t;
    }
    static sql_type boolean() { return of(type_kind::boolean); }
    static sql_type integer() { return of(type_kind::integer); }
    static sql_type bigint() { return of(type_kind::bigint); }
    static sql_type double_() { return of(type_kind::double_); }
    static sql_type string() { return of(type_kind::string); }
    static sql_type bytes() { return of(type_kind::bytes); }
    static sql_type timestamp() { return of(type_kind::timestamp); }
    static sql_type date() { return of(type_kind::date); }
    static sql_type time() { return of(type_kind::time); }
    static sql_type decimal(int32_t precision, int32_t scale) {
        sql_type t = of(type_kind::decimal);
        t.precision = precision;
        t.scale = scale;
        return t;
    }
    static sql_type array(sql_type element) {
        sql_type t = of(type_kind::array);
        t.children.push_back(std::move(element));
        return t;
    }
    static sql_type map(sql_type value) {
        sql_type t = of(type_kind::map);
        t.children.push_back(std::move(value));
        return t;
    }
    static sql_type struct_(std::vector<std::string> names, std::vector<sql_type> types) {
        sql_type t = of(type_kind::struct_);
        t.children = std::move(types);
        t.field_names = std::move(names);
        return t;
    }

    bool is_numeric() const {
        return kind == type_kind::integer || kind == type_kind::bigint ||
               kind == type_kind::double_ || kind == type_kind::decimal;
    }
    bool operator==(const sql_type&) const = default;

    // ksqlDB's spelling, as DESCRIBE prints it: STRING, INTEGER, BIGINT,
    // DOUBLE, DECIMAL(10, 2), BOOLEAN, TIMESTAMP, DATE, TIME, BYTES, ARRAY<STRING>,
    // MAP<STRING, INTEGER>, STRUCT<`A` STRING, `B` INTEGER>.
    std::string to_string() const;
};

// The kind's name without parameters, as ksqlDB's SqlBaseType: "DECIMAL",
// "ARRAY", "STRUCT", "STRING", ...
const char* type_kind_name(type_kind k);

}  // namespace cs::streams
