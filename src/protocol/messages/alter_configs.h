#pragma once

// AlterConfigs (api key 33), versions 0-1. Field facts transcribed from
// apache/kafka AlterConfigsRequest.json / AlterConfigsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct alter_configs_request {
    static constexpr api_key kApiKey = api_key::alter_configs;
    struct resource {
        struct alterable_config {
            std::string name;
            std::optional<std::string> value = std::string{};

            template <class V>
            void describe(V& v) {
                v.field(name, "name");
                v.field(value, "value");
            }
            bool operator==(const alterable_config&) const = default;
        };
        int8_t resource_type = 0;
        std::string resource_name;
        std::vector<alterable_config> configs;

        template <class V>
        void describe(V& v) {
            v.field(resource_type, "resource_type");
            v.field(resource_name, "resource_name");
            v.field(configs, "configs");
        }
        bool operator==(const resource&) const = default;
    };
    std::vector<resource> resources;
    bool validate_only = false;

    template <class V>
    void describe(V& v) {
        v.field(resources, "resources");
        v.field(validate_only, "validate_only");
    }
    bool operator==(const alter_configs_request&) const = default;
};

struct alter_configs_response {
    static constexpr api_key kApiKey = api_key::alter_configs;
    struct resource_response {
        int16_t error_code = 0;
        std::optional<std::string> error_message = std::string{};
        int8_t resource_type = 0;
        std::string resource_name;

        template <class V>
        void describe(V& v) {
            v.field(error_code, "error_code");
            v.field(error_message, "error_message");
            v.field(resource_type, "resource_type");
            v.field(resource_name, "resource_name");
        }
        bool operator==(const resource_response&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<resource_response> responses;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(responses, "responses");
    }
    bool operator==(const alter_configs_response&) const = default;
};

}  // namespace cs::kafka
