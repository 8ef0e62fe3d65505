// STDDEV_SAMP, STDDEV_SAMPLE, CORRELATION, HISTOGRAM, TOPK, TOPKDISTINCT,
// ATTR and SUM_LIST (see aggregate_more.h).

#include "streams/aggregate_more.h"

#include <algorithm>
#include <cmath>

#include "streams/operators.h"

namespace cs::streams::more_aggregates {

namespace {

constexpr size_t histogram_limit = 1000;  // HistogramUdaf.LIMIT

// Java's wrapping int/long arithmetic.
int32_t wrap32(int64_t v) {
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}
int64_t add64(int64_t a, int64_t b) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t mul64(int64_t a, int64_t b) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

value_struct fields_of(const value& v) {
    return v.as_struct();
}

// ---- STDDEV_SAMP / STDDEV_SAMPLE: STRUCT<SUM t, COUNT BIGINT, M2 DOUBLE>.

struct moments {
    value sum;  // INT, BIGINT or DOUBLE as the argument
    int64_t count = 0;
    double m2 = 0;
};

moments moments_of(const value& v) {
    const auto& f = v.as_struct().fields;
    return {f[0], f[1].as_bigint(), f[2].as_double()};
}

value to_value(const moments& m) {
    return value::struct_(value_struct{{m.sum, value(m.count), value(m.m2)}});
}

// The sum's kind: INT and BIGINT stay integral; anything else is DOUBLE.
type_kind sum_kind(const aggregate_fn& f) {
    return f.state_type.children[0].kind;
}

value zero_sum(type_kind k) {
    switch (k) {
        case type_kind::integer:
            return int32_t{0};
        case type_kind::bigint:
            return int64_t{0};
        default:
            return 0.0;
    }
}

// The argument as the sum's type (DECIMAL becomes DOUBLE).
value as_sum_type(const aggregate_fn& f, const value& arg) {
    if (sum_kind(f) == type_kind::double_) {
        return to_double(arg, f.arg_type);
    }
    return arg;
}

// sum + v (add) or sum - v, wrapping.
value sum_with(type_kind k, const value& sum, const value& v, int sign) {
    switch (k) {
        case type_kind::integer:
            return wrap32(static_cast<int64_t>(sum.as_int()) + sign * int64_t{v.as_int()});
        case type_kind::bigint:
            return add64(sum.as_bigint(), mul64(sign, v.as_bigint()));
        default:
            return sum.as_double() + sign * v.as_double();
    }
}

// createDelta: v * (count + 1) - (sum + v), in the argument's arithmetic.
double delta_of(type_kind k, const moments& m, const value& v) {
    switch (k) {
        case type_kind::integer: {
            const int32_t sum_plus = wrap32(int64_t{m.sum.as_int()} + v.as_int());
            return static_cast<double>(add64(mul64(v.as_int(), m.count + 1), -int64_t{sum_plus}));
        }
        case type_kind::bigint: {
            const int64_t sum_plus = add64(m.sum.as_bigint(), v.as_bigint());
            return static_cast<double>(add64(mul64(v.as_bigint(), m.count + 1), -sum_plus));
        }
        default:
            return v.as_double() * static_cast<double>(m.count + 1) -
                   (m.sum.as_double() + v.as_double());
    }
}

status stddev_add(const aggregate_fn& f, agg_state& s, const value& raw, int sign) {
    const value v = as_sum_type(f, raw);
    const type_kind k = sum_kind(f);
    moments m = moments_of(s.v);
    const int64_t count = m.count + sign;
    double m2 = 0;
    if (sign > 0 && count - 1 > 0) {
        const double d = delta_of(k, m, v);
        m2 = d * d / static_cast<double>(mul64(count, count - 1));
    } else if (sign < 0 && count > 0) {
        const double d = delta_of(k, m, v);
        m2 = d * d / static_cast<double>(mul64(count, count + 1));
    }
    m.m2 = sign > 0 ? m2 + m.m2 : m.m2 - m2;
    m.sum = sum_with(k, m.sum, v, sign);
    m.count = count;
    s.v = to_value(m);
    return {};
}

// merge's inner term: the difference of the means; STDDEV_SAMP divides
// INT/BIGINT sums as integers (Java's long division), STDDEV_SAMPLE as doubles.
double mean_gap(const aggregate_fn& f, const moments& a, const moments& b) {
    const type_kind k = sum_kind(f);
    if (k == type_kind::double_) {
        return a.sum.as_double() / static_cast<double>(a.count) -
               b.sum.as_double() / static_cast<double>(b.count);
    }
    const int64_t sa = k == type_kind::integer ? a.sum.as_int() : a.sum.as_bigint();
    const int64_t sb = k == type_kind::integer ? b.sum.as_int() : b.sum.as_bigint();
    if (f.kind == agg_kind::stddev_samp) {
        return static_cast<double>(sa / a.count - sb / b.count);
    }
    return static_cast<double>(sa) / static_cast<double>(a.count) -
           static_cast<double>(sb) / static_cast<double>(b.count);
}

void stddev_merge(const aggregate_fn& f, agg_state& earlier, const agg_state& later) {
    moments a = moments_of(earlier.v);
    const moments b = moments_of(later.v);
    const int64_t count = a.count + b.count;
    double m2 = a.m2 + b.m2;
    if (a.count != 0 && b.count != 0) {
        const double gap = mean_gap(f, a, b);
        m2 += static_cast<double>(mul64(a.count, b.count)) * gap * gap / static_cast<double>(count);
    }
    a.sum = sum_with(sum_kind(f), a.sum, b.sum, 1);
    a.count = count;
    a.m2 = m2;
    earlier.v = to_value(a);
}

// ---- CORRELATION: STRUCT<X_SUM, Y_SUM, X_SQUARED_SUM, Y_SQUARED_SUM, XY_SUM
// DOUBLE, COUNT BIGINT>; the argument a STRUCT of the two columns.

constexpr size_t correlation_sums = 5;

void correlation_add(const aggregate_fn& f, agg_state& s, const value& arg, int sign) {
    const auto& xy = arg.as_struct().fields;
    if (xy[0].is_null() || xy[1].is_null()) {
        return;
    }
    const double x = to_double(xy[0], f.arg_types[0]);
    const double y = to_double(xy[1], f.arg_types[1]);
    value_struct st = fields_of(s.v);
    const double terms[correlation_sums] = {x, y, x * x, y * y, x * y};
    for (size_t i = 0; i < correlation_sums; ++i) {
        st.fields[i] = st.fields[i].as_double() + sign * terms[i];
    }
    st.fields[5] = st.fields[5].as_bigint() + sign;
    s.v = value::struct_(std::move(st));
}

value correlation_result(const agg_state& s) {
    const auto& f = s.v.as_struct().fields;
    const double sx = f[0].as_double(), sy = f[1].as_double();
    const double sxx = f[2].as_double(), syy = f[3].as_double(), sxy = f[4].as_double();
    const auto n = static_cast<double>(f[5].as_bigint());
    const double numerator = n * sxy - sx * sy;
    const double dx = n * sxx - sx * sx;
    const double dy = n * syy - sy * sy;
    return numerator / std::sqrt(dx * dy);
}

// ---- HISTOGRAM: MAP<STRING, BIGINT>.

void histogram_add(agg_state& s, const std::string& key, int64_t by) {
    value_map m = s.v.as_map();
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (it->first == key) {
            const int64_t n = it->second.as_bigint() + by;
            if (n < 1) {
                m.erase(it);  // HistogramUdaf.undo drops a count below 1
            } else {
                it->second = n;
            }
            s.v = value::map(std::move(m));
            return;
        }
    }
    if (by > 0 && m.size() < histogram_limit) {
        m.emplace_back(key, value(by));
        s.v = value::map(std::move(m));
    }
}

// ---- TOPK / TOPKDISTINCT: ARRAY<T>, descending.

// TOPK(x, other, ..., k) keeps STRUCT<sort_col, col0, ...>s, sorted by x.
bool struct_form(const aggregate_fn& f) {
    return f.kind == agg_kind::topk && f.arg_types.size() > 1;
}

const value& sort_value(const aggregate_fn& f, const value& v) {
    return struct_form(f) ? v.as_struct().fields[0] : v;
}

result<int> compare(const aggregate_fn& f, const value& a, const value& b) {
    const sql_type& t = f.arg_types[0];
    return compare_values(sort_value(f, a), t, sort_value(f, b), t);
}

status topk_add(const aggregate_fn& f, agg_state& s, const value& v) {
    value_list items = s.v.as_array();
    const size_t k = static_cast<size_t>(f.k);
    if (!items.empty() && items.size() == k) {
        auto c = compare(f, v, items.back());
        if (!c) {
            return c.err();
        }
        if (*c <= 0) {
            return {};
        }
    }
    if (f.kind == agg_kind::topkdistinct &&
        std::find(items.begin(), items.end(), v) != items.end()) {
        return {};
    }
    if (items.size() == k) {
        items.back() = v;
    } else {
        items.push_back(v);
    }
    // Java's List.sort is stable: equal values keep their order.
    std::stable_sort(items.begin(), items.end(), [&](const value& a, const value& b) {
        auto c = compare(f, a, b);
        return c.ok() && *c > 0;
    });
    s.v = value::array(std::move(items));
    return {};
}

// TopkKudaf.merge / TopkDistinctKudaf.merge: the k greatest of two
// descending lists (TOPKDISTINCT takes an equal pair once).
status topk_merge(const aggregate_fn& f, agg_state& earlier, const agg_state& later) {
    const value_list& a = earlier.v.as_array();
    const value_list& b = later.v.as_array();
    value_list out;
    size_t i = 0, j = 0;
    while (out.size() < static_cast<size_t>(f.k) && (i < a.size() || j < b.size())) {
        if (j == b.size()) {
            out.push_back(a[i++]);
            continue;
        }
        if (i == a.size()) {
            out.push_back(b[j++]);
            continue;
        }
        auto c = compare(f, a[i], b[j]);
        if (!c) {
            return c.err();
        }
        if (*c == 0 && f.kind == agg_kind::topkdistinct) {
            out.push_back(a[i++]);
            ++j;
        } else if (*c >= 0) {
            out.push_back(a[i++]);
        } else {
            out.push_back(b[j++]);
        }
    }
    earlier.v = value::array(std::move(out));
    return {};
}

// ---- ATTR: ARRAY<STRUCT<VALUE T, COUNT INT>>.

void attr_update(agg_state& s, const value& v, int32_t by) {
    value_list entries = s.v.as_array();
    for (auto& e : entries) {
        value_struct st = e.as_struct();
        if (st.fields[0] == v) {
            st.fields[1] = std::max(0, st.fields[1].as_int() + by);
            e = value::struct_(std::move(st));
            s.v = value::array(std::move(entries));
            return;
        }
    }
    if (by > 0) {
        entries.push_back(value::struct_(value_struct{{v, value(by)}}));
        s.v = value::array(std::move(entries));
    }
}

value attr_result(const agg_state& s) {
    const value* only = nullptr;
    for (const auto& e : s.v.as_array()) {
        const auto& st = e.as_struct();
        if (st.fields[1].as_int() > 0) {
            if (only != nullptr) {
                return value();
            }
            only = &st.fields[0];
        }
    }
    return only == nullptr ? value() : *only;
}

// ---- SUM_LIST: the element type's sum.

value list_sum(const aggregate_fn& f, const value& list) {
    value sum = zero_sum(f.result_type.kind);
    for (const auto& v : list.as_array()) {
        if (!v.is_null()) {
            sum = sum_with(f.result_type.kind, sum, v, 1);
        }
    }
    return sum;
}

result<aggregate_fn> refuse(const aggregate_fn& f, const std::vector<sql_type>& args) {
    std::string types;
    for (size_t i = 0; i < args.size(); ++i) {
        types += (i == 0 ? "" : ", ") + args[i].to_string();
    }
    return error{errc::invalid_argument, std::string("Function '") + aggregate_name(f.kind) +
                                             "' does not accept parameters (" + types + ")"};
}

bool is_one_of(const sql_type& t, std::initializer_list<type_kind> kinds) {
    return std::find(kinds.begin(), kinds.end(), t.kind) != kinds.end();
}

}  // namespace

