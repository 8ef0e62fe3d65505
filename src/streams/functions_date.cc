// DATE and TIME functions, as ksqlDB's datetime UDFs: PARSE_DATE,
// FORMAT_DATE, PARSE_TIME, FORMAT_TIME, DATEADD, DATESUB, TIMEADD, TIMESUB,
// UNIX_DATE, FROM_DAYS, and the deprecated INTEGER-day DATETOSTRING and
// STRINGTODATE. Patterns are Java DateTimeFormatter patterns
// (time_format.h), read in UTC; a function that fails on a record's value
// is an error (the record goes to the dead-letter topic), where ksqlDB
// throws a KsqlFunctionException.

#include <limits>

#include <fmt/format.h>

#include "base/civil_time.h"
#include "streams/function_support.h"
#include "streams/sql_time_types.h"
#include "streams/time_format.h"
#include "streams/time_units.h"

namespace cs::streams::fn {

namespace {

constexpr int64_t nanos_per_day = millis_per_day * 1'000'000;

// Pattern letters of date fields and of zone fields (what a LocalTime,
// resp. a LocalDate, cannot format), and of the hour of the day.
constexpr std::string_view date_letters = "yuMLdDEG";
constexpr std::string_view time_letters = "HhkKmsSa";
constexpr std::string_view zone_letters = "XxZV";

error unsupported_letter(std::string_view what, const std::string& pattern, char letter) {
    return error{errc::invalid_argument,
                 fmt::format("Failed to format {} with formatter '{}': Unsupported field: '{}'",
                             what, pattern, letter)};
}

// a[0] read with the pattern a[1] in UTC: the compiled pattern and the epoch
// milliseconds, or ksqlDB's "Failed to parse <what> ..." error.
struct parsed_text {
    const time_format* format = nullptr;
    int64_t ms = 0;
};

error parse_failure(std::string_view what, std::span<const value> a, std::string_view why) {
    return error{errc::invalid_argument,
                 fmt::format("Failed to parse {} '{}' with formatter '{}': {}", what,
                             a[0].as_string(), a[1].as_string(), why)};
}

result<parsed_text> parse_utc(std::string_view what, std::span<const value> a) {
    auto f = cached_time_format(a[1].as_string());
    if (!f) {
        return parse_failure(what, a, f.err().message);
    }
    auto ms = (*f)->parse(a[0].as_string(), time_zone::utc());
    if (!ms) {
        return parse_failure(what, a, ms.err().message);
    }
    return parsed_text{*f, *ms};
}

// ParseDate.java: a SimpleDateFormat-style pattern read in GMT; the result
// must be a whole day.
result<value> parse_date(std::span<const value> a, const sql_type&) {
    auto p = parse_utc("date", a);
    if (!p) {
        return p.take_error();
    }
    if (p->ms % millis_per_day != 0) {
        return parse_failure("date", a, "Date format contains time field.");
    }
    return value(date_days{static_cast<int32_t>(p->ms / millis_per_day)});
}

// FormatDate.java: LocalDate.format, which has no time or zone fields.
result<value> format_date(std::span<const value> a, const sql_type&) {
    const date_days d = a[0].as_date();
    const std::string& pattern = a[1].as_string();
    auto f = cached_time_format(pattern);
    if (!f) {
        return error{errc::invalid_argument,
                     fmt::format("Failed to format date {} with formatter '{}': {}",
                                 sql_date_text(d), pattern, f.err().message)};
    }
    if (char c = (*f)->uses_any(std::string(time_letters) + std::string(zone_letters)); c != 0) {
        return unsupported_letter("date " + sql_date_text(d), pattern, c);
    }
    return value((*f)->format(date_to_millis(d), time_zone::utc()));
}

// ParseTime.java: a time without date fields, as LocalTime.from.
result<value> parse_time(std::span<const value> a, const sql_type&) {
    auto p = parse_utc("time", a);
    if (!p) {
        return p.take_error();
    }
    const time_format& f = *p->format;
    if (f.uses_any(zone_letters) != 0) {
        return parse_failure("time", a,
                             "a zone or offset in a PARSE_TIME pattern is not supported yet");
    }
    if (f.uses_any(date_letters) != 0) {
        return parse_failure("time", a, "Time format contains date field.");
    }
    // LocalTime.from needs the hour of the day: H or k, or h or K with a.
    if (f.uses_any("Hk") == 0 && (f.uses_any("hK") == 0 || f.uses_any("a") == 0)) {
        return parse_failure("time", a,
                             "Unable to obtain LocalTime: the pattern has no hour of the day");
    }
    return value(time_ms{static_cast<int32_t>(civil::floor_mod(p->ms, millis_per_day))});
}

// FormatTime.java: LocalTime.format, which has no date or zone fields.
result<value> format_time(std::span<const value> a, const sql_type&) {
    const time_ms t = a[0].as_time();
    const std::string& pattern = a[1].as_string();
    if (t.millis < 0 || t.millis >= millis_per_day) {
        return error{errc::invalid_argument,
                     fmt::format("Failed to format time {} ms: not a time of day", t.millis)};
    }
    auto f = cached_time_format(pattern);
    if (!f) {
        return error{errc::invalid_argument,
                     fmt::format("Failed to format time {} with formatter '{}': {}",
                                 java_sql_time_text(t), pattern, f.err().message)};
    }
    if (char c = (*f)->uses_any(std::string(date_letters) + std::string(zone_letters)); c != 0) {
        return unsupported_letter("time " + java_sql_time_text(t), pattern, c);
    }
    return value((*f)->format(t.millis, time_zone::utc()));
}

// DateToString.java (deprecated): FORMAT_DATE of an INTEGER day number.
result<value> date_to_string(std::span<const value> a, const sql_type& ret) {
    if (a[1].is_null()) {
        return value();
    }
    if (a[0].is_null()) {
        return error{errc::invalid_argument,
                     "DATETOSTRING: the day number is NULL (ksqlDB takes an int)"};
    }
    const value args[] = {value(date_days{a[0].as_int()}), a[1]};
    return format_date(args, ret);
}

// StringToDate.java (deprecated): LocalDate.parse to an INTEGER day number;
// NULL fails, as ksqlDB has no NULL for its int.
result<value> string_to_date(std::span<const value> a, const sql_type&) {
    if (a[0].is_null() || a[1].is_null()) {
        return error{errc::invalid_argument,
                     "STRINGTODATE: a NULL date or format (ksqlDB returns an int, never NULL)"};
    }
    auto p = parse_utc("date", a);
    if (!p) {
        return p.take_error();
    }
    // LocalDate.from needs the year and the month and day, or the day of the year.
    const time_format& f = *p->format;
    if (f.uses_any("yu") == 0 ||
        (f.uses_any("D") == 0 && (f.uses_any("ML") == 0 || f.uses_any("d") == 0))) {
        return parse_failure("date", a, "Unable to obtain LocalDate: the pattern has no full date");
    }
    return value(static_cast<int32_t>(civil::floor_div(p->ms, millis_per_day)));
}

result<value> unix_date_of(std::span<const value> a, const sql_type&) {
    return value(a[0].as_date().days);
}

result<value> from_days(std::span<const value> a, const sql_type&) {
    return value(date_days{a[0].as_int()});
}

class unix_date_now final : public bound_function {
  public:
    explicit unix_date_now(const cs::clock& c) : clock_(c) {}
    const sql_type& return_type() const override { return type_; }
    result<value> call(std::span<const value>) const override {
        return value(static_cast<int32_t>(civil::floor_div(clock_.now_ms(), millis_per_day)));
    }

