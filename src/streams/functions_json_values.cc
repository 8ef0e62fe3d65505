// ksqlDB's JSON functions over JSON text (UdfJsonMapper: Jackson with exact
// BigDecimals): IS_JSON_STRING, JSON_ARRAY_LENGTH, JSON_KEYS, JSON_RECORDS,
// JSON_ITEMS, JSON_CONCAT, JSON_ARRAY_CONTAINS, and TO_JSON_STRING of any
// value.
//   - Text is read as Jackson's readTree reads it: the first JSON value
//     counts (anything after it is ignored); empty text is no value (the
//     functions give NULL, IS_JSON_STRING false); malformed text is an
//     error (the record goes to the DLQ), except for IS_JSON_STRING (false)
//     and JSON_ARRAY_CONTAINS (false, as its streaming parser gives up).
//   - An object keeps the first position of a repeated key with the last
//     value (Jackson's ObjectNode).
//   - JSON_RECORDS gives strings unquoted and other values as compact JSON
//     (JsonNode.toString(): 1e2 is 1E+2); JSON_CONCAT and TO_JSON_STRING
//     write numbers plain (WRITE_BIGDECIMAL_AS_PLAIN: 1e2 is 100).
//   - JSON_CONCAT merges objects (a later key wins) when every input is an
//     object, else concatenates arrays, each non-array input taken as a
//     one-element array.
//   - JSON_ARRAY_CONTAINS compares top-level elements by JSON type: an
//     INTEGER/BIGINT only with integral numbers, a DOUBLE only with numbers
//     with a fraction or exponent, a NULL with null.
//   - TO_JSON_STRING writes DOUBLE as Java's Double.toString (NaN and
//     infinities as strings), DECIMAL plain, TIMESTAMP as
//     "yyyy-MM-ddTHH:mm:ss.SSS", BYTES as base64, and map keys and struct
//     fields sorted by name.

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "streams/function_support.h"
#include "streams/json_cursor.h"
#include "streams/serde.h"
#include "streams/value_text.h"

