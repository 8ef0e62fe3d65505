#include "broker/handlers/alter_configs.h"

#include "broker/broker_state.h"

namespace cs::broker {

void alter_configs_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    constexpr int8_t kTopicResource = 2;
    response resp;
    for (const auto& res : req.resources) {
        auto& out = resp.responses.emplace_back();
        out.resource_type = res.resource_type;
        out.resource_name = res.resource_name;
        out.error_message = std::nullopt;
        if (res.resource_type != kTopicResource) {
            out.error_code = kafka::to_wire(kafka::error_code::invalid_request);
            out.error_message =
                "only topic configs can be altered; broker configs are read from the "
                "configuration file at start-up";
            continue;
        }
        // AlterConfigs (unlike IncrementalAlterConfigs) replaces the whole set.
        config::topic_overrides configs;
        for (const auto& c : res.configs) {
            if (c.value) {
                configs[c.name] = *c.value;
            }
        }
        auto outcome = ctx.broker.alter_topic_config(res.resource_name, configs, req.validate_only);
        out.error_code = kafka::to_wire(outcome.code);
        if (!outcome.ok()) {
            out.error_message = outcome.message;
        }
    }
    r.send(resp);
}

}  // namespace cs::broker
