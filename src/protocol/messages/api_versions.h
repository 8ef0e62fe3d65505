#pragma once

// ApiVersions (api key 18), versions 0-3. Field facts transcribed from
// apache/kafka ApiVersionsRequest.json / ApiVersionsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct api_versions_request {
    static constexpr api_key kApiKey = api_key::api_versions;
    std::string client_software_name;
    std::string client_software_version;

    template <class V>
    void describe(V& v) {
        v.field(client_software_name, "client_software_name", since(3));
        v.field(client_software_version, "client_software_version", since(3));
    }
    bool operator==(const api_versions_request&) const = default;
};

struct api_versions_response {
    static constexpr api_key kApiKey = api_key::api_versions;
    struct api_version {
        int16_t api_key = 0;
        int16_t min_version = 0;
        int16_t max_version = 0;

        template <class V>
        void describe(V& v) {
            v.field(api_key, "api_key");
            v.field(min_version, "min_version");
            v.field(max_version, "max_version");
        }
        bool operator==(const api_version&) const = default;
    };
    struct supported_feature_key {
        std::string name;
        int16_t min_version = 0;
        int16_t max_version = 0;

        template <class V>
        void describe(V& v) {
            v.field(name, "name", since(3));
            v.field(min_version, "min_version", since(3));
            v.field(max_version, "max_version", since(3));
        }
        bool operator==(const supported_feature_key&) const = default;
    };
    struct finalized_feature_key {
        std::string name;
        int16_t max_version_level = 0;
        int16_t min_version_level = 0;

        template <class V>
        void describe(V& v) {
            v.field(name, "name", since(3));
            v.field(max_version_level, "max_version_level", since(3));
            v.field(min_version_level, "min_version_level", since(3));
        }
        bool operator==(const finalized_feature_key&) const = default;
    };
    int16_t error_code = 0;
    std::vector<api_version> api_keys;
    int32_t throttle_time_ms = 0;
    std::vector<supported_feature_key> supported_features;
    std::optional<int64_t> finalized_features_epoch;
    std::vector<finalized_feature_key> finalized_features;
    std::optional<bool> zk_migration_ready;

    template <class V>
    void describe(V& v) {
        v.field(error_code, "error_code");
        v.field(api_keys, "api_keys");
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.tagged_field(0, supported_features, "supported_features", since(3));
        v.tagged_field(1, finalized_features_epoch, "finalized_features_epoch", since(3));
        v.tagged_field(2, finalized_features, "finalized_features", since(3));
        v.tagged_field(3, zk_migration_ready, "zk_migration_ready", since(3));
    }
    bool operator==(const api_versions_response&) const = default;
};

}  // namespace cs::kafka
