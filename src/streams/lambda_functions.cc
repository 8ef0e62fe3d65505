#include "streams/lambda_functions.h"

#include <algorithm>

#include <fmt/format.h>

#include "streams/value.h"

namespace cs::streams {

namespace {

class lambda_variable final : public row_expr {
  public:
    lambda_variable(size_t slot, sql_type t, std::string sql)
        : slot_(slot), type_(std::move(t)), sql_(std::move(sql)) {}
    result<value> eval(const eval_context& ctx) const override { return ctx.lambda_vars[slot_]; }
    const value* ref(const eval_context& ctx) const override { return &ctx.lambda_vars[slot_]; }
    const sql_type& type() const override { return type_; }
    std::string to_sql() const override { return sql_; }

  private:
    size_t slot_;
    sql_type type_;
    std::string sql_;
};

enum class kind { transform, filter, reduce };

// The parameters of the lambdas being run: the enclosing lambdas' slots
// copied, then this call's.
class frame {
  public:
    frame(const eval_context& ctx, size_t first_slot, size_t arity)
        : slots_(first_slot + arity), first_(first_slot), ctx_(ctx) {
        for (size_t i = 0; i < first_slot; ++i) {
            slots_[i] = ctx.lambda_vars[i];
        }
        ctx_.lambda_vars = slots_.data();
    }
    value& param(size_t i) { return slots_[first_ + i]; }
    result<value> run(const row_expr& body) { return body.eval(ctx_); }

  private:
    std::vector<value> slots_;
    size_t first_;
    eval_context ctx_;
};

class lambda_call final : public row_expr {
  public:
    lambda_call(kind k, std::vector<expr_ptr> args, std::vector<expr_ptr> bodies, size_t first_slot,
                sql_type t, std::string sql)
        : kind_(k),
          args_(std::move(args)),
          bodies_(std::move(bodies)),
          first_slot_(first_slot),
          type_(std::move(t)),
          sql_(std::move(sql)) {}

    result<value> eval(const eval_context& ctx) const override {
        auto c = args_[0]->eval(ctx);
        if (!c) {
            return c;
        }
        value state;
        if (kind_ == kind::reduce) {
            auto s = args_[1]->eval(ctx);
            if (!s) {
                return s;
            }
            if (s->is_null()) {
                return value();
            }
            state = std::move(*s);
            if (c->is_null()) {
                return state;
            }
        } else if (c->is_null()) {
            return value();
        }
        const bool is_map = args_[0]->type().kind == type_kind::map;
        frame f(ctx, first_slot_, kind_ == kind::reduce ? (is_map ? 3 : 2) : (is_map ? 2 : 1));
        switch (kind_) {
            case kind::transform:
                return is_map ? transform_map(f, c->as_map()) : transform_array(f, c->as_array());
            case kind::filter:
                return is_map ? filter_map(f, c->as_map()) : filter_array(f, c->as_array());
            case kind::reduce:
                return is_map ? reduce_map(f, c->as_map(), std::move(state))
                              : reduce_array(f, c->as_array(), std::move(state));
        }
        return value();
    }
    const sql_type& type() const override { return type_; }
    std::string to_sql() const override { return sql_; }

  private:
    result<value> transform_array(frame& f, const value_list& items) const {
        value_list out;
        out.reserve(items.size());
        for (const value& item : items) {
            f.param(0) = item;
            auto v = f.run(*bodies_[0]);
            if (!v) {
                return v;
            }
            out.push_back(std::move(*v));
        }
        return value::array(std::move(out));
    }

    result<value> transform_map(frame& f, const value_map& entries) const {
        value_map out;
        out.reserve(entries.size());
        for (const auto& [key, item] : entries) {
            f.param(0) = value(key);
            f.param(1) = item;
            auto k = f.run(*bodies_[0]);
            if (!k) {
                return k;
            }
            auto v = f.run(*bodies_[1]);
            if (!v) {
                return v;
            }
            if (k->is_null() || v->is_null()) {
                return error{errc::invalid_argument,
                             fmt::format("TRANSFORM: the {} lambda gave NULL for the entry '{}', "
                                         "which a map cannot hold",
                                         k->is_null() ? "key" : "value", key)};
            }
            for (const auto& [seen, unused] : out) {
                if (seen == k->as_string()) {
                    return error{errc::invalid_argument,
                                 fmt::format("TRANSFORM: duplicate key '{}'", seen)};
                }
            }
            out.emplace_back(k->as_string(), std::move(*v));
        }
        return value::map(std::move(out));
    }

    // The predicate of one element: NULL is an error, as Java unboxing it.
    result<bool> test(frame& f) const {
        auto keep = f.run(*bodies_[0]);
        if (!keep) {
            return keep.take_error();
        }
        if (keep->is_null()) {
            return error{errc::invalid_argument,
                         "FILTER: the lambda gave NULL, where it must give TRUE or FALSE"};
        }
        return keep->as_bool();
    }

    result<value> filter_array(frame& f, const value_list& items) const {
        value_list out;
        for (const value& item : items) {
            f.param(0) = item;
            auto keep = test(f);
            if (!keep) {
                return keep.take_error();
            }
            if (*keep) {
                out.push_back(item);
            }
        }
        return value::array(std::move(out));
    }

    result<value> filter_map(frame& f, const value_map& entries) const {
        value_map out;
        for (const auto& [key, item] : entries) {
            f.param(0) = value(key);
            f.param(1) = item;
            auto keep = test(f);
            if (!keep) {
                return keep.take_error();
            }
            if (!*keep) {
                continue;
            }
            if (item.is_null()) {
                return error{errc::invalid_argument,
                             fmt::format("FILTER: the entry '{}' kept has a NULL value, which "
                                         "ksqlDB's map cannot hold",
                                         key)};
            }
            out.emplace_back(key, item);
        }
        return value::map(std::move(out));
    }