namespace cs::streams::fn {

namespace {

struct json_node {
    enum class kind { literal, number, string, array, object };
    kind k = kind::literal;
    std::string text;  // literal (true/false/null), number token, or unescaped string
    std::vector<json_node> items;
    std::vector<std::pair<std::string, json_node>> members;
};

json_node build(json_cursor& c) {
    json_node n;
    const char ch = c.peek();
    if (ch == '"') {
        n.k = json_node::kind::string;
        n.text = c.string();
    } else if (ch == '[') {
        n.k = json_node::kind::array;
        c.expect('[');
        while (c.peek() != ']') {
            n.items.push_back(build(c));
            c.expect(',');
        }
        c.expect(']');
    } else if (ch == '{') {
        n.k = json_node::kind::object;
        c.expect('{');
        while (c.peek() != '}') {
            std::string key = c.string();
            c.expect(':');
            map_put(n.members, std::move(key), build(c));
            c.expect(',');
        }
        c.expect('}');
    } else {
        n.text = std::string(c.scalar());
        n.k = ch == '-' || (ch >= '0' && ch <= '9') ? json_node::kind::number
                                                    : json_node::kind::literal;
    }
    return n;
}

// readTree: nullopt for empty text (MissingNode), an error for malformed.
result<std::optional<json_node>> read_tree(const std::string& s, std::string_view function) {
    json_cursor c(s);
    if (c.peek() == '\0') {
        return std::optional<json_node>();
    }
    if (!c.read_valid()) {
        return error{errc::invalid_argument,
                     fmt::format("{}: invalid JSON format: {}", function, s.substr(0, 200))};
    }
    c.seek(0);
    return std::optional<json_node>(build(c));
}

void write(const json_node& n, std::string& out, bool plain_numbers) {
    switch (n.k) {
        case json_node::kind::literal:
            out += n.text;
            return;
        case json_node::kind::number:
            if (n.text.find_first_of(".eE") == std::string::npos) {
                out += n.text == "-0" ? "0" : n.text;
            } else {
                out += plain_numbers ? big_decimal_plain_text(n.text) : big_decimal_text(n.text);
            }
            return;
        case json_node::kind::string:
            formats::append_json_string(out, n.text);
            return;
        case json_node::kind::array:
            out += '[';
            for (size_t i = 0; i < n.items.size(); ++i) {
                out += i == 0 ? "" : ",";
                write(n.items[i], out, plain_numbers);
            }
            out += ']';
            return;
        case json_node::kind::object:
            out += '{';
            for (size_t i = 0; i < n.members.size(); ++i) {
                out += i == 0 ? "" : ",";
                formats::append_json_string(out, n.members[i].first);
                out += ':';
                write(n.members[i].second, out, plain_numbers);
            }
            out += '}';
            return;
    }
}

// Calls f with the tree of text; NULL when the text is empty (no tree), an
// error when it is malformed.
template <class F>
result<value> with_tree(const std::string& text, std::string_view name, F f) {
    auto tree = read_tree(text, name);
    if (!tree) {
        return tree.take_error();
    }
    if (!*tree) {
        return value();
    }
    return f(**tree);
}

result<value> is_json_string(std::span<const value> a, const sql_type&) {
    if (a[0].is_null()) {
        return value(false);
    }
    auto t = read_tree(a[0].as_string(), "IS_JSON_STRING");
    return value(t.ok() && t->has_value());
}

result<value> json_array_length(std::span<const value> a, const sql_type&) {
    return with_tree(a[0].as_string(), "JSON_ARRAY_LENGTH", [](const json_node& n) {
        return n.k == json_node::kind::array ? value(static_cast<int32_t>(n.items.size()))
                                             : value();
    });
}

result<value> json_keys(std::span<const value> a, const sql_type&) {
    return with_tree(a[0].as_string(), "JSON_KEYS", [](const json_node& n) {
        if (n.k != json_node::kind::object) {
            return value();
        }
        value_list out;
        for (const auto& [k, v] : n.members) {
            out.emplace_back(k);
        }
        return value::array(std::move(out));
    });
}

result<value> json_records(std::span<const value> a, const sql_type&) {
    return with_tree(a[0].as_string(), "JSON_RECORDS", [](const json_node& n) {
        if (n.k != json_node::kind::object) {
            return value();
        }
        value_map out;
        for (const auto& [k, v] : n.members) {
            if (v.k == json_node::kind::string) {
                out.emplace_back(k, value(v.text));
                continue;
            }
            std::string text;
            write(v, text, false);
            out.emplace_back(k, value(std::move(text)));
        }
        return value::map(std::move(out));
    });
}

// JsonItems.java reads the text as a List<JsonNode>: anything but an array
// (empty text, null, another value) is an error, as is malformed text; each
// element as JsonNode.toString() (strings quoted).
result<value> json_items(std::span<const value> a, const sql_type&) {
    const std::string& text = a[0].as_string();
    auto tree = read_tree(text, "JSON_ITEMS");
    if (!tree) {
        return tree.take_error();
    }
    if (!*tree || (*tree)->k != json_node::kind::array) {
        return error{errc::invalid_argument,
                     fmt::format("JSON_ITEMS: Invalid JSON format: not a JSON array: {}",
                                 text.substr(0, 200))};
    }
    value_list out;
    for (const json_node& item : (*tree)->items) {
        std::string s;
        write(item, s, false);
        out.emplace_back(std::move(s));
    }
    return value::array(std::move(out));
}

result<value> json_concat(std::span<const value> a, const sql_type&) {
    std::vector<json_node> nodes;
    for (const value& v : a) {
        if (v.is_null()) {
            return value();
        }
        auto t = read_tree(v.as_string(), "JSON_CONCAT");
        if (!t) {
            return t.take_error();
        }
        if (!*t) {
            return value();
        }
        nodes.push_back(std::move(**t));
    }
    const bool objects = std::all_of(nodes.begin(), nodes.end(), [](const json_node& n) {
        return n.k == json_node::kind::object;
    });
    json_node acc = std::move(nodes[0]);
    for (size_t i = 1; i < nodes.size(); ++i) {
        json_node& next = nodes[i];
        if (objects) {
            for (auto& [k, v] : next.members) {
                map_put(acc.members, std::move(k), std::move(v));
            }
            continue;
        }
        auto as_array = [](json_node n) {
            if (n.k == json_node::kind::array) {
                return n;
            }
            json_node wrap;
            wrap.k = json_node::kind::array;
            wrap.items.push_back(std::move(n));
            return wrap;
        };
        acc = as_array(std::move(acc));
        json_node tail = as_array(std::move(next));
        for (auto& item : tail.items) {
            acc.items.push_back(std::move(item));
        }
    }
    std::string out;
    write(acc, out, true);
    return value(std::move(out));
}

// Java's Double.equals: NaN equals NaN, 0.0 does not equal -0.0.
bool java_double_equals(double x, double y) {
    if (std::isnan(x) || std::isnan(y)) {
        return std::isnan(x) && std::isnan(y);
    }
    return x == y && std::signbit(x) == std::signbit(y);
}

class json_array_contains final : public bound_function {
  public:
    explicit json_array_contains(sql_type search) : search_(std::move(search)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        if (a[0].is_null()) {
            return value(false);
        }
        const std::string& s = a[0].as_string();
        const value& want = a[1];
        json_cursor c(s);
        if (c.peek() != '[') {
            return value(false);
        }
        c.expect('[');
        while (c.peek() != ']') {
            const size_t start = c.pos();
            if (!c.read_valid()) {
                return value(false);  // the streaming parser stops here
            }
            const size_t end = c.pos();
            c.seek(start);
            if (matches(c, want)) {
                return value(true);
            }
            c.seek(end);
            const char next = c.peek();
            if (next == ',') {
                c.expect(',');
            } else if (next != ']') {
                return value(false);
            }
        }
        return value(false);
    }

