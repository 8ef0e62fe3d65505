#pragma once

// Building blocks for the built-in functions (internal to the streams module):
// the registry each functions_*.cc file adds its functions to, and a
// bound_function made of a plain function pointer for the common case.
//
// A family registers one binder per name. The binder gets the argument types
// and either returns a bound_function or an errc::invalid_argument; the
// registry then reports the accepted signatures.

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "streams/functions.h"

namespace cs::streams {
class time_format;
double to_double(const value& v, const sql_type& t);  // operators.h
}  // namespace cs::streams

namespace cs::streams::fn {

using binder = std::function<result<std::unique_ptr<bound_function>>(std::span<const sql_type>)>;
// For functions that read the current time (UNIX_TIMESTAMP()).
using clock_binder = std::function<result<std::unique_ptr<bound_function>>(
    std::span<const sql_type>, const cs::clock&)>;

struct function_entry {
    std::string name;
    std::vector<std::string> signatures;  // "SUBSTRING(STRING, INTEGER[, INTEGER])"
    clock_binder bind;
};

class registry {
  public:
    void add(std::string name, std::vector<std::string> signatures, binder b);
    void add_with_clock(std::string name, std::vector<std::string> signatures, clock_binder b);
    const function_entry* find(std::string_view name) const;
    const std::map<std::string, function_entry, std::less<>>& entries() const { return entries_; }

  private:
    std::map<std::string, function_entry, std::less<>> entries_;
};

// One per file: functions_string.cc, functions_time.cc, functions_url.cc, ...
void register_string_functions(registry& r);
void register_regex_functions(registry& r);
void register_null_functions(registry& r);
void register_math_functions(registry& r);
void register_time_functions(registry& r);
void register_url_functions(registry& r);
void register_json_functions(registry& r);
void register_misc_functions(registry& r);
void register_string_shape_functions(registry& r);
void register_power_functions(registry& r);
void register_collection_functions(registry& r);
void register_array_functions(registry& r);
void register_text_functions(registry& r);
void register_json_value_functions(registry& r);
void register_bytes_functions(registry& r);
void register_date_functions(registry& r);
void register_trig_functions(registry& r);
void register_hash_functions(registry& r);

// The per-row work of a simple function. `ret` is the bound return type.
using call_fn = result<value> (*)(std::span<const value> args, const sql_type& ret);

// A stateless bound function. With null_propagates, any NULL argument gives
// NULL without calling fn (most ksqlDB UDFs behave so).
class simple_function final : public bound_function {
  public:
    simple_function(sql_type ret, call_fn f, bool null_propagates)
        : ret_(std::move(ret)), fn_(f), null_propagates_(null_propagates) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> args) const override {
        if (null_propagates_) {
            for (const value& a : args) {
                if (a.is_null()) {
                    return value();
                }
            }
        }
        return fn_(args, ret_);
    }

  private:
    sql_type ret_;
    call_fn fn_;
    bool null_propagates_;
};

inline std::unique_ptr<bound_function> make_simple(sql_type ret, call_fn f,
                                                   bool null_propagates = true) {
    return std::make_unique<simple_function>(std::move(ret), f, null_propagates);
}

// Puts key -> v into m as a Java LinkedHashMap's put does: a key already
// there keeps its position and takes the new value.
template <class V>
void map_put(std::vector<std::pair<std::string, V>>& m, std::string key, V v) {
    for (auto& [k, old] : m) {
        if (k == key) {
            old = std::move(v);
            return;
        }
    }
    m.emplace_back(std::move(key), std::move(v));
}

// A compiled Java DateTimeFormatter pattern (time_format.h) from a
// per-thread cache of the patterns used last; the compile error otherwise.
result<const time_format*> cached_time_format(const std::string& pattern);

// The error a binder returns when no overload matches (the registry adds the
// signatures to the message).
error no_match();

// Type tests for binders.
inline bool is(const sql_type& t, type_kind k) {
    return t.kind == k;
}
inline bool is_integral(const sql_type& t) {
    return t.kind == type_kind::integer || t.kind == type_kind::bigint;
}
// INTEGER or BIGINT argument as int64.
inline int64_t int_arg(const value& v, const sql_type& t) {
    return t.kind == type_kind::integer ? v.as_int() : v.as_bigint();
}

// The most general of two types for COALESCE/IFNULL/NULLIF-like functions:
// equal types, or numeric types widened (INTEGER < BIGINT < DECIMAL < DOUBLE).
// errc::invalid_argument when there is none.
result<sql_type> common_type(const sql_type& a, const sql_type& b);

// Whether every type is a number (INTEGER, BIGINT, DECIMAL, DOUBLE).
inline bool numeric(std::span<const sql_type> t) {
    for (const sql_type& x : t) {
        if (!x.is_numeric()) {
            return false;
        }
    }
    return true;
}

// A function of one DOUBLE over whatever number it is given (ksqlDB's math
// UDFs take INT, BIGINT and DOUBLE, a DECIMAL widening to DOUBLE): NULL
// gives NULL.
template <double (*F)(double)>
class unary_double final : public bound_function {
  public:
    explicit unary_double(sql_type arg) : arg_(std::move(arg)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value();
        }
        return value(F(to_double(a[0], arg_)));
    }

  private:
    sql_type arg_;
    sql_type ret_ = sql_type::double_();
};

// Registers NAME(number) -> DOUBLE computing F.
template <double (*F)(double)>
void add_unary(registry& r, const char* name) {
    r.add(name, {std::string(name) + "(INTEGER | BIGINT | DECIMAL | DOUBLE) -> DOUBLE"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !numeric(t)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new unary_double<F>(t[0]));
          });
}

}  // namespace cs::streams::fn
