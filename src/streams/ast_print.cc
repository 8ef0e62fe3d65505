// SQL text of expressions: EXPLAIN output, default messages and the
// to_sql() of compiled expressions.

#include <cctype>

#include "streams/ast.h"

namespace cs::streams::ast {

namespace {

std::string literal_sql(const expr& e) {
    if (e.lit_is_null || e.lit.is_null()) {
        return "NULL";
    }
    switch (e.lit_type.kind) {
        case type_kind::boolean:
            return e.lit.as_bool() ? "true" : "false";
        case type_kind::integer:
            return std::to_string(e.lit.as_int());
        case type_kind::bigint:
            return std::to_string(e.lit.as_bigint());
        case type_kind::double_: {
            std::string s = std::to_string(e.lit.as_double());
            return s;
        }
        case type_kind::decimal: {
            const auto& d = e.lit.as_decimal();
            int128 u = d.unscaled < 0 ? -d.unscaled : d.unscaled;
            std::string digits;
            do {
                digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
                u /= 10;
            } while (u != 0);
            while (static_cast<int32_t>(digits.size()) <= d.scale) {
                digits.insert(digits.begin(), '0');
            }
            if (d.scale > 0) {
                digits.insert(digits.end() - d.scale, '.');
            }
            return (d.unscaled < 0 ? "-" : "") + digits;
        }
        case type_kind::string: {
            std::string out = "'";
            for (char c : e.lit.as_string()) {
                out += c;
                if (c == '\'') {
                    out += '\'';
                }
            }
            return out + "'";
        }
        default:
            return "<literal>";
    }
}

const char* binary_symbol(binary_op op) {
    switch (op) {
        case binary_op::add:
            return "+";
        case binary_op::sub:
            return "-";
        case binary_op::mul:
            return "*";
        case binary_op::div:
            return "/";
        case binary_op::mod:
            return "%";
        case binary_op::concat:
            return "||";
    }
    return "?";
}

const char* compare_symbol(compare_op op) {
    switch (op) {
        case compare_op::eq:
            return "=";
        case compare_op::ne:
            return "<>";
        case compare_op::lt:
            return "<";
        case compare_op::le:
            return "<=";
        case compare_op::gt:
            return ">";
        case compare_op::ge:
            return ">=";
    }
    return "?";
}

std::string column_sql(const expr& e) {
    std::string out;
    if (!e.qualifier.empty()) {
        out = quote_identifier(e.qualifier) + ".";
    }
    return out + quote_identifier(e.name);
}

}  // namespace

std::string quote_identifier(const std::string& name) {
    bool plain =
        !name.empty() && (std::isupper(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_');
    for (char c : name) {
        if (!(std::isupper(static_cast<unsigned char>(c)) != 0 ||
              std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '_')) {
            plain = false;
        }
    }
    if (plain) {
        return name;
    }
    std::string out = "`";
    for (char c : name) {
        out += c;
        if (c == '`') {
            out += '`';
        }
    }
    return out + "`";
}

std::string to_sql(const expr& e) {
    auto arg = [&](size_t i) { return to_sql(*e.args[i]); };
    switch (e.kind) {
        case expr_kind::literal:
            return literal_sql(e);
        case expr_kind::column:
        case expr_kind::pseudo_column:
            return column_sql(e);
        case expr_kind::unary:
            return std::string(e.unary == unary_op::minus ? "-" : "+") + arg(0);
        case expr_kind::binary:
            return "(" + arg(0) + " " + binary_symbol(e.binary) + " " + arg(1) + ")";
        case expr_kind::logical_and:
            return "(" + arg(0) + " AND " + arg(1) + ")";
        case expr_kind::logical_or:
            return "(" + arg(0) + " OR " + arg(1) + ")";
        case expr_kind::logical_not:
            return "(NOT " + arg(0) + ")";
        case expr_kind::comparison:
            return "(" + arg(0) + " " + compare_symbol(e.compare) + " " + arg(1) + ")";
        case expr_kind::is_null:
            return "(" + arg(0) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
        case expr_kind::like: {
            std::string s = "(" + arg(0) + (e.negated ? " NOT LIKE " : " LIKE ") + arg(1);
            if (e.args.size() > 2) {
                s += " ESCAPE " + arg(2);
            }
            return s + ")";
        }
        case expr_kind::in_list: {
            std::string s = "(" + arg(0) + (e.negated ? " NOT IN (" : " IN (");
            for (size_t i = 1; i < e.args.size(); ++i) {
                s += (i > 1 ? ", " : "") + arg(i);
            }
            return s + "))";
        }
        case expr_kind::between:
            return "(" + arg(0) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") + arg(1) + " AND " +
                   arg(2) + ")";
        case expr_kind::case_when: {
            std::string s = "(CASE";
            if (e.case_operand) {
                s += " " + to_sql(*e.case_operand);
            }
            for (size_t i = 0; i < e.when_conditions.size(); ++i) {
                s += " WHEN " + to_sql(*e.when_conditions[i]) + " THEN " +
                     to_sql(*e.when_results[i]);
            }
            if (e.case_else) {
                s += " ELSE " + to_sql(*e.case_else);
            }
            return s + " END)";
        }
        case expr_kind::cast:
            return "CAST(" + arg(0) + " AS " + e.cast_type.to_string() + ")";
        case expr_kind::call: {
            std::string s = e.name + "(";
            if (e.call_star) {
                s += "*";
            }
            for (size_t i = 0; i < e.args.size(); ++i) {
                s += (i > 0 ? ", " : "") + arg(i);
            }
            return s + ")";
        }
        case expr_kind::deref:
            return arg(0) + "->" + quote_identifier(e.name);
        case expr_kind::subscript:
            return arg(0) + "[" + arg(1) + "]";
        case expr_kind::array_ctor: {
            std::string s = "ARRAY[";
            for (size_t i = 0; i < e.args.size(); ++i) {
                s += (i > 0 ? ", " : "") + arg(i);
            }
            return s + "]";
        }
        case expr_kind::map_ctor: {
            std::string s = "MAP(";
            for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
                s += (i > 0 ? ", " : "") + arg(i) + " := " + arg(i + 1);
            }
            return s + ")";
        }
        case expr_kind::lambda: {
            std::string s = "(";
            for (size_t i = 0; i < e.field_names.size(); ++i) {
                s += (i > 0 ? ", " : "") + quote_identifier(e.field_names[i]);
            }
            return s + ") => " + arg(0);
        }
        case expr_kind::struct_ctor: {
            std::string s = "STRUCT(";
            for (size_t i = 0; i < e.args.size(); ++i) {
                s += (i > 0 ? ", " : "") + quote_identifier(e.field_names[i]) + " := " + arg(i);
            }
            return s + ")";
        }
    }
    return "?";
}

}  // namespace cs::streams::ast
