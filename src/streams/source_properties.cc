// WITH (...) properties and CREATE STREAM/TABLE -> source_def (planner.h).

#include <algorithm>
#include <cctype>

#include "streams/planner.h"
#include "streams/serde.h"
#include "streams/sql_error.h"

namespace cs::streams {

namespace {

const std::vector<std::string>& known_properties() {
    static const std::vector<std::string> names = {
        "KAFKA_TOPIC", "VALUE_FORMAT", "KEY_FORMAT",       "FORMAT",          "PARTITIONS",
        "REPLICAS",    "TIMESTAMP",    "TIMESTAMP_FORMAT", "VALUE_DELIMITER", "WRAP_SINGLE_VALUE"};
    return names;
}

error prop_error(const ast::statement& stmt, const ast::property& p, const std::string& msg,
                 errc code = errc::invalid_argument) {
    return error{code, format_sql_error(stmt, p.pos, msg)};
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

result<data_format> parse_format(const ast::statement& stmt, const ast::property& p) {
    if (p.type.kind != type_kind::string || p.val.is_null()) {
        return prop_error(stmt, p, p.name + " must be a string, e.g. " + p.name + "='JSON'");
    }
    std::string f = upper(p.val.as_string());
    if (f == "JSON") {
        return data_format::json;
    }
    if (f == "DELIMITED") {
        return data_format::delimited;
    }
    if (f == "KAFKA") {
        return data_format::kafka;
    }
    if (f == "NONE") {
        return data_format::none;
    }
    if (f == "AVRO" || f == "PROTOBUF" || f == "PROTOBUF_NOSR" || f == "JSON_SR") {
        return prop_error(stmt, p,
                          p.name + "='" + f +
                              "' is not supported yet (Schema Registry formats come in a later "
                              "release); use JSON, DELIMITED or KAFKA",
                          errc::unsupported);
    }
    static const std::vector<std::string> formats = {"JSON", "DELIMITED", "KAFKA", "NONE"};
    return prop_error(stmt, p,
                      "unknown format '" + p.val.as_string() + "' for " + p.name +
                          did_you_mean(f, formats) + " (supported: JSON, DELIMITED, KAFKA)");
}

result<int64_t> int_property(const ast::statement& stmt, const ast::property& p, int64_t min,
                             int64_t max) {
    int64_t v = 0;
    if (p.type.kind == type_kind::integer) {
        v = p.val.as_int();
    } else if (p.type.kind == type_kind::bigint) {
        v = p.val.as_bigint();
    } else {
        return prop_error(stmt, p, p.name + " must be an integer");
    }
    if (v < min || v > max) {
        return prop_error(stmt, p,
                          p.name + " must be between " + std::to_string(min) + " and " +
                              std::to_string(max) + ", got " + std::to_string(v));
    }
    return v;
}

result<std::string> string_property(const ast::statement& stmt, const ast::property& p) {
    if (p.type.kind != type_kind::string || p.val.is_null()) {
        return prop_error(stmt, p, p.name + " must be a string in single quotes");
    }
    return p.val.as_string();
}

}  // namespace

status apply_with_properties(const ast::properties& with, source_def& def,
                             const ast::statement& stmt,
                             std::span<const std::string_view> extra_allowed) {
    const ast::property* format = with.find("FORMAT");
    for (const auto& p : with.items) {
        const std::string& n = p.name;
        if (n == "KAFKA_TOPIC") {
            auto s = string_property(stmt, p);
            if (!s.ok()) {
                return s.take_error();
            }
            if (s->empty()) {
                return prop_error(stmt, p, "KAFKA_TOPIC must not be empty");
            }
            def.topic = *s;
        } else if (n == "VALUE_FORMAT" || n == "KEY_FORMAT" || n == "FORMAT") {
            if (format != nullptr && n != "FORMAT") {
                return prop_error(stmt, p,
                                  "FORMAT sets both key and value formats: it can't be combined "
                                  "with " +
                                      n);
            }
            auto f = parse_format(stmt, p);
            if (!f.ok()) {
                return f.take_error();
            }
            if (n != "KEY_FORMAT") {
                if (*f == data_format::none) {
                    return prop_error(stmt, p, "NONE is only valid as KEY_FORMAT");
                }
                def.value_format.format = *f;
            }
            if (n != "VALUE_FORMAT") {
                def.key_format.format = *f;
            }
        } else if (n == "PARTITIONS") {
            auto v = int_property(stmt, p, 1, 100000);
            if (!v.ok()) {
                return v.take_error();
            }
            def.partitions = static_cast<int32_t>(*v);
        } else if (n == "REPLICAS") {
            auto v = int_property(stmt, p, 1, 32767);
            if (!v.ok()) {
                return v.take_error();
            }
            def.replicas = static_cast<int16_t>(*v);
        } else if (n == "TIMESTAMP") {
            auto s = string_property(stmt, p);
            if (!s.ok()) {
                return s.take_error();
            }
            // An identifier inside a string: `backticked` keeps case, else
            // upper-cased (as an unquoted identifier would be).
            std::string col = *s;
            if (col.size() >= 2 && col.front() == '`' && col.back() == '`') {
                col = col.substr(1, col.size() - 2);
            } else if (def.find_column(col) == nullptr) {
                col = upper(col);
            }
            def.timestamp_column = col;
        } else if (n == "TIMESTAMP_FORMAT") {
            auto s = string_property(stmt, p);
            if (!s.ok()) {
                return s.take_error();
            }
            def.timestamp_format = *s;
        } else if (n == "VALUE_DELIMITER") {
            auto s = string_property(stmt, p);
            if (!s.ok()) {
                return s.take_error();
            }
            std::string d = upper(*s);
            if (d == "TAB") {
                def.value_format.delimiter = '\t';
            } else if (d == "SPACE") {
                def.value_format.delimiter = ' ';
            } else if (s->size() == 1) {
                def.value_format.delimiter = (*s)[0];
            } else {
                return prop_error(stmt, p,
                                  "VALUE_DELIMITER must be one character, 'TAB' or 'SPACE'");
            }
        } else if (n == "WRAP_SINGLE_VALUE") {
            if (p.type.kind != type_kind::boolean) {
                return prop_error(stmt, p, "WRAP_SINGLE_VALUE must be true or false");
            }
            def.value_format.wrap_single_value = p.val.as_bool();
        } else if (std::find(extra_allowed.begin(), extra_allowed.end(), n) !=
                   extra_allowed.end()) {
            // The caller's business.
        } else {
            std::vector<std::string> all = known_properties();
            all.insert(all.end(), extra_allowed.begin(), extra_allowed.end());
            return prop_error(stmt, p, "unknown property " + n + did_you_mean(n, all));
        }
    }
    if (with.find("VALUE_DELIMITER") != nullptr &&
        def.value_format.format != data_format::delimited) {
        return prop_error(stmt, *with.find("VALUE_DELIMITER"),
                          "VALUE_DELIMITER is only valid with VALUE_FORMAT='DELIMITED'");
    }
    return {};
}

status check_wrap_single_value(const ast::properties& with, const source_def& def,
                               const ast::statement& stmt) {
    const ast::property* p = with.find("WRAP_SINGLE_VALUE");
    if (p == nullptr) {
        return {};
    }
    auto values = std::count_if(def.columns.begin(), def.columns.end(), [](const column_def& c) {
        return c.origin == column_origin::value;
    });
    if (values != 1) {
        return prop_error(stmt, *p,
                          "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas (" +
                              std::to_string(values) + " value columns)");
    }
    return {};
}

result<source_def> make_source_def(const ast::create_source_stmt& create,
                                   const ast::statement& stmt) {
    source_def def;
    def.name = create.name;
    def.kind = create.kind;
    def.is_source = create.is_source;
    def.sql = stmt.text;
    auto fail = [&](ast::source_pos pos, const std::string& msg) {
        return error{errc::invalid_argument, format_sql_error(stmt, pos, msg)};
    };
    if (create.elements.empty()) {
        return fail(create.name_pos,
                    "no columns declared: list them, e.g. CREATE STREAM " + create.name +
                        " (ID STRING KEY, ...) (schema inference needs the Schema Registry, "
                        "which is not supported yet)");
    }
    bool table = create.kind == source_kind::table;
    bool has_headers = false;
    // Key columns first, as ksqlDB orders them.
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& el : create.elements) {
            bool key = el.column.origin == column_origin::key;
            if (key != (pass == 0)) {
                continue;
            }
            if (key && table && !el.primary_key) {
                return fail(el.pos, "tables take PRIMARY KEY, not KEY: " + el.column.name + " " +
                                        el.column.type.to_string() + " PRIMARY KEY");
            }
            if (key && !table && el.primary_key) {
                return fail(el.pos,
                            "streams take KEY, not PRIMARY KEY (streams have no primary "
                            "key): " +
                                el.column.name + " " + el.column.type.to_string() + " KEY");
            }
            if (el.column.origin == column_origin::headers) {
                if (has_headers) {
                    return fail(el.pos, "only one HEADERS column is allowed");
                }
                has_headers = true;
                sql_type expected = sql_type::array(
                    sql_type::struct_({"KEY", "VALUE"}, {sql_type::string(), sql_type::bytes()}));
                if (!(el.column.type == expected)) {
                    return fail(el.pos, "a HEADERS column must be " + expected.to_string() +
                                            ", got " + el.column.type.to_string());
                }
            }
            if (el.column.origin == column_origin::header &&
                el.column.type.kind != type_kind::bytes) {
                return fail(el.pos, "a HEADER('" + el.column.header_key +
                                        "') column must be BYTES, got " +
                                        el.column.type.to_string());
            }
            if (el.column.name == "ROWTIME" || el.column.name == "ROWPARTITION" ||
                el.column.name == "ROWOFFSET") {
                return fail(el.pos, el.column.name + " is a reserved pseudo-column name");
            }
            def.columns.push_back(el.column);
        }
    }
    if (table && std::none_of(def.columns.begin(), def.columns.end(),
                              [](const column_def& c) { return c.origin == column_origin::key; })) {
        return fail(create.name_pos, "table " + create.name +
                                         " needs a PRIMARY KEY column, e.g. ID STRING PRIMARY KEY");
    }
    auto st = apply_with_properties(create.with, def, stmt);
    if (!st.ok()) {
        return st.err();
    }
    // Several key columns: the key is a JSON object (or DELIMITED fields) of
    // them; the KAFKA key format holds one (as in ksqlDB).
    if (def.key_format.format == data_format::kafka) {
        int keys = 0;
        for (const auto& el : create.elements) {
            if (el.column.origin == column_origin::key && ++keys == 2) {
                return fail(el.pos, "a second key column (" + el.column.name +
                                        ") needs KEY_FORMAT='JSON' (or 'DELIMITED'): the KAFKA "
                                        "key format holds a single column");
            }
        }
    }
    if (def.topic.empty()) {
        return fail(create.name_pos, "missing KAFKA_TOPIC in WITH (...): the topic " + create.name +
                                         " reads, e.g. WITH (KAFKA_TOPIC='" + create.name +
                                         "', VALUE_FORMAT='JSON')");
    }
    if (create.with.find("VALUE_FORMAT") == nullptr && create.with.find("FORMAT") == nullptr) {
        return fail(create.name_pos,
                    "missing VALUE_FORMAT in WITH (...), e.g. VALUE_FORMAT='JSON'");
    }
    if (def.timestamp_column) {
        const column_def* c = def.find_column(*def.timestamp_column);
        const ast::property* p = create.with.find("TIMESTAMP");
        if (c == nullptr) {
            std::vector<std::string> names;
            for (const auto& col : def.columns) {
                names.push_back(col.name);
            }
            return prop_error(stmt, *p,
                              "TIMESTAMP column " + *def.timestamp_column + " does not exist" +
                                  did_you_mean(*def.timestamp_column, names));
        }
        bool ok = def.timestamp_format
                      ? c->type.kind == type_kind::string
                      : (c->type.kind == type_kind::bigint || c->type.kind == type_kind::timestamp);
        if (!ok) {
            return prop_error(stmt, *p,
                              def.timestamp_format
                                  ? "with TIMESTAMP_FORMAT the TIMESTAMP column must be STRING"
                                  : "the TIMESTAMP column must be BIGINT or TIMESTAMP (or "
                                    "STRING with TIMESTAMP_FORMAT), got " +
                                        c->type.to_string());
        }
    } else if (def.timestamp_format) {
        return prop_error(stmt, *create.with.find("TIMESTAMP_FORMAT"),
                          "TIMESTAMP_FORMAT needs TIMESTAMP='<column>'");
    }
    if (auto w = check_wrap_single_value(create.with, def, stmt); !w.ok()) {
        return w.err();
    }
    // What the reader would refuse later (e.g. two columns in a KAFKA value).
    if (auto f = validate_formats(def); !f.ok()) {
        return error{f.code(), format_sql_error(stmt, create.name_pos, f.message())};
    }
    return def;
}

}  // namespace cs::streams