  private:
    const cs::clock& clock_;
    sql_type type_ = sql_type::integer();
};

// TimeUnit.toMillis / toNanos: n units, saturating at the long range.
int64_t saturating_mul(int64_t n, int64_t unit) {
    int64_t out = 0;
    if (__builtin_mul_overflow(n, unit, &out)) {
        return (n < 0) != (unit < 0) ? std::numeric_limits<int64_t>::min()
                                     : std::numeric_limits<int64_t>::max();
    }
    return out;
}

// LocalTime.plusNanos: wraps around midnight.
int64_t plus_nanos(int64_t nofd, int64_t n) {
    return ((n % nanos_per_day) + nofd + nanos_per_day) % nanos_per_day;
}

enum class shifted { date, time };

// DateAdd/DateSub and TimeAdd/TimeSub: (unit, INTEGER n, DATE|TIME).
template <shifted What, int Sign>
result<value> shift(std::span<const value> a, const sql_type&) {
    const char* name = What == shifted::date ? (Sign > 0 ? "DATEADD" : "DATESUB")
                                             : (Sign > 0 ? "TIMEADD" : "TIMESUB");
    auto unit = time_unit_millis(a[0].as_string());
    if (!unit) {
        return error{errc::invalid_argument,
                     fmt::format("{}: unknown time unit '{}': expected MILLISECONDS, SECONDS, "
                                 "MINUTES, HOURS or DAYS",
                                 name, a[0].as_string())};
    }
    const int64_t n = a[1].as_int();
    if constexpr (What == shifted::date) {
        // MILLISECONDS.toDays(date ms ± unit.toMillis(n)): the sum wraps as
        // Java's long does and the days are truncated toward zero.
        const auto t = static_cast<uint64_t>(date_to_millis(a[2].as_date()));
        const auto d = static_cast<uint64_t>(saturating_mul(n, *unit));
        const auto ms = static_cast<int64_t>(Sign > 0 ? t + d : t - d);
        return value(date_days{static_cast<int32_t>(ms / millis_per_day)});
    } else {
        const int32_t ms = a[2].as_time().millis;
        if (ms < 0 || ms >= millis_per_day) {
            return error{errc::invalid_argument,
                         fmt::format("{}: {} ms is not a time of day", name, ms)};
        }
        const int64_t nofd = int64_t{ms} * 1'000'000;
        const int64_t nanos = saturating_mul(n, *unit * 1'000'000);
        int64_t out = 0;
        if (Sign > 0) {
            out = plus_nanos(nofd, nanos);
        } else if (nanos == std::numeric_limits<int64_t>::min()) {
            // LocalTime.minus(Long.MIN_VALUE): plus(Long.MAX_VALUE) then plus(1).
            out = plus_nanos(plus_nanos(nofd, std::numeric_limits<int64_t>::max()), 1);
        } else {
            out = plus_nanos(nofd, -nanos);
        }
        return value(time_ms{static_cast<int32_t>(out / 1'000'000)});
    }
}

template <shifted What, int Sign>
void add_shift(registry& r, const char* name) {
    const char* type = What == shifted::date ? "DATE" : "TIME";
    r.add(name, {fmt::format("{}(unit, INTEGER interval, {}) -> {}", name, type, type)},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              const type_kind k = What == shifted::date ? type_kind::date : type_kind::time;
              if (t.size() != 3 || !is(t[0], type_kind::string) || !is(t[1], type_kind::integer) ||
                  !is(t[2], k)) {
                  return no_match();
              }
              return make_simple(sql_type::of(k), &shift<What, Sign>);
          });
}

// NAME(first, STRING pattern) -> ret
void add_pattern(registry& r, const char* name, const char* first, type_kind first_kind,
                 sql_type ret, call_fn f) {
    r.add(name, {fmt::format("{}({}, STRING format) -> {}", name, first, ret.to_string())},
          [first_kind, ret,
           f](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], first_kind) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(ret, f);
          });
}

}  // namespace

