#include "broker/handlers/describe_configs.h"

#include <algorithm>

#include "broker/broker_state.h"
#include "config/describe.h"

namespace cs::broker {
namespace {

constexpr int8_t kTopicResource = 2;
constexpr int8_t kBrokerResource = 4;

using resource_result = kafka::describe_configs_response::result::resource_result;

resource_result to_wire(const config::described_config& d, bool with_synonyms, int16_t version) {
    resource_result out;
    out.name = d.name;
    out.value = d.value;
    out.read_only = d.read_only;
    out.is_default = d.source == config::config_source::default_config;
    out.config_source = static_cast<int8_t>(d.source);
    out.is_sensitive = d.sensitive;
    if (with_synonyms && version >= 1) {
        for (const auto& s : d.synonyms) {
            out.synonyms.push_back({s.name, s.value, static_cast<int8_t>(s.source)});
        }
    }
    return out;
}

}  // namespace

void describe_configs_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    broker_state& b = ctx.broker;
    for (const auto& res : req.resources) {
        auto& out = resp.results.emplace_back();
        out.resource_type = res.resource_type;
        out.resource_name = res.resource_name;
        out.error_message = std::nullopt;
        std::vector<config::described_config> entries;
        if (res.resource_type == kTopicResource) {
            auto t = b.topics().find(res.resource_name);
            if (!t) {
                out.error_code = kafka::to_wire(kafka::error_code::unknown_topic_or_partition);
                out.error_message = "topic '" + res.resource_name + "' does not exist";
                continue;
            }
            auto tc = b.topic_config(*t);
            if (!tc.ok()) {
                out.error_code = kafka::to_wire(kafka::error_code::invalid_config);
                out.error_message = tc.err().message;
                continue;
            }
            entries = tc->describe();
        } else if (res.resource_type == kBrokerResource) {
            if (!res.resource_name.empty() && res.resource_name != std::to_string(b.node_id())) {
                out.error_code = kafka::to_wire(kafka::error_code::invalid_request);
                out.error_message = "unknown broker '" + res.resource_name +
                                    "'; this node is broker " + std::to_string(b.node_id());
                continue;
            }
            entries = config::describe_broker(b.config());
        } else {
            out.error_code = kafka::to_wire(kafka::error_code::invalid_request);
            out.error_message = "unsupported resource type " + std::to_string(res.resource_type);
            continue;
        }
        for (const auto& e : entries) {
            if (res.configuration_keys &&
                std::find(res.configuration_keys->begin(), res.configuration_keys->end(), e.name) ==
                    res.configuration_keys->end()) {
                continue;
            }
            out.configs.push_back(to_wire(e, req.include_synonyms, ctx.version()));
        }
    }
    r.send(resp);
}

}  // namespace cs::broker
