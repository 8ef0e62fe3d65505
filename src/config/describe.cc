#include "config/describe.h"

namespace cs::config {
namespace {

std::optional<std::string> shown(const property_def& def, const config_value& v) {
    if (def.type == value_type::password || std::holds_alternative<std::monostate>(v)) {
        return std::nullopt;
    }
    return format_value(def, v);
}

}  // namespace

const char* config_source_name(config_source s) {
    switch (s) {
        case config_source::unknown:
            return "UNKNOWN";
        case config_source::dynamic_topic_config:
            return "DYNAMIC_TOPIC_CONFIG";
        case config_source::dynamic_broker_config:
            return "DYNAMIC_BROKER_CONFIG";
        case config_source::dynamic_default_broker_config:
            return "DYNAMIC_DEFAULT_BROKER_CONFIG";
        case config_source::static_broker_config:
            return "STATIC_BROKER_CONFIG";
        case config_source::default_config:
            return "DEFAULT_CONFIG";
    }
    return "UNKNOWN";
}

std::vector<described_config> describe_broker(const resolved_config& broker) {
    std::vector<described_config> out;
    for (const auto& e : broker.entries()) {
        const property_def& def = *e.def;
        described_config d;
        d.name = def.name;
        d.value = shown(def, e.value);
        d.source = e.is_set() ? config_source::static_broker_config : config_source::default_config;
        d.read_only = true;
        d.sensitive = def.type == value_type::password;
        d.type = def.type;
        d.documentation = def.doc;
        // Synonyms in precedence order: the key itself, the keys behind it
        // that are set, then the first default among them.
        std::vector<const resolved_value*> chain{&e};
        for (const auto& s : def.synonyms) {
            chain.push_back(&broker.entry(s.name));
        }
        for (const resolved_value* c : chain) {
            if (c->is_set()) {
                d.synonyms.push_back(
                    {c->def->name, shown(*c->def, c->value), config_source::static_broker_config});
            }
        }
        for (const resolved_value* c : chain) {
            if (c->def->default_value) {
                d.synonyms.push_back(
                    {c->def->name, *c->def->default_value, config_source::default_config});
                break;
            }
        }
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace cs::config