bool handles(agg_kind k) {
    switch (k) {
        case agg_kind::stddev_samp:
        case agg_kind::stddev_sample:
        case agg_kind::correlation:
        case agg_kind::histogram:
        case agg_kind::topk:
        case agg_kind::topkdistinct:
        case agg_kind::attr:
        case agg_kind::sum_list:
            return true;
        default:
            return false;
    }
}

bool undoable(agg_kind k) {
    return handles(k) && k != agg_kind::topk && k != agg_kind::topkdistinct;
}

result<aggregate_fn> resolve(aggregate_fn f, const std::vector<sql_type>& args) {
    const size_t arity = f.kind == agg_kind::correlation ? 2 : 1;
    const bool variadic = f.kind == agg_kind::topk && args.size() > 1;  // TOPK(x, other, .., k)
    if (args.size() != arity && !variadic) {
        return refuse(f, args);
    }
    const sql_type& t = args[0];
    f.arg_type = t;
    f.arg_types = args;
    switch (f.kind) {
        case agg_kind::stddev_samp:
        case agg_kind::stddev_sample: {
            if (!t.is_numeric()) {
                return refuse(f, args);
            }
            sql_type sum =
                is_one_of(t, {type_kind::integer, type_kind::bigint}) ? t : sql_type::double_();
            f.result_type = sql_type::double_();
            f.state_type = sql_type::struct_({"SUM", "COUNT", "M2"},
                                             {sum, sql_type::bigint(), sql_type::double_()});
            return f;
        }
        case agg_kind::correlation:
            if (!args[0].is_numeric() || !args[1].is_numeric()) {
                return refuse(f, args);
            }
            f.arg_type = sql_type::struct_({"X", "Y"}, args);
            f.result_type = sql_type::double_();
            f.state_type = sql_type::struct_(
                {"X_SUM", "Y_SUM", "X_SQUARED_SUM", "Y_SQUARED_SUM", "XY_SUM", "COUNT"},
                {sql_type::double_(), sql_type::double_(), sql_type::double_(), sql_type::double_(),
                 sql_type::double_(), sql_type::bigint()});
            return f;
        case agg_kind::histogram:
            if (t.kind != type_kind::string) {
                return refuse(f, args);
            }
            f.result_type = sql_type::map(sql_type::bigint());
            f.state_type = f.result_type;
            return f;
        case agg_kind::topk:
        case agg_kind::topkdistinct: {
            if (struct_form(f)) {
                // TOPK(x, other, ..., k): ARRAY<STRUCT<sort_col, col0, ...>>.
                std::vector<std::string> fields{"sort_col"};
                for (size_t i = 1; i < args.size(); ++i) {
                    fields.push_back("col" + std::to_string(i - 1));
                }
                f.arg_type = sql_type::struct_(fields, args);
            }
            const bool more = f.kind == agg_kind::topkdistinct &&
                              is_one_of(t, {type_kind::decimal, type_kind::date, type_kind::time,
                                            type_kind::timestamp, type_kind::bytes});
            if (!more && !is_one_of(t, {type_kind::integer, type_kind::bigint, type_kind::double_,
                                        type_kind::string})) {
                return refuse(f, args);
            }
            f.result_type = sql_type::array(f.arg_type);
            f.state_type = f.result_type;
            return f;
        }
        case agg_kind::attr:
            f.result_type = t;
            f.state_type =
                sql_type::array(sql_type::struct_({"VALUE", "COUNT"}, {t, sql_type::integer()}));
            return f;
        case agg_kind::sum_list:
            if (t.kind != type_kind::array ||
                !is_one_of(t.children[0],
                           {type_kind::integer, type_kind::bigint, type_kind::double_})) {
                return refuse(f, args);
            }
            f.result_type = t.children[0];
            f.state_type = f.result_type;
            return f;
        default:
            return refuse(f, args);
    }
}

