#include "streams/rest/request_body.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace cs::streams::rest {
namespace {

result<simdjson::dom::object> parse_object(simdjson::dom::parser& parser, std::string_view body) {
    simdjson::dom::element doc;
    if (auto err = parser.parse(body.data(), body.size()).get(doc); err) {
        return error{errc::invalid_argument, fmt::format("the request body is not valid JSON: {}",
                                                         simdjson::error_message(err))};
    }
    simdjson::dom::object obj;
    if (doc.get(obj) != simdjson::SUCCESS) {
        return error{errc::invalid_argument, "the request body must be a JSON object"};
    }
    return obj;
}

// An optional member of name -> string, number or boolean (numbers and
// booleans as their JSON text); null or absent is empty.
status read_scalars(simdjson::dom::object obj, std::string_view key,
                    std::map<std::string, std::string>& out) {
    simdjson::dom::element members;
    if (obj.at_key(key).get(members) != simdjson::SUCCESS || members.is_null()) {
        return {};
    }
    simdjson::dom::object mo;
    if (members.get(mo) != simdjson::SUCCESS) {
        return status(errc::invalid_argument,
                      fmt::format("\"{}\" must be an object of names and values", key));
    }
    for (auto [k, v] : mo) {
        std::string_view s;
        if (v.get(s) == simdjson::SUCCESS) {
            out[std::string(k)] = std::string(s);
        } else if (v.is_object() || v.is_array() || v.is_null()) {
            return status(errc::invalid_argument,
                          fmt::format("{}: {}: a string, number or boolean is needed", key, k));
        } else {
            out[std::string(k)] = simdjson::minify(v);
        }
    }
    return {};
}

}  // namespace

result<statement_request> parse_statement_request(std::string_view body, std::string_view sql_key,
                                                  std::string_view properties_key) {
    simdjson::dom::parser parser;
    auto obj = parse_object(parser, body);
    if (!obj) {
        return obj.err();
    }
    statement_request out;
    std::string_view sql;
    if (obj->at_key(sql_key).get(sql) != simdjson::SUCCESS) {
        return error{errc::invalid_argument,
                     fmt::format("the request body needs \"{}\": a string of SQL", sql_key)};
    }
    out.sql = std::string(sql);
    for (auto [key, into] : {std::pair{properties_key, &out.properties},
                             std::pair{std::string_view("sessionVariables"), &out.variables}}) {
        if (auto st = read_scalars(*obj, key, *into); !st) {
            return st.err();
        }
    }
    return out;
}

result<std::string> parse_string_member(std::string_view body, std::string_view key) {
    simdjson::dom::parser parser;
    auto obj = parse_object(parser, body);
    if (!obj) {
        return obj.err();
    }
    std::string_view s;
    if (obj->at_key(key).get(s) != simdjson::SUCCESS) {
        return error{errc::invalid_argument,
                     fmt::format("the request body needs \"{}\": a string", key)};
    }
    return std::string(s);
}

}  // namespace cs::streams::rest
