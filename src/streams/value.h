#pragma once

// A SQL value: NULL or one of the types of types.h. Scalars are held inline;
// strings and bytes own their characters (short ones fit the small-string
// buffer); ARRAY, MAP and STRUCT share immutable children through
// shared_ptr, so copying a row of nested values is cheap.
//
// A value does not carry its declared type: the column's sql_type says how
// to read it (an INTEGER column holds int32_t, a TIMESTAMP column holds
// timestamp_ms, a DATE column date_days, a TIME column time_ms). Functions
// and casts receive the argument types alongside.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cs::streams {

__extension__ typedef __int128 int128;

// DECIMAL(p, s): unscaled * 10^-scale. The scale equals the column type's.
struct decimal_value {
    int128 unscaled = 0;
    int32_t scale = 0;
    bool operator==(const decimal_value&) const = default;
};

struct timestamp_ms {
    int64_t millis = 0;  // since 1970-01-01T00:00:00Z
    bool operator==(const timestamp_ms&) const = default;
};

// DATE: days since 1970-01-01 (ksqlDB's java.sql.Date of a whole UTC day).
struct date_days {
    int32_t days = 0;
    bool operator==(const date_days&) const = default;
};

// TIME: milliseconds since midnight, 0..86'400'000 (ksqlDB's java.sql.Time;
// its deserializers accept the end of the day itself).
struct time_ms {
    int32_t millis = 0;
    bool operator==(const time_ms&) const = default;
};

struct bytes_value {
    std::string data;  // raw bytes
    bool operator==(const bytes_value&) const = default;
};

class value;
using value_list = std::vector<value>;                         // ARRAY
using value_map = std::vector<std::pair<std::string, value>>;  // MAP, insertion order
// STRUCT: one value per field of the type, in the type's field order.
struct value_struct {
    std::vector<value> fields;
    bool operator==(const value_struct&) const;
};

class value {
  public:
    using storage =
        std::variant<std::monostate, bool, int32_t, int64_t, double, decimal_value, std::string,
                     bytes_value, timestamp_ms, std::shared_ptr<const value_list>,
                     std::shared_ptr<const value_map>, std::shared_ptr<const value_struct>,
                     date_days, time_ms>;

    value() = default;                            // NULL
    value(bool b) : v_(b) {}                      // NOLINT: implicit by design
    value(int32_t i) : v_(i) {}                   // NOLINT
    value(int64_t i) : v_(i) {}                   // NOLINT
    value(double d) : v_(d) {}                    // NOLINT
    value(decimal_value d) : v_(d) {}             // NOLINT
    value(std::string s) : v_(std::move(s)) {}    // NOLINT
    value(const char* s) : v_(std::string(s)) {}  // NOLINT
    value(bytes_value b) : v_(std::move(b)) {}    // NOLINT
    value(timestamp_ms t) : v_(t) {}              // NOLINT
    value(date_days d) : v_(d) {}                 // NOLINT
    value(time_ms t) : v_(t) {}                   // NOLINT
    static value array(value_list items) {
        return value(storage(std::make_shared<const value_list>(std::move(items))));
    }
    static value map(value_map entries) {
        return value(storage(std::make_shared<const value_map>(std::move(entries))));
    }
    static value struct_(value_struct fields) {
        return value(storage(std::make_shared<const value_struct>(std::move(fields))));
    }

    bool is_null() const { return v_.index() == 0; }
    bool as_bool() const { return std::get<bool>(v_); }
    int32_t as_int() const { return std::get<int32_t>(v_); }
    int64_t as_bigint() const { return std::get<int64_t>(v_); }
    double as_double() const { return std::get<double>(v_); }
    const decimal_value& as_decimal() const { return std::get<decimal_value>(v_); }
    const std::string& as_string() const { return std::get<std::string>(v_); }
    const bytes_value& as_bytes() const { return std::get<bytes_value>(v_); }
    timestamp_ms as_timestamp() const { return std::get<timestamp_ms>(v_); }
    date_days as_date() const { return std::get<date_days>(v_); }
    time_ms as_time() const { return std::get<time_ms>(v_); }
    const value_list& as_array() const { return *std::get<std::shared_ptr<const value_list>>(v_); }
    const value_map& as_map() const { return *std::get<std::shared_ptr<const value_map>>(v_); }
    const value_struct& as_struct() const {
        return *std::get<std::shared_ptr<const value_struct>>(v_);
    }

    const storage& raw() const { return v_; }
    // Makes this the STRING s, reusing this value's string capacity when it
    // holds one already (no allocation for a row buffer that is reused),
    // unless that capacity is far more than s needs: one large string must
    // not stay pinned in a row buffer that is reused for small ones.
    void assign_string(std::string_view s) {
        auto* str = std::get_if<std::string>(&v_);
        if (str == nullptr) {
            v_.emplace<std::string>(s);
        } else if (str->capacity() <= std::max(s.size() * 2, reuse_up_to)) {
            str->assign(s.data(), s.size());
        } else {
            // A swap, as a move of a short string would copy it into the
            // large buffer and keep that.
            std::string(s).swap(*str);
        }
    }

    // Makes this a copy of v; a STRING as assign_string() (reusing this
    // value's capacity within the same bound).
    void assign(const value& v) {
        if (const auto* str = std::get_if<std::string>(&v.v_)) {
            assign_string(*str);
        } else {
            v_ = v.v_;
        }
    }

    // Deep equality (NULL == NULL here; SQL's three-valued comparison is the
    // evaluator's business).
    bool operator==(const value& other) const;

  private:
    static constexpr size_t reuse_up_to = 256;  // bytes of capacity kept whatever s needs
    explicit value(storage s) : v_(std::move(s)) {}
    storage v_;
};

// One row: values in schema column order.
using row = std::vector<value>;

}  // namespace cs::streams
