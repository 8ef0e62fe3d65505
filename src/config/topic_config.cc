#include "config/topic_config.h"

#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/topic_registry.h"

namespace cs::config {
namespace {

std::optional<std::string> shown(const property_def& def, const config_value& v) {
    if (def.type == value_type::password || std::holds_alternative<std::monostate>(v)) {
        return std::nullopt;
    }
    return format_value(def, v);
}

// A broker value in the topic key's unit (hours -> ms). A negative time means
// "forever" in any unit, which Kafka writes as -1 ms.
config_value scaled(const config_value& v, int64_t scale) {
    const int64_t* n = std::get_if<int64_t>(&v);
    if (n == nullptr || scale == 1) {
        return v;
    }
    if (*n < 0) {
        return int64_t{-1};
    }
    if (*n > std::numeric_limits<int64_t>::max() / scale) {
        return std::numeric_limits<int64_t>::max();
    }
    return *n * scale;
}

config_value capped(const property_def& def, config_value v) {
    if (const int64_t* n = std::get_if<int64_t>(&v);
        def.on_single_node == single_node::capped_at_one && n != nullptr && *n > 1) {
        return int64_t{1};
    }
    return v;
}

}  // namespace

status validate_topic_overrides(const topic_overrides& overrides) {
    const registry& reg = topic_registry();
    std::vector<std::string> problems;
    for (const auto& [key, value] : overrides) {
        const property_def* def = reg.find(key);
        if (def == nullptr) {
            std::string msg = fmt::format("unknown topic config {}", key);
            if (auto near = reg.suggest(key)) {
                msg += fmt::format(" (did you mean {}?)", *near);
            }
            problems.push_back(std::move(msg));
            continue;
        }
        if (auto v = parse_value(*def, value); !v) {
            problems.push_back(
                fmt::format("{} = {}: {}", key, quote_raw(*def, value), v.err().message));
        }
    }
    if (problems.empty()) {
        return status::success();
    }
    return status(errc::invalid_argument, fmt::format("{}", fmt::join(problems, "; ")));
}

const described_config& topic_config::describe(std::string_view name) const {
    for (const auto& d : described_) {
        if (d.name == name) {
            return d;
        }
    }
    throw std::out_of_range(fmt::format("{} is not a topic config key", name));
}

result<topic_config> effective_topic_config(const resolved_config& broker,
                                            const topic_overrides& overrides) {
    if (status s = validate_topic_overrides(overrides); !s) {
        return s.err();
    }
    const registry& reg = topic_registry();
    topic_config out{resolved_config(reg)};
    for (const auto& def : reg.properties()) {
        described_config d;
        d.name = def.name;
        d.type = def.type;
        d.documentation = def.doc;
        d.sensitive = def.type == value_type::password;

        resolved_value v;
        v.def = &def;
        if (auto it = overrides.find(def.name); it != overrides.end()) {
            v.value = capped(def, parse_value(def, it->second).value());
            v.origin = value_origin::override_value;
            v.file = "topic";
            v.raw = it->second;
            d.source = config_source::dynamic_topic_config;
            d.synonyms.push_back({def.name, shown(def, v.value), d.source});
        }
        // Broker keys set in the file, in precedence order; the first one is
        // the value when the topic has no override.
        for (const auto& s : def.synonyms) {
            const resolved_value& b = broker.entry(s.name);
            if (!b.is_set()) {
                continue;
            }
            if (v.origin == value_origin::default_value) {
                v = b;
                v.def = &def;
                v.value = capped(def, scaled(b.value, s.scale));
                d.source = config_source::static_broker_config;
            }
            d.synonyms.push_back(
                {s.name, shown(*b.def, b.value), config_source::static_broker_config});
        }
        // Nothing set: the broker's default behind the key (which may itself
        // be capped on one node), else the topic key's own default.
        bool found_default = false;
        for (const auto& s : def.synonyms) {
            const resolved_value& b = broker.entry(s.name);
            if (b.def->default_value) {
                if (v.origin == value_origin::default_value) {
                    // No synonym is set, so b.value is the (possibly capped) default.
                    v.value = capped(def, scaled(b.value, s.scale));
                }
                d.synonyms.push_back(
                    {s.name, shown(*b.def, parse_value(*b.def, *b.def->default_value).value()),
                     config_source::default_config});
                found_default = true;
                break;
            }
        }
        if (!found_default && v.origin == value_origin::default_value) {
            v.value = out.values_.entry(def.name).value;
            d.synonyms.push_back({def.name, shown(def, v.value), config_source::default_config});
        }
        if (v.origin == value_origin::default_value) {
            d.source = config_source::default_config;
        }
        d.value = shown(def, v.value);
        out.values_.set(def.name, std::move(v));
        out.described_.push_back(std::move(d));
    }
    return out;
}

}  // namespace cs::config
