// ksqlDB's aggregate functions (see aggregate.h).

#include "streams/aggregate.h"

#include <algorithm>
#include <array>

#include "streams/aggregate_more.h"
#include "streams/decimal.h"
#include "streams/operators.h"

namespace cs::streams {

namespace {

struct named_kind {
    std::string_view name;
    agg_kind kind;
};

constexpr std::array<named_kind, 18> names = {{
    {"COUNT", agg_kind::count},
    {"SUM", agg_kind::sum},
    {"AVG", agg_kind::avg},
    {"MIN", agg_kind::min},
    {"MAX", agg_kind::max},
    {"LATEST_BY_OFFSET", agg_kind::latest_by_offset},
    {"EARLIEST_BY_OFFSET", agg_kind::earliest_by_offset},
    {"COUNT_DISTINCT", agg_kind::count_distinct},
    {"COLLECT_LIST", agg_kind::collect_list},
    {"COLLECT_SET", agg_kind::collect_set},
    {"STDDEV_SAMP", agg_kind::stddev_samp},
    {"STDDEV_SAMPLE", agg_kind::stddev_sample},
    {"CORRELATION", agg_kind::correlation},
    {"HISTOGRAM", agg_kind::histogram},
    {"TOPK", agg_kind::topk},
    {"TOPKDISTINCT", agg_kind::topkdistinct},
    {"ATTR", agg_kind::attr},
    {"SUM_LIST", agg_kind::sum_list},
}};

bool contains(const value_list& items, const value& v) {
    return std::find(items.begin(), items.end(), v) != items.end();
}

}  // namespace

std::optional<agg_kind> aggregate_kind(std::string_view name) {
    for (const auto& n : names) {
        if (n.name == name) {
            return n.kind;
        }
    }
    return std::nullopt;
}

std::vector<std::string> aggregate_names() {
    std::vector<std::string> out;
    for (const auto& n : names) {
        out.emplace_back(n.name);
    }
    return out;
}

const char* aggregate_name(agg_kind k) {
    if (k == agg_kind::count_star) {
        return "COUNT";
    }
    for (const auto& n : names) {
        if (n.kind == k) {
            return n.name.data();
        }
    }
    return "?";
}

size_t aggregate_column_args(agg_kind k) {
    return k == agg_kind::correlation ? 2 : 1;
}

size_t aggregate_literal_args(agg_kind k) {
    return k == agg_kind::topk || k == agg_kind::topkdistinct ? 1 : 0;
}

result<aggregate_fn> resolve_aggregate(agg_kind kind, const std::vector<sql_type>& args,
                                       const std::vector<int64_t>& literals) {
    aggregate_fn f;
    f.kind = kind;
    if (literals.size() != aggregate_literal_args(kind)) {
        return error{errc::invalid_argument, std::string(aggregate_name(kind)) + " takes " +
                                                 std::to_string(aggregate_literal_args(kind)) +
                                                 " literal argument(s), got " +
                                                 std::to_string(literals.size())};
    }
    if (!literals.empty()) {
        if (literals[0] < 1 || literals[0] > INT32_MAX) {
            return error{errc::invalid_argument, std::string(aggregate_name(kind)) +
                                                     ": k must be a positive INTEGER, got " +
                                                     std::to_string(literals[0])};
        }
        f.k = static_cast<int32_t>(literals[0]);
    }
    if (more_aggregates::handles(kind)) {
        return more_aggregates::resolve(std::move(f), args);
    }
    if (kind == agg_kind::count_star) {
        f.result_type = sql_type::bigint();
        f.state_type = sql_type::bigint();
        return f;
    }
    if (args.size() != 1) {
        return error{errc::invalid_argument, std::string(aggregate_name(kind)) +
                                                 " takes one argument, got " +
                                                 std::to_string(args.size())};
    }
    const sql_type& t = args[0];
    f.arg_type = t;
    auto refuse = [&]() -> result<aggregate_fn> {
        return error{errc::invalid_argument, std::string("Function '") + aggregate_name(kind) +
                                                 "' does not accept parameters (" + t.to_string() +
                                                 ")"};
    };
    switch (kind) {
        case agg_kind::count:
        case agg_kind::count_distinct:
            f.result_type = sql_type::bigint();
            f.state_type = kind == agg_kind::count ? sql_type::bigint() : sql_type::array(t);
            return f;
        case agg_kind::sum:
            if (!t.is_numeric()) {
                return refuse();
            }
            f.result_type = t;
            f.state_type = t;
            return f;
        case agg_kind::avg:
            if (!t.is_numeric()) {
                return refuse();
            }
            f.result_type = sql_type::double_();
            f.state_type = t.kind == type_kind::integer ? sql_type::bigint() : t;
            return f;
        case agg_kind::min:
        case agg_kind::max:
            if (!t.is_numeric() && t.kind != type_kind::string && t.kind != type_kind::timestamp &&
                t.kind != type_kind::date && t.kind != type_kind::time &&
                t.kind != type_kind::boolean && t.kind != type_kind::bytes) {
                return refuse();
            }
            f.result_type = t;
            f.state_type = t;
            return f;
        case agg_kind::latest_by_offset:
        case agg_kind::earliest_by_offset:
            f.result_type = t;
            f.state_type = t;
            return f;
        case agg_kind::collect_list:
        case agg_kind::collect_set:
            f.result_type = sql_type::array(t);
            f.state_type = f.result_type;
            return f;
        default:  // count_star; aggregate_more.h's kinds
            break;
    }
    return refuse();
}

agg_state aggregate_init(const aggregate_fn& f) {
    agg_state s;
    if (more_aggregates::handles(f.kind)) {
        more_aggregates::init(f, s);
        return s;
    }
    if (f.kind == agg_kind::sum) {
        switch (f.result_type.kind) {
            case type_kind::integer:
                s.v = int32_t{0};
                break;
            case type_kind::bigint:
                s.v = int64_t{0};
                break;
            case type_kind::double_:
                s.v = 0.0;
                break;
            default:
                s.v = decimal_value{.unscaled = 0, .scale = f.result_type.scale};
                break;
        }
    }
    return s;
}

namespace {

// a += b for a sum of type t (INT/BIGINT wrap as Java's).
status add_to(value& a, const value& b, const sql_type& arg, const sql_type& t) {
    switch (t.kind) {
        case type_kind::integer:
            a = static_cast<int32_t>(static_cast<uint32_t>(a.as_int()) +
                                     static_cast<uint32_t>(b.as_int()));
            return {};
        case type_kind::bigint: {
            int64_t add = arg.kind == type_kind::integer ? b.as_int() : b.as_bigint();
            a = static_cast<int64_t>(static_cast<uint64_t>(a.is_null() ? 0 : a.as_bigint()) +
                                     static_cast<uint64_t>(add));
            return {};
        }
        case type_kind::double_:
            a = (a.is_null() ? 0.0 : a.as_double()) + b.as_double();
            return {};
        default: {
            decimal_value sum =
                a.is_null() ? decimal_value{.unscaled = 0, .scale = t.scale} : a.as_decimal();
            sum.unscaled += b.as_decimal().unscaled;
            if (!decimal::fits(sum, t.precision)) {
                return status(errc::invalid_argument,
                              "Numeric field overflow: A field with precision " +
                                  std::to_string(t.precision) + " and scale " +
                                  std::to_string(t.scale) +
                                  " must round to an absolute value less than 10^" +
                                  std::to_string(t.precision - t.scale));
            }
            a = sum;
            return {};
        }
    }
}

// -v, wrapping as Java's arithmetic does.
value negated(const value& v, const sql_type& t) {
    switch (t.kind) {
        case type_kind::integer:
            return static_cast<int32_t>(0U - static_cast<uint32_t>(v.as_int()));
        case type_kind::bigint:
            return static_cast<int64_t>(0ULL - static_cast<uint64_t>(v.as_bigint()));
        case type_kind::double_:
            return -v.as_double();
        default: {
            decimal_value d = v.as_decimal();
            d.unscaled = -d.unscaled;
            return d;
        }
    }
}

}  // namespace

bool aggregate_undoable(agg_kind k) {
    if (more_aggregates::handles(k)) {
        return more_aggregates::undoable(k);
    }
    switch (k) {
        case agg_kind::count_star:
        case agg_kind::count:
        case agg_kind::sum:
        case agg_kind::avg:
        case agg_kind::collect_list:
            return true;
        default:
            return false;
    }
}

status aggregate_undo(const aggregate_fn& f, agg_state& s, const value& arg) {
    if (more_aggregates::handles(f.kind)) {
        return more_aggregates::undo(f, s, arg);
    }
    if (f.kind == agg_kind::count_star) {
        --s.n;
        return {};
    }
    if (f.kind == agg_kind::collect_list) {
        if (s.v.is_null()) {
            return {};
        }
        value_list items = s.v.as_array();
        auto last = std::find(items.rbegin(), items.rend(), arg);
        if (last != items.rend()) {
            items.erase(std::next(last).base());
            s.v = value::array(std::move(items));
        }
        return {};
    }
    if (arg.is_null()) {
        return {};
    }
    switch (f.kind) {
        case agg_kind::count:
            --s.n;
            return {};
        case agg_kind::avg:
            --s.n;
            [[fallthrough]];
        case agg_kind::sum:
            return add_to(s.v, negated(arg, f.arg_type), f.arg_type, f.state_type);
        default:
            return status(errc::invalid_argument,
                          std::string(aggregate_name(f.kind)) + " has no undo (a table source)");
    }
}

status aggregate_add(const aggregate_fn& f, agg_state& s, const value& arg) {
    if (more_aggregates::handles(f.kind)) {
        return more_aggregates::add(f, s, arg);
    }
    if (f.kind == agg_kind::count_star) {
        ++s.n;
        return {};
    }
    const bool keeps_null = f.kind == agg_kind::collect_list || f.kind == agg_kind::collect_set;
    if (arg.is_null() && !keeps_null) {
        return {};
    }
    switch (f.kind) {
        case agg_kind::count:
            ++s.n;
            return {};
        case agg_kind::sum:
            return add_to(s.v, arg, f.arg_type, f.state_type);
        case agg_kind::avg:
            ++s.n;
            return add_to(s.v, arg, f.arg_type, f.state_type);
        case agg_kind::min:
        case agg_kind::max: {
            if (s.v.is_null()) {
                s.v = arg;
                return {};
            }
            auto c = compare_values(arg, f.arg_type, s.v, f.arg_type);
            if (!c) {
                return c.err();
            }
            if ((f.kind == agg_kind::min && *c < 0) || (f.kind == agg_kind::max && *c > 0)) {
                s.v = arg;
            }
            return {};
        }
        case agg_kind::latest_by_offset:
            s.v = arg;
            return {};
        case agg_kind::earliest_by_offset:
            if (s.v.is_null()) {
                s.v = arg;
            }
            return {};
        case agg_kind::count_distinct:
        case agg_kind::collect_list:
        case agg_kind::collect_set: {
            value_list items = s.v.is_null() ? value_list{} : s.v.as_array();
            const bool set = f.kind != agg_kind::collect_list;
            if (items.size() >= collect_limit && f.kind != agg_kind::count_distinct) {
                return {};
            }
            if (set && contains(items, arg)) {
                return {};
            }
            items.push_back(arg);
            s.v = value::array(std::move(items));
            return {};
        }
        default:  // count_star; aggregate_more.h's kinds
            break;
    }
    return {};
}

status aggregate_merge(const aggregate_fn& f, agg_state& earlier, const agg_state& later) {
    if (more_aggregates::handles(f.kind)) {
        return more_aggregates::merge(f, earlier, later);
    }
    switch (f.kind) {
        case agg_kind::count_star:
        case agg_kind::count:
            earlier.n += later.n;
            return {};
        case agg_kind::sum:
        case agg_kind::avg:
            earlier.n += later.n;
            if (later.v.is_null()) {
                return {};
            }
            if (earlier.v.is_null()) {
                earlier.v = later.v;
                return {};
            }
            return add_to(earlier.v, later.v, f.state_type, f.state_type);
        case agg_kind::earliest_by_offset:
            if (earlier.v.is_null()) {
                earlier.v = later.v;
            }
            return {};
        case agg_kind::latest_by_offset:
            if (!later.v.is_null()) {
                earlier.v = later.v;
            }
            return {};
        default:
            break;
    }
    if (later.v.is_null()) {
        return {};
    }
    if (f.kind == agg_kind::min || f.kind == agg_kind::max) {
        return aggregate_add(f, earlier, later.v);
    }
    // Lists and sets: each value of the later one, as if added.
    agg_state merged = earlier;
    const aggregate_fn& item_fn = f;
    for (const auto& v : later.v.as_array()) {
        if (auto st = aggregate_add(item_fn, merged, v); !st) {
            return st;
        }
    }
    earlier = std::move(merged);
    return {};
}

value aggregate_result(const aggregate_fn& f, const agg_state& s) {
    if (more_aggregates::handles(f.kind)) {
        return more_aggregates::result_of(f, s);
    }
    switch (f.kind) {
        case agg_kind::count_star:
        case agg_kind::count:
            return s.n;
        case agg_kind::count_distinct:
            return static_cast<int64_t>(s.v.is_null() ? 0 : s.v.as_array().size());
        case agg_kind::avg:
            if (s.n == 0 || s.v.is_null()) {
                return 0.0;  // AverageUdaf.map: no non-NULL value (or all taken out)
            }
            return to_double(s.v, f.state_type) / static_cast<double>(s.n);
        case agg_kind::collect_list:
        case agg_kind::collect_set:
            return s.v.is_null() ? value::array({}) : s.v;
        default:
            return s.v;
    }
}

}  // namespace cs::streams
