// Time functions: PARSE_TIMESTAMP, FORMAT_TIMESTAMP, UNIX_TIMESTAMP,
// FROM_UNIXTIME, TIMESTAMPTOSTRING, STRINGTOTIMESTAMP. Patterns are Java
// DateTimeFormatter patterns (time_format.h); zones are ids as time_zone
// accepts them. Compiled patterns and zones are cached per thread, keyed by
// their text, so a constant pattern is compiled once per thread.

#include <limits>

#include <fmt/format.h>

#include "streams/function_support.h"
#include "streams/time_format.h"
#include "streams/time_units.h"

namespace cs::streams::fn {

namespace {

template <class T, size_t Capacity = 8>
class lru {
  public:
    template <class Make>
    result<const T*> get(const std::string& key, Make make) {
        for (size_t i = 0; i < items_.size(); ++i) {
            if (items_[i].first == key) {
                if (i != 0) {
                    std::swap(items_[i], items_[0]);
                }
                return &items_[0].second;
            }
        }
        result<T> made = make(key);
        if (!made) {
            return made.take_error();
        }
        if (items_.size() == Capacity) {
            items_.pop_back();
        }
        items_.insert(items_.begin(), {key, std::move(*made)});
        return &items_[0].second;
    }

  private:
    std::vector<std::pair<std::string, T>> items_;
};

result<time_zone> zone_arg(std::span<const value> a, size_t index) {
    if (a.size() <= index) {
        return time_zone::utc();
    }
    thread_local lru<time_zone> cache;
    auto z =
        cache.get(a[index].as_string(), [](const std::string& id) { return time_zone::find(id); });
    if (!z) {
        return z.take_error();
    }
    return **z;
}

result<value> parse_millis(std::span<const value> a) {
    auto f = cached_time_format(a[1].as_string());
    if (!f) {
        return f.take_error();
    }
    auto zone = zone_arg(a, 2);
    if (!zone) {
        return zone.take_error();
    }
    auto ms = (*f)->parse(a[0].as_string(), *zone);
    if (!ms) {
        return ms.take_error();
    }
    return value(*ms);
}

result<value> format_millis(int64_t ms, std::span<const value> a) {
    auto f = cached_time_format(a[1].as_string());
    if (!f) {
        return f.take_error();
    }
    auto zone = zone_arg(a, 2);
    if (!zone) {
        return zone.take_error();
    }
    return value((*f)->format(ms, *zone));
}

result<value> parse_timestamp(std::span<const value> a, const sql_type&) {
    auto ms = parse_millis(a);
    if (!ms) {
        return ms;
    }
    return value(timestamp_ms{ms->as_bigint()});
}
result<value> string_to_timestamp(std::span<const value> a, const sql_type&) {
    return parse_millis(a);
}
result<value> format_timestamp(std::span<const value> a, const sql_type&) {
    return format_millis(a[0].as_timestamp().millis, a);
}
result<value> timestamp_to_string(std::span<const value> a, const sql_type&) {
    return format_millis(a[0].as_bigint(), a);
}
result<value> unix_timestamp_of(std::span<const value> a, const sql_type&) {
    return value(a[0].as_timestamp().millis);
}
result<value> from_unixtime(std::span<const value> a, const sql_type&) {
    return value(timestamp_ms{a[0].as_bigint()});
}

class now_function final : public bound_function {
  public:
    explicit now_function(const cs::clock& c) : clock_(c) {}
    const sql_type& return_type() const override { return type_; }
    result<value> call(std::span<const value>) const override { return value(clock_.now_ms()); }

  private:
    const cs::clock& clock_;
    sql_type type_ = sql_type::bigint();
};

// (first, STRING pattern[, STRING zone])
bool pattern_args(std::span<const sql_type> t, type_kind first) {
    return (t.size() == 2 || t.size() == 3) && is(t[0], first) && is(t[1], type_kind::string) &&
           (t.size() == 2 || is(t[2], type_kind::string));
}

// INTEGER milliseconds (small literals) are accepted where BIGINT is.
result<value> timestamp_to_string_int(std::span<const value> a, const sql_type&) {
    return format_millis(a[0].as_int(), a);
}
result<value> from_unixtime_int(std::span<const value> a, const sql_type&) {
    return value(timestamp_ms{a[0].as_int()});
}

// ConvertTz.java: the timestamp moved by the difference of the two zones'
// offsets at that instant (as a wall-clock time of `from` shown as one of
// `to`).
result<value> convert_tz(std::span<const value> a, const sql_type&) {
    auto from = zone_arg(a, 1);
    auto to = zone_arg(a, 2);
    if (!from || !to) {
        return error{errc::invalid_argument,
                     fmt::format("Invalid time zone: {}", (!from ? from : to).err().message)};
    }
    const int64_t ms = a[0].as_timestamp().millis;
    const int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const int64_t offset_ms =
        (int64_t{to->offset_at(seconds)} - int64_t{from->offset_at(seconds)}) * 1000;
    return value(timestamp_ms{ms + offset_ms});
}

// TimestampAdd.java / TimestampSub.java: ts plus (or minus) interval units
// (TimeUnit.toMillis saturates; the sum wraps as Java's long does).
template <int Sign>
class timestamp_add final : public bound_function {
  public:
    explicit timestamp_add(sql_type interval) : interval_(std::move(interval)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null() || a[1].is_null() || a[2].is_null()) {
            return value();
        }
        auto unit = time_unit_millis(a[0].as_string());
        if (!unit) {
            return error{errc::invalid_argument,
                         fmt::format("{}: unknown time unit '{}': expected MILLISECONDS, SECONDS, "
                                     "MINUTES, HOURS or DAYS",
                                     Sign > 0 ? "TIMESTAMPADD" : "TIMESTAMPSUB", a[0].as_string())};
        }
        const int64_t n = int_arg(a[1], interval_);
        int64_t ms = 0;
        if (__builtin_mul_overflow(n, *unit, &ms)) {
            ms = n < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
        }
        const auto t = static_cast<uint64_t>(a[2].as_timestamp().millis);
        const uint64_t d = static_cast<uint64_t>(ms);
        return value(timestamp_ms{static_cast<int64_t>(Sign > 0 ? t + d : t - d)});
    }

