#include "tools/generate/test_events.h"

#include <simdjson.h>

#include "tools/generate/timestamps.h"

namespace cs::tools::gen::testing {

bool is_json(std::string_view text) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    return parser.parse(std::string(text)).get(doc) == simdjson::SUCCESS;
}

std::optional<parsed_event> parse_event(std::string_view text) {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (parser.parse(std::string(text)).get(obj) != simdjson::SUCCESS || obj.size() != 6) {
        return std::nullopt;
    }
    parsed_event e;
    struct field {
        const char* name;
        std::string* into;
    };
    for (field f : {field{"timestamp", &e.timestamp}, field{"user_id", &e.user_id},
                    field{"url", &e.url}, field{"device_id", &e.device_id},
                    field{"event_type", &e.event_type}, field{"session_id", &e.session_id}}) {
        std::string_view v;
        if (obj[f.name].get(v) != simdjson::SUCCESS) {
            return std::nullopt;
        }
        f.into->assign(v);
    }
    if (e.timestamp.size() != 24 || e.timestamp.back() != 'Z' ||
        !parse_start_time(e.timestamp).ok()) {
        return std::nullopt;
    }
    return e;
}

}  // namespace cs::tools::gen::testing