  private:
    bool matches(json_cursor& c, const value& want) const {
        const char ch = c.peek();
        if (ch == '[' || ch == '{') {
            return false;
        }
        if (ch == '"') {
            return !want.is_null() && search_.kind == type_kind::string &&
                   c.string() == want.as_string();
        }
        const std::string token(c.scalar());
        if (token == "null") {
            return want.is_null();
        }
        if (want.is_null()) {
            return false;
        }
        if (token == "true" || token == "false") {
            return search_.kind == type_kind::boolean && want.as_bool() == (token == "true");
        }
        const bool integral = token.find_first_of(".eE") == std::string::npos;
        if (integral && is_integral(search_)) {
            errno = 0;
            char* endp = nullptr;
            const long long v = std::strtoll(token.c_str(), &endp, 10);
            const int64_t limit_hi = search_.kind == type_kind::integer ? INT32_MAX : INT64_MAX;
            const int64_t limit_lo = search_.kind == type_kind::integer ? INT32_MIN : INT64_MIN;
            if (errno == ERANGE || v > limit_hi || v < limit_lo) {
                return false;  // Jackson cannot read it as that type
            }
            return v == int_arg(want, search_);
        }
        if (!integral && search_.kind == type_kind::double_) {
            return java_double_equals(std::strtod(token.c_str(), nullptr), want.as_double());
        }
        return false;
    }

