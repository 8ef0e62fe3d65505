// EXPLODE and CUBE_EXPLODE (see flat_map.h).

#include "streams/flat_map.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "streams/planner_aggregate.h"

namespace cs::streams {

namespace {

constexpr std::array<std::string_view, 2> names = {"CUBE_EXPLODE", "EXPLODE"};
constexpr size_t cube_max_columns = 20;  // Cube.MAX_COLUMNS

std::string type_list(std::span<const sql_type> args) {
    std::string out;
    for (const auto& t : args) {
        out += (out.empty() ? "" : ", ") + t.to_string();
    }
    return out;
}

// Cube.createAllCombinations: for each bit mask over the elements (the
// first element the highest bit), the elements whose bit is set, NULL for
// the others; a mask that keeps a NULL element is a duplicate and skipped.
result<value_list> cube(const value_list& columns) {
    const size_t n = columns.size();
    if (n > cube_max_columns) {
        return error{
            errc::invalid_argument,
            fmt::format("cube_explode: too many columns ({}); max is {}", n, cube_max_columns)};
    }
    uint32_t non_null = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!columns[i].is_null()) {
            non_null |= 1U << (n - 1 - i);
        }
    }
    value_list out;
    for (uint32_t mask = 0; mask < (1U << n); ++mask) {
        if ((mask & non_null) != mask) {
            continue;
        }
        value_list combination;
        for (size_t j = 0; j < n; ++j) {
            combination.push_back((mask >> (n - 1 - j)) & 1U ? columns[j] : value());
        }
        out.push_back(value::array(std::move(combination)));
    }
    return out;
}

}  // namespace

bool is_table_function(std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> table_function_names() {
    return {names.begin(), names.end()};
}

std::vector<std::string> table_function_signatures(std::string_view name) {
    if (name == "EXPLODE") {
        return {"EXPLODE(ARRAY<T>) -> T"};
    }
    if (name == "CUBE_EXPLODE") {
        return {"CUBE_EXPLODE(ARRAY<T>) -> ARRAY<T>"};
    }
    return {};
}

result<sql_type> table_function_type(std::string_view name, std::span<const sql_type> args) {
    if (args.size() != 1 || args[0].kind != type_kind::array) {
        std::string lower(name);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return error{errc::invalid_argument,
                     fmt::format("Function '{}' does not accept parameters ({}).\nValid "
                                 "alternatives are:\n{}(ARRAY<T> list)",
                                 lower, type_list(args), lower)};
    }
    return name == "EXPLODE" ? args[0].children[0] : args[0];
}

result<value_list> table_function_rows(const table_function_call& call,
                                       std::span<const value> args) {
    if (args[0].is_null()) {
        return value_list{};
    }
    if (call.name == "CUBE_EXPLODE") {
        return cube(args[0].as_array());
    }
    return args[0].as_array();
}

bool calls_table_function(const ast::expr& e) {
    if (e.kind == ast::expr_kind::call && is_table_function(e.name)) {
        return true;
    }
    auto any = [](const ast::expr_ptr& x) { return x != nullptr && calls_table_function(*x); };
    return std::any_of(e.args.begin(), e.args.end(), any) ||
           std::any_of(e.when_conditions.begin(), e.when_conditions.end(), any) ||
           std::any_of(e.when_results.begin(), e.when_results.end(), any) || any(e.case_operand) ||
           any(e.case_else);
}

std::string synthetic_column_name(size_t i) {
    return "KSQL_SYNTH_" + std::to_string(i);
}

ast::expr_ptr flat_map_rewriter::rewrite(const ast::expr_ptr& e) {
    if (e == nullptr) {
        return e;
    }
    if (e->kind == ast::expr_kind::call && is_table_function(e->name)) {
        table_function_call call;
        call.name = e->name;
        call.sql = ast::to_sql(*e);
        std::vector<sql_type> types;
        for (const auto& a : e->args) {
            if (calls_table_function(*a)) {
                fail(e->pos, "Table functions can't be nested: " + call.sql);
            }
            call.args.push_back(bind_source(*a));
            types.push_back(call.args.back()->type());
        }
        auto t = table_function_type(e->name, types);
        if (!t) {
            fail(e->pos, t.err().message);
        }
        call.type = std::move(*t);
        calls.push_back(std::move(call));
        return column_node(synthetic_column_name(calls.size() - 1), e->pos);
    }
    return with_children(*e, [this](const ast::expr_ptr& x) { return rewrite(x); });
}

}  // namespace cs::streams
