#pragma once

#include "broker/handlers/handler.h"
#include "protocol/messages/api_versions.h"

namespace cs::broker {

// ApiVersions: the ranges of every handler in handler_list.cc. v3 requests
// carry the client's software name and version, which must match Kafka's
// pattern [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])? or get INVALID_REQUEST
// (librdkafka then retries with v0).
struct api_versions_handler {
    using request = kafka::api_versions_request;
    using response = kafka::api_versions_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;
    static void handle(request_context& ctx, request&& req, reply<response> r);
};

// Kafka's check of a v3 client software name or version.
bool valid_client_software_field(std::string_view s);

}  // namespace cs::broker