void init(const aggregate_fn& f, agg_state& s) {
    switch (f.kind) {
        case agg_kind::stddev_samp:
        case agg_kind::stddev_sample:
            s.v = to_value({zero_sum(sum_kind(f)), 0, 0.0});
            return;
        case agg_kind::correlation:
            s.v = value::struct_(value_struct{
                {value(0.0), value(0.0), value(0.0), value(0.0), value(0.0), value(int64_t{0})}});
            return;
        case agg_kind::histogram:
            s.v = value::map({});
            return;
        case agg_kind::sum_list:
            s.v = zero_sum(f.result_type.kind);
            return;
        default:
            s.v = value::array({});
            return;
    }
}

namespace {

// Adds (sign 1) or takes back (sign -1) one record's argument.
status step(const aggregate_fn& f, agg_state& s, const value& arg, int sign) {
    if (f.kind == agg_kind::correlation) {
        correlation_add(f, s, arg, sign);
        return {};
    }
    if (f.kind == agg_kind::attr) {
        attr_update(s, arg, sign);  // NULL is a value too
        return {};
    }
    if (arg.is_null()) {
        return {};
    }
    switch (f.kind) {
        case agg_kind::stddev_samp:
        case agg_kind::stddev_sample:
            return stddev_add(f, s, arg, sign);
        case agg_kind::histogram:
            histogram_add(s, arg.as_string(), sign);
            return {};
        case agg_kind::sum_list:
            s.v = sum_with(f.result_type.kind, s.v, list_sum(f, arg), sign);
            return {};
        case agg_kind::topk:
        case agg_kind::topkdistinct:
            if (sign > 0) {
                // A NULL sort column is skipped (TopkKudaf.aggregate).
                return sort_value(f, arg).is_null() ? status{} : topk_add(f, s, arg);
            }
            break;
        default:
            break;
    }
    return status(errc::invalid_argument,
                  std::string(aggregate_name(f.kind)) + " has no undo (a table source)");
}

}  // namespace

