#pragma once

// DeleteTopics (api key 20), versions 0-3. Field facts transcribed from
// apache/kafka DeleteTopicsRequest.json / DeleteTopicsResponse.json.

#include "protocol/schema.h"

namespace cs::kafka {

struct delete_topics_request {
    static constexpr api_key kApiKey = api_key::delete_topics;
    std::vector<std::string> topic_names;
    int32_t timeout_ms = 0;

    template <class V>
    void describe(V& v) {
        v.field(topic_names, "topic_names");
        v.field(timeout_ms, "timeout_ms");
    }
    bool operator==(const delete_topics_request&) const = default;
};

struct delete_topics_response {
    static constexpr api_key kApiKey = api_key::delete_topics;
    struct deletable_topic_result {
        std::string name;
        int16_t error_code = 0;

        template <class V>
        void describe(V& v) {
            v.field(name, "name");
            v.field(error_code, "error_code");
        }
        bool operator==(const deletable_topic_result&) const = default;
    };
    int32_t throttle_time_ms = 0;
    std::vector<deletable_topic_result> responses;

    template <class V>
    void describe(V& v) {
        v.field(throttle_time_ms, "throttle_time_ms", since(1));
        v.field(responses, "responses");
    }
    bool operator==(const delete_topics_response&) const = default;
};

}  // namespace cs::kafka
