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
    simdjson::dom::object vars;
    if (obj->at_key("sessionVariables").get(vars) == simdjson::SUCCESS && vars.size() > 0) {
        return error{errc::unsupported,
                     "sessionVariables (variable substitution) is not supported yet"};
    }
    simdjson::dom::element props;
    if (obj->at_key(properties_key).get(props) == simdjson::SUCCESS && !props.is_null()) {
        simdjson::dom::object po;
        if (props.get(po) != simdjson::SUCCESS) {
            return error{errc::invalid_argument,
                         fmt::format("\"{}\" must be an object of property names and values",
                                     properties_key)};
        }
        for (auto [k, v] : po) {
            std::string_view s;
            if (v.get(s) == simdjson::SUCCESS) {
                out.properties[std::string(k)] = std::string(s);
            } else if (v.is_object() || v.is_array() || v.is_null()) {
                return error{errc::invalid_argument,
                             fmt::format("property {}: a string, number or boolean is needed", k)};
            } else {
                out.properties[std::string(k)] = simdjson::minify(v);
            }
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