void register_date_functions(registry& r) {
    add_pattern(r, "PARSE_DATE", "STRING", type_kind::string, sql_type::date(), &parse_date);
    add_pattern(r, "FORMAT_DATE", "DATE", type_kind::date, sql_type::string(), &format_date);
    add_pattern(r, "PARSE_TIME", "STRING", type_kind::string, sql_type::time(), &parse_time);
    add_pattern(r, "FORMAT_TIME", "TIME", type_kind::time, sql_type::string(), &format_time);
    add_shift<shifted::date, 1>(r, "DATEADD");
    add_shift<shifted::date, -1>(r, "DATESUB");
    add_shift<shifted::time, 1>(r, "TIMEADD");
    add_shift<shifted::time, -1>(r, "TIMESUB");
    r.add("DATETOSTRING", {"DATETOSTRING(INTEGER days, STRING format) -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::integer) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &date_to_string, false);
          });
    r.add("STRINGTODATE", {"STRINGTODATE(STRING, STRING format) -> INTEGER"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::string) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::integer(), &string_to_date, false);
          });
    r.add("FROM_DAYS", {"FROM_DAYS(INTEGER days) -> DATE"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !is(t[0], type_kind::integer)) {
                  return no_match();
              }
              return make_simple(sql_type::date(), &from_days);
          });
    r.add_with_clock(
        "UNIX_DATE", {"UNIX_DATE() -> INTEGER", "UNIX_DATE(DATE) -> INTEGER"},
        [](std::span<const sql_type> t,
           const cs::clock& clock) -> result<std::unique_ptr<bound_function>> {
            if (t.empty()) {
                return std::unique_ptr<bound_function>(std::make_unique<unix_date_now>(clock));
            }
            if (t.size() == 1 && is(t[0], type_kind::date)) {
                return make_simple(sql_type::integer(), &unix_date_of);
            }
            return no_match();
        });
}

}  // namespace cs::streams::fn