  private:
    sql_type interval_;
    sql_type ret_ = sql_type::timestamp();
};

template <int Sign>
void add_timestamp_add(registry& r, const char* name) {
    r.add(name, {fmt::format("{}(unit, INTEGER interval, TIMESTAMP) -> TIMESTAMP", name)},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 3 || !is(t[0], type_kind::string) || !is_integral(t[1]) ||
                  !is(t[2], type_kind::timestamp)) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new timestamp_add<Sign>(t[1]));
          });
}

}  // namespace

result<const time_format*> cached_time_format(const std::string& pattern) {
    thread_local lru<time_format> cache;
    return cache.get(pattern, [](const std::string& p) { return time_format::compile(p); });
}

void register_time_functions(registry& r) {
    add_timestamp_add<1>(r, "TIMESTAMPADD");
    add_timestamp_add<-1>(r, "TIMESTAMPSUB");
    r.add("CONVERT_TZ", {"CONVERT_TZ(TIMESTAMP, STRING from_zone, STRING to_zone) -> TIMESTAMP"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 3 || !is(t[0], type_kind::timestamp) ||
                  !is(t[1], type_kind::string) || !is(t[2], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::timestamp(), &convert_tz);
          });
    // NAME(first, STRING format[, STRING zone]) -> ret
    auto add_pattern = [&r](const char* name, const char* first, type_kind first_kind, sql_type ret,
                            call_fn f) {
        r.add(name,
              {fmt::format("{}({}, STRING format)", name, first),
               fmt::format("{}({}, STRING format, STRING zone)", name, first)},
              [first_kind, ret,
               f](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (!pattern_args(t, first_kind)) {
                      return no_match();
                  }
                  return make_simple(ret, f);
              });
    };
    add_pattern("PARSE_TIMESTAMP", "STRING", type_kind::string, sql_type::timestamp(),
                &parse_timestamp);
    add_pattern("STRINGTOTIMESTAMP", "STRING", type_kind::string, sql_type::bigint(),
                &string_to_timestamp);
    add_pattern("FORMAT_TIMESTAMP", "TIMESTAMP", type_kind::timestamp, sql_type::string(),
                &format_timestamp);
    r.add("TIMESTAMPTOSTRING",
          {"TIMESTAMPTOSTRING(BIGINT, STRING format)",
           "TIMESTAMPTOSTRING(BIGINT, STRING format, STRING zone)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (pattern_args(t, type_kind::bigint)) {
                  return make_simple(sql_type::string(), &timestamp_to_string);
              }
              if (pattern_args(t, type_kind::integer)) {
                  return make_simple(sql_type::string(), &timestamp_to_string_int);
              }
              return no_match();
          });
    r.add("FROM_UNIXTIME", {"FROM_UNIXTIME(BIGINT)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() == 1 && is(t[0], type_kind::bigint)) {
                  return make_simple(sql_type::timestamp(), &from_unixtime);
              }
              if (t.size() == 1 && is(t[0], type_kind::integer)) {
                  return make_simple(sql_type::timestamp(), &from_unixtime_int);
              }
              return no_match();
          });
    r.add_with_clock(
        "UNIX_TIMESTAMP", {"UNIX_TIMESTAMP()", "UNIX_TIMESTAMP(TIMESTAMP)"},
        [](std::span<const sql_type> t,
           const cs::clock& clock) -> result<std::unique_ptr<bound_function>> {
            if (t.empty()) {
                return std::unique_ptr<bound_function>(std::make_unique<now_function>(clock));
            }
            if (t.size() == 1 && is(t[0], type_kind::timestamp)) {
                return make_simple(sql_type::bigint(), &unix_timestamp_of);
            }
            return no_match();
        });
}

}  // namespace cs::streams::fn