status add(const aggregate_fn& f, agg_state& s, const value& arg) {
    return step(f, s, arg, 1);
}

status undo(const aggregate_fn& f, agg_state& s, const value& arg) {
    return step(f, s, arg, -1);
}

status merge(const aggregate_fn& f, agg_state& earlier, const agg_state& later) {
    switch (f.kind) {
        case agg_kind::stddev_samp:
        case agg_kind::stddev_sample:
            stddev_merge(f, earlier, later);
            return {};
        case agg_kind::correlation: {
            value_struct a = fields_of(earlier.v);
            const auto& b = later.v.as_struct().fields;
            for (size_t i = 0; i < correlation_sums; ++i) {
                a.fields[i] = a.fields[i].as_double() + b[i].as_double();
            }
            a.fields[5] = a.fields[5].as_bigint() + b[5].as_bigint();
            earlier.v = value::struct_(std::move(a));
            return {};
        }
        case agg_kind::histogram:
            for (const auto& [k, n] : later.v.as_map()) {
                histogram_add(earlier, k, n.as_bigint());
            }
            return {};
        case agg_kind::topk:
        case agg_kind::topkdistinct:
            return topk_merge(f, earlier, later);
        case agg_kind::attr:
            for (const auto& e : later.v.as_array()) {
                const auto& st = e.as_struct();
                attr_update(earlier, st.fields[0], st.fields[1].as_int());
            }
            return {};
        case agg_kind::sum_list:
            earlier.v = sum_with(f.result_type.kind, earlier.v, later.v, 1);
            return {};
        default:
            return {};
    }
}

value result_of(const aggregate_fn& f, const agg_state& s) {
    switch (f.kind) {
        case agg_kind::stddev_samp:
        case agg_kind::stddev_sample: {
            const moments m = moments_of(s.v);
            if (m.count < 2) {
                return 0.0;
            }
            const double variance = m.m2 / static_cast<double>(m.count - 1);
            return f.kind == agg_kind::stddev_samp ? variance : std::sqrt(variance);
        }
        case agg_kind::correlation:
            return correlation_result(s);
        case agg_kind::attr:
            return attr_result(s);
        default:
            return s.v;
    }
}

}  // namespace cs::streams::more_aggregates
