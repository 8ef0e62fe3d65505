// DESCRIBE FUNCTION name and DESCRIBE STREAMS|TABLES [EXTENDED], in the
// shape ksqlDB's CLI prints them (Console.printFunctionDescription,
// printSourceDescriptionList).
//
// The function registry keeps each function's accepted signatures (and
// some return types), not the authors, versions and descriptions ksqlDB's
// UDF annotations carry: those lines are left out, as ksqlDB leaves out a
// blank one.

#include <fmt/format.h>

#include "base/ascii.h"
#include "streams/aggregate.h"
#include "streams/engine.h"
#include "streams/flat_map.h"
#include "streams/functions.h"
#include "streams/parser.h"

namespace cs::streams {
namespace {

// The argument types of "NAME(T1, T2 name, ...)" when each is a plain type.
std::optional<std::vector<sql_type>> argument_types(std::string_view signature) {
    size_t open = signature.find('(');
    size_t close = signature.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return std::nullopt;
    }
    std::string_view inside = signature.substr(open + 1, close - open - 1);
    std::vector<sql_type> out;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= inside.size(); ++i) {
        if (i < inside.size() && (inside[i] == '<' || inside[i] == '(')) {
            ++depth;
        } else if (i < inside.size() && (inside[i] == '>' || inside[i] == ')')) {
            --depth;
        } else if (i == inside.size() || (inside[i] == ',' && depth == 0)) {
            std::string_view arg = inside.substr(start, i - start);
            while (!arg.empty() && arg.front() == ' ') {
                arg.remove_prefix(1);
            }
            if (arg.empty()) {
                if (i == inside.size() && out.empty()) {
                    break;  // NAME()
                }
                return std::nullopt;
            }
            // "STRING json": a lower-case argument name after the type.
            if (size_t space = arg.rfind(' ');
                space != std::string_view::npos &&
                std::islower(static_cast<unsigned char>(arg[space + 1])) != 0) {
                arg = arg.substr(0, space);
            }
            auto t = parse_type(arg);
            if (!t) {
                return std::nullopt;
            }
            out.push_back(*t);
            start = i + 1;
        }
    }
    return out;
}

// "\tLabel       : text\n" (ksqlDB's "%-12s: %s%n" with a tab).
std::string sub_line(std::string_view label, std::string_view text) {
    return fmt::format("\t{:<12}: {}\n", label, text);
}

std::string scalar_variations(const std::string& name) {
    std::string out;
    for (const auto& sig : function_signatures(name)) {
        std::string variation = sig;
        std::string returns;
        if (size_t arrow = sig.find(" -> "); arrow != std::string::npos) {
            variation = sig.substr(0, arrow);
            returns = sig.substr(arrow + 4);
        } else if (auto types = argument_types(sig)) {
            if (auto bound = bind_function(name, *types)) {
                returns = (*bound)->return_type().to_string();
            }
        }
        out += "\n" + sub_line("Variation", variation);
        if (!returns.empty()) {
            out += sub_line("Returns", returns);
        }
    }
    return out;
}

// An aggregate's variations: the argument types it resolves among the SQL
// types of one level.
std::string aggregate_variations(agg_kind kind) {
    std::string out;
    const std::string name = aggregate_name(kind);
    if (kind == agg_kind::count_star) {
        return "";
    }
    if (kind == agg_kind::count) {
        out += "\n" + sub_line("Variation", name + "(*)") + sub_line("Returns", "BIGINT");
    }
    // TOPK(x, k): the literal k; CORRELATION(x, y): two columns of a type.
    const std::vector<int64_t> literals(aggregate_literal_args(kind), 1);
    for (const auto& t :
         {sql_type::integer(), sql_type::bigint(), sql_type::double_(), sql_type::decimal(10, 2),
          sql_type::string(), sql_type::boolean(), sql_type::timestamp(), sql_type::bytes(),
          sql_type::array(sql_type::integer()), sql_type::array(sql_type::bigint()),
          sql_type::array(sql_type::double_())}) {
        const std::vector<sql_type> args(aggregate_column_args(kind), t);
        auto fn = resolve_aggregate(kind, args, literals);
        if (fn) {
            std::string params;
            for (const auto& a : args) {
                params += (params.empty() ? "" : ", ") + a.to_string();
            }
            if (!literals.empty()) {
                params += ", INTEGER k";
            }
            out += "\n" + sub_line("Variation", name + "(" + params + ")") +
                   sub_line("Returns", fn->result_type.to_string());
        }
    }
    return out;
}

}  // namespace

result<std::string> engine::describe_function(const ast::describe_stmt& d) const {
    std::string name = ascii_upper(d.name);
    std::string type;
    std::string variations;
    if (auto agg = aggregate_kind(name)) {
        type = "AGGREGATE";
        variations = aggregate_variations(*agg == agg_kind::count_star ? agg_kind::count : *agg);
    } else if (is_table_function(name)) {
        type = "TABLE";
        for (const auto& sig : table_function_signatures(name)) {
            const size_t arrow = sig.find(" -> ");
            variations += "\n" + sub_line("Variation", sig.substr(0, arrow)) +
                          sub_line("Returns", sig.substr(arrow + 4));
        }
    } else if (!function_signatures(name).empty()) {
        type = "SCALAR";
        variations = scalar_variations(name);
    } else {
        return error{errc::not_found,
                     fmt::format("Can't find any functions with the name '{}'", d.name)};
    }
    return fmt::format("{:<12}: {}\n{:<12}: {}\n{:<12}: {}\n{:<12}: {}\n", "Name", name, "Type",
                       type, "Jar", "internal", "Variations", "") +
           variations;
}

result<std::string> engine::describe_all(const ast::describe_stmt& d) const {
    std::string out;
    for (const auto& name : source_order_) {
        const source_def& def = sources_.find(name)->second;
        if (def.kind != *d.all_kind) {
            continue;
        }
        ast::describe_stmt one;
        one.name = name;
        one.extended = d.extended;
        auto text = describe(one);
        if (!text) {
            return text.err();
        }
        out += to_text(*text) + "\n";
    }
    return out;
}

}  // namespace cs::streams