    result<value> reduce_array(frame& f, const value_list& items, value state) const {
        for (const value& item : items) {
            f.param(0) = std::move(state);
            f.param(1) = item;
            auto next = f.run(*bodies_[0]);
            if (!next) {
                return next;
            }
            state = std::move(*next);
        }
        return state;
    }

    result<value> reduce_map(frame& f, const value_map& entries, value state) const {
        for (const auto& [key, item] : entries) {
            f.param(0) = std::move(state);
            f.param(1) = value(key);
            f.param(2) = item;
            auto next = f.run(*bodies_[0]);
            if (!next) {
                return next;
            }
            state = std::move(*next);
        }
        return state;
    }

    kind kind_;
    std::vector<expr_ptr> args_;
    std::vector<expr_ptr> bodies_;
    size_t first_slot_;
    sql_type type_;
    std::string sql_;
};

std::string describe(std::string_view name, const std::vector<expr_ptr>& args,
                     std::span<const size_t> arities) {
    std::string out = fmt::format("{}(", name);
    for (size_t i = 0; i < args.size(); ++i) {
        out += (i > 0 ? ", " : "") + args[i]->type().to_string();
    }
    for (size_t n : arities) {
        out += fmt::format(", LAMBDA of {} parameter{}", n, n == 1 ? "" : "s");
    }
    return out + ")";
}

}  // namespace

bool is_lambda_function(std::string_view name) {
    return name == "TRANSFORM" || name == "FILTER" || name == "REDUCE";
}

expr_ptr make_lambda_variable(size_t slot, sql_type type, std::string sql) {
    return std::make_shared<lambda_variable>(slot, std::move(type), std::move(sql));
}

result<expr_ptr> bind_lambda_function(std::string_view name, std::vector<expr_ptr> args,
                                      std::span<const size_t> arities, size_t first_slot,
                                      const lambda_body_binder& bind_body, std::string sql) {
    const kind k = name == "TRANSFORM" ? kind::transform
                   : name == "FILTER"  ? kind::filter
                                       : kind::reduce;
    static constexpr std::string_view signatures[] = {
        "TRANSFORM(ARRAY<T>, T => R), TRANSFORM(MAP<K, V>, (K, V) => K2, (K, V) => V2)",
        "FILTER(ARRAY<T>, T => BOOLEAN), FILTER(MAP<K, V>, (K, V) => BOOLEAN)",
        "REDUCE(ARRAY<T>, S, (S, T) => S), REDUCE(MAP<K, V>, S, (S, K, V) => S)"};
    auto refuse = [&](std::string_view why) {
        return error{errc::invalid_argument,
                     fmt::format("Function {} does not accept {}{}{}. Valid signatures are: {}",
                                 name, describe(name, args, arities), why.empty() ? "" : ": ", why,
                                 signatures[static_cast<size_t>(k)])};
    };
    const size_t want_args = k == kind::reduce ? 2 : 1;
    if (args.size() != want_args || args[0]->type().kind == type_kind::struct_) {
        return refuse("");
    }
    const sql_type collection = args[0]->type();
    const bool is_map = collection.kind == type_kind::map;
    if (!is_map && collection.kind != type_kind::array) {
        return refuse("");
    }
    const size_t lambdas = k == kind::transform && is_map ? 2 : 1;
    const size_t arity = (is_map ? 2 : 1) + (k == kind::reduce ? 1 : 0);
    if (arities.size() != lambdas ||
        std::any_of(arities.begin(), arities.end(), [&](size_t n) { return n != arity; })) {
        return refuse(fmt::format("it takes {} lambda{} of {} parameter{}", lambdas,
                                  lambdas == 1 ? "" : "s", arity, arity == 1 ? "" : "s"));
    }
    std::vector<sql_type> params;
    if (k == kind::reduce) {
        params.push_back(args[1]->type());
    }
    if (is_map) {
        params.push_back(sql_type::string());
    }
    params.push_back(collection.children[0]);
    std::vector<expr_ptr> bodies;
    for (size_t i = 0; i < lambdas; ++i) {
        auto body = bind_body(i, params);
        if (!body) {
            return body.take_error();
        }
        bodies.push_back(std::move(*body));
    }
    sql_type result_type = collection;
    switch (k) {
        case kind::transform:
            if (!is_map) {
                result_type = sql_type::array(bodies[0]->type());
            } else if (bodies[0]->type().kind != type_kind::string) {
                return error{errc::unsupported,
                             fmt::format("{}: a map whose keys are {} is not supported yet (map "
                                         "keys are STRING here); CAST the key lambda's result "
                                         "AS STRING",
                                         name, bodies[0]->type().to_string())};
            } else {
                result_type = sql_type::map(bodies[1]->type());
            }
            break;
        case kind::filter:
            if (bodies[0]->type().kind != type_kind::boolean) {
                return refuse(
                    fmt::format("the lambda gives {}, not BOOLEAN", bodies[0]->type().to_string()));
            }
            break;
        case kind::reduce:
            if (!(bodies[0]->type() == args[1]->type())) {
                return refuse(
                    fmt::format("the lambda gives {}, the initial state is {}: they "
                                "must be of one type",
                                bodies[0]->type().to_string(), args[1]->type().to_string()));
            }
            result_type = args[1]->type();
            break;
    }
    return expr_ptr(std::make_shared<lambda_call>(k, std::move(args), std::move(bodies), first_slot,
                                                  std::move(result_type), std::move(sql)));
}

}  // namespace cs::streams