    sql_type search_;
    sql_type ret_ = sql_type::boolean();
};

// {"name": value, ...} in name order (ToJsonString's TreeMap).
template <class Items, class Name, class Get>
void write_sorted_object(std::string& out, const Items& items, Name name, Get get) {
    std::vector<size_t> order(items.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return name(x) < name(y); });
    out += '{';
    for (size_t k = 0; k < order.size(); ++k) {
        out += k == 0 ? "" : ",";
        formats::append_json_string(out, name(order[k]));
        out += ':';
        get(order[k]);
    }
    out += '}';
}

// ToJsonString.java: as the JSON serializer writes values (serde.h), except
// that a TIMESTAMP is its ISO text and map keys and struct fields are sorted.
void write_value(std::string& out, const value& v, const sql_type& t) {
    if (v.is_null()) {
        out += "null";
        return;
    }
    switch (t.kind) {
        case type_kind::timestamp:
            formats::append_json_string(out, timestamp_text(v.as_timestamp()));
            return;
        case type_kind::date:
        case type_kind::time:
            formats::append_json_string(out, value_text(v, t));
            return;
        case type_kind::array: {
            out += '[';
            const auto& items = v.as_array();
            for (size_t i = 0; i < items.size(); ++i) {
                out += i == 0 ? "" : ",";
                write_value(out, items[i], t.children[0]);
            }
            out += ']';
            return;
        }
        case type_kind::map: {
            const auto& m = v.as_map();
            write_sorted_object(
                out, m, [&](size_t i) -> const std::string& { return m[i].first; },
                [&](size_t i) { write_value(out, m[i].second, t.children[0]); });
            return;
        }
        case type_kind::struct_: {
            const auto& fields = v.as_struct().fields;
            write_sorted_object(
                out, fields, [&](size_t i) -> const std::string& { return t.field_names[i]; },
                [&](size_t i) { write_value(out, fields[i], t.children[i]); });
            return;
        }
        default:
            append_json_value(out, v, t);
    }
}

class to_json_string final : public bound_function {
  public:
    explicit to_json_string(sql_type arg) : arg_(std::move(arg)) {}
    const sql_type& return_type() const override { return ret_; }
    result<value> call(std::span<const value> a) const override {
        std::string out;
        write_value(out, a[0], arg_);
        return value(std::move(out));
    }

  private:
    sql_type arg_;
    sql_type ret_ = sql_type::string();
};

bool one_string(std::span<const sql_type> t) {
    return t.size() == 1 && is(t[0], type_kind::string);
}

}  // namespace

void register_json_value_functions(registry& r) {
    r.add("IS_JSON_STRING", {"IS_JSON_STRING(STRING) -> BOOLEAN"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (!one_string(t)) {
                  return no_match();
              }
              return make_simple(sql_type::boolean(), &is_json_string, false);
          });
    auto unary = [&r](const char* name, call_fn f, sql_type ret) {
        r.add(name, {fmt::format("{}(STRING) -> {}", name, ret.to_string())},
              [f, ret](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (!one_string(t)) {
                      return no_match();
                  }
                  return make_simple(ret, f);
              });
    };
    unary("JSON_ARRAY_LENGTH", &json_array_length, sql_type::integer());
    unary("JSON_KEYS", &json_keys, sql_type::array(sql_type::string()));
    unary("JSON_RECORDS", &json_records, sql_type::map(sql_type::string()));
    unary("JSON_ITEMS", &json_items, sql_type::array(sql_type::string()));
    r.add("JSON_CONCAT", {"JSON_CONCAT(STRING, STRING, ...) -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.empty() || !std::all_of(t.begin(), t.end(), [](const sql_type& x) {
                      return is(x, type_kind::string);
                  })) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &json_concat, false);
          });
    r.add("JSON_ARRAY_CONTAINS",
          {"JSON_ARRAY_CONTAINS(STRING, INTEGER|BIGINT|DOUBLE|STRING|BOOLEAN) -> BOOLEAN"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::string) ||
                  !(is_integral(t[1]) || is(t[1], type_kind::double_) ||
                    is(t[1], type_kind::string) || is(t[1], type_kind::boolean))) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new json_array_contains(t[1]));
          });
    r.add("TO_JSON_STRING", {"TO_JSON_STRING(any) -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1) {
                  return no_match();
              }
              return std::unique_ptr<bound_function>(new to_json_string(t[0]));
          });
}

}  // namespace cs::streams::fn
