#pragma once

// Test helper: bind a function to the argument types and call it once.

#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "streams/functions.h"

namespace cs::streams::testing {

struct typed {
    value v;
    sql_type t;
};

inline typed str(std::string s) {
    return {value(std::move(s)), sql_type::string()};
}
inline typed i32(int32_t i) {
    return {value(i), sql_type::integer()};
}
inline typed i64(int64_t i) {
    return {value(i), sql_type::bigint()};
}
inline typed dbl(double d) {
    return {value(d), sql_type::double_()};
}
inline typed ts(int64_t ms) {
    return {value(timestamp_ms{ms}), sql_type::timestamp()};
}
inline typed date(int32_t days) {
    return {value(date_days{days}), sql_type::date()};
}
inline typed time_of_day(int32_t ms) {
    return {value(time_ms{ms}), sql_type::time()};
}
inline typed null_of(sql_type t) {
    return {value(), std::move(t)};
}
inline typed dec(int64_t unscaled, int32_t precision, int32_t scale) {
    return {value(decimal_value{unscaled, scale}), sql_type::decimal(precision, scale)};
}

inline result<value> try_call(std::string_view name, const std::vector<typed>& args) {
    std::vector<sql_type> types;
    std::vector<value> values;
    for (const auto& a : args) {
        types.push_back(a.t);
        values.push_back(a.v);
    }
    auto f = bind_function(name, types);
    if (!f) {
        return f.take_error();
    }
    return (*f)->call(values);
}

// The value, or a failed expectation and NULL.
inline value call(std::string_view name, const std::vector<typed>& args) {
    auto r = try_call(name, args);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.err().message);
    return r.ok() ? *r : value();
}

inline sql_type return_type(std::string_view name, const std::vector<sql_type>& types) {
    auto f = bind_function(name, types);
    EXPECT_TRUE(f.ok()) << name << ": " << (f.ok() ? "" : f.err().message);
    return f.ok() ? (*f)->return_type() : sql_type();
}

}  // namespace cs::streams::testing
