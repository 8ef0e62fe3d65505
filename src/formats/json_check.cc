#include "formats/json_check.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "formats/line_reader.h"

namespace cs::formats {

static_assert(line_reader::padding >= simdjson::SIMDJSON_PADDING);

struct json_checker::impl {
    simdjson::dom::parser parser;
    simdjson::padded_string copy;
    std::string scratch;

    simdjson::simdjson_result<simdjson::dom::element> parse(std::string_view text, bool padded) {
        if (padded) {
            return parser.parse(text.data(), text.size(), false);
        }
        copy = simdjson::padded_string(text);
        return parser.parse(copy);
    }
};

namespace {

error json_error(simdjson::error_code e) {
    return error{errc::invalid_argument,
                 fmt::format("not valid JSON ({})", simdjson::error_message(e))};
}

}  // namespace

json_checker::json_checker() : impl_(std::make_unique<impl>()) {}
json_checker::~json_checker() = default;

status json_checker::check(std::string_view text, bool padded) {
    auto doc = impl_->parse(text, padded);
    if (doc.error() != simdjson::SUCCESS) {
        return json_error(doc.error());
    }
    return {};
}

result<std::optional<std::string_view>> json_checker::field(std::string_view text, bool padded,
                                                            std::string_view name) {
    auto doc = impl_->parse(text, padded);
    if (doc.error() != simdjson::SUCCESS) {
        return json_error(doc.error());
    }
    simdjson::dom::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) {
        return error{errc::invalid_argument,
                     fmt::format("not a JSON object, so it has no field \"{}\"", name)};
    }
    simdjson::dom::element value;
    if (obj.at_key(name).get(value) != simdjson::SUCCESS) {
        return error{errc::not_found, fmt::format("no field \"{}\" in the object", name)};
    }
    std::string_view s;
    if (value.get_string().get(s) == simdjson::SUCCESS) {
        return std::optional<std::string_view>(s);
    }
    if (value.is_null()) {
        return std::optional<std::string_view>();
    }
    impl_->scratch = simdjson::minify(value);
    return std::optional<std::string_view>(impl_->scratch);
}

}  // namespace cs::formats
