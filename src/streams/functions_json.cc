// EXTRACTJSONFIELD(json, path): the field at a JSONPath ('$.a.b[0]',
// "$['a b']") as a STRING: a JSON string gives its unescaped text, any other
// node its compact JSON text, a missing field or JSON null gives NULL.
// Malformed JSON is an error (ksqlDB fails the record too), so the record
// goes to the dead-letter topic. The path is checked per call because it is
// an ordinary argument; a malformed path is an error as well.

#include <fmt/format.h>
#include <simdjson.h>

#include "streams/function_support.h"

namespace cs::streams::fn {

namespace {

struct path_step {
    bool is_index = false;
    size_t index = 0;
    std::string key;
};

result<std::vector<path_step>> parse_path(std::string_view path) {
    auto bad = [&](std::string_view why) {
        return error{errc::invalid_argument, fmt::format("Invalid JSON path '{}': {}", path, why)};
    };
    std::vector<path_step> steps;
    size_t i = 0;
    if (path.empty() || path[0] != '$') {
        return bad("must start with '$'");
    }
    ++i;
    while (i < path.size()) {
        if (path[i] == '.') {
            ++i;
            const size_t start = i;
            while (i < path.size() && path[i] != '.' && path[i] != '[') {
                ++i;
            }
            if (i == start) {
                return bad("empty field name");
            }
            steps.push_back({false, 0, std::string(path.substr(start, i - start))});
        } else if (path[i] == '[') {
            ++i;
            if (i < path.size() && (path[i] == '\'' || path[i] == '"')) {
                const char quote = path[i++];
                const size_t close = path.find(quote, i);
                if (close == std::string_view::npos || close + 1 >= path.size() ||
                    path[close + 1] != ']') {
                    return bad("unterminated quoted name");
                }
                steps.push_back({false, 0, std::string(path.substr(i, close - i))});
                i = close + 2;
            } else {
                size_t index = 0;
                const size_t start = i;
                while (i < path.size() && path[i] >= '0' && path[i] <= '9') {
                    index = index * 10 + static_cast<size_t>(path[i] - '0');
                    ++i;
                }
                if (i == start || i >= path.size() || path[i] != ']') {
                    return bad("expected an array index");
                }
                ++i;
                steps.push_back({true, index, {}});
            }
        } else {
            return bad(fmt::format("unexpected '{}' at {}", path[i], i));
        }
    }
    return steps;
}

result<value> extract_json_field(std::span<const value> a, const sql_type&) {
    auto steps = parse_path(a[1].as_string());
    if (!steps) {
        return steps.take_error();
    }
    thread_local simdjson::dom::parser parser;
    const std::string& json = a[0].as_string();
    simdjson::dom::element node;
    if (auto err = parser.parse(json).get(node); err) {
        return error{errc::invalid_argument,
                     fmt::format("EXTRACTJSONFIELD: invalid JSON ({}): {}",
                                 simdjson::error_message(err), json.substr(0, 200))};
    }
    for (const path_step& step : *steps) {
        if (step.is_index) {
            simdjson::dom::array arr;
            if (node.get_array().get(arr) != simdjson::SUCCESS ||
                arr.at(step.index).get(node) != simdjson::SUCCESS) {
                return value();
            }
        } else {
            simdjson::dom::object obj;
            if (node.get_object().get(obj) != simdjson::SUCCESS ||
                obj.at_key(step.key).get(node) != simdjson::SUCCESS) {
                return value();
            }
        }
    }
    switch (node.type()) {
        case simdjson::dom::element_type::NULL_VALUE:
            return value();
        case simdjson::dom::element_type::STRING:
            return value(std::string(node.get_string().value_unsafe()));
        default:
            return value(simdjson::minify(node));
    }
}

}  // namespace

void register_json_functions(registry& r) {
    r.add("EXTRACTJSONFIELD", {"EXTRACTJSONFIELD(STRING json, STRING path)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::string) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &extract_json_field);
          });
}

}  // namespace cs::streams::fn
