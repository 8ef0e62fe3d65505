#pragma once

// DescribeConfigs (api key 32), versions 0-2. Field facts transcribed from
// apache/kafka DescribeConfigsRequest.json / DescribeConfigsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct describe_configs_request {
    static constexpr api_key kApiKey = api_key::describe_configs;
    struct resource {
        int8_t resource_type = 0;
        std::string resource_name;
        std::optional<std::vector<std::string>> configuration_keys = std::vector<std::string>{};

        template <class V>
        void describe(V& v) {
            v.field(resource_type, "resource_type");
            v.field(resource_name, "resource_name");
            v.field(configuration_keys, "configuration_keys");
        }
        bool operator==(const resource&) const = default;
    };
    std::vector<resource> resources;
    bool include_synonyms = false;

    template <class V>
    void describe(V& v) {
        v.field(resources, "resources");
        v.field(include_synonyms, "include_synonyms", since(1));
    }
    bool operator==(const describe_configs_request&) const = default;
};

struct describe_configs_response {
    static constexpr api_key kApiKey = api_key::describe_configs;
    struct result {
        struct resource_result {
            struct synonym {
                std::string name;
                std::optional<std::string> value = std::string{};
                int8_t source = 0;

                template <class V>
                void describe(V& v) {
                    v.field(name, "name", since(1));
                    v.field(value, "value", since(1));
                    v.field(source, "source", since(1));
                }
                bool operator==(const synonym&) const = default;
            };
            std::string name;
            std::optional<std::string> value = std::string{};
            bool read_only = false;
            bool is_default = false;
            int8_t config_source = -1;
            bool is_sensitive = false;
            std::vector<synonym> synonyms;

            template <class V>
            void describe(V& v) {
                v.field(name, "name");
                v.field(value, "value");
                v.field(read_only, "read_only");
                v.field(is_default, "is_default", until(0));
                v.field(config_source, "config_source", since(1));
                v.field(is_sensitive, "is_sensitive");
                v.field(synonyms, "synonyms", since(1));
            }
            bool operator==(const resource_result&) const = default;
        };
        int16_t error_code = 0;
        std::optional<std::string> error_message = std::string{};
        int8_t resource_type = 0;
        std::string resource_name;
        std::vector<resource_result> configs;

        template <class V>
        void describe(V& v) {
            v.field(error_code, "error_code");
            v.field(error_message, "error_message");
            v.field(resource_type, "resource_type");
            v.field(resource_name, "resource_name");
            v.field(configs, "configs");
        }
        bool operator==(const result&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<result> results;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms");
        v.field(results, "results");
    }
    bool operator==(const describe_configs_response&) const = default;
};

}  // namespace cs::kafka
