#pragma once

// Request and response headers (RequestHeader.json, ResponseHeader.json).
//
//   request header v0: api_key, api_version, correlation_id
//                  v1: + client_id (nullable string, never compact)
//                  v2: v1 + tagged fields
//   response header v0: correlation_id
//                   v1: + tagged fields
//
// A request uses header v2 from its API's first flexible version on, else v1
// (v0 was only ControlledShutdown v0, which we do not support). A response
// uses header v1 when flexible, except ApiVersions responses, which always
// use v0 so that a client that does not yet know the broker's versions can
// parse them (KIP-511).

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "protocol/api_keys.h"
#include "protocol/schema.h"
#include "protocol/wire_reader.h"

namespace cs::kafka {

struct request_header {
    int16_t api_key = 0;
    int16_t api_version = 0;
    int32_t correlation_id = 0;
    std::optional<std::string> client_id;

    template <class V>
    void describe(V& v) {
        v.field(api_key, "api_key");
        v.field(api_version, "api_version");
        v.field(correlation_id, "correlation_id");
        v.field(client_id, "client_id", since(1), field_opts{.never_compact = true});
    }
    bool operator==(const request_header&) const = default;
};

struct response_header {
    int32_t correlation_id = 0;

    template <class V>
    void describe(V& v) {
        v.field(correlation_id, "correlation_id");
    }
    bool operator==(const response_header&) const = default;
};

int16_t request_header_version(api_key key, int16_t api_version);
int16_t response_header_version(api_key key, int16_t api_version);

// Header versions are flexible from v2 (request) and v1 (response).
constexpr bool request_header_flexible(int16_t header_version) {
    return header_version >= 2;
}
constexpr bool response_header_flexible(int16_t header_version) {
    return header_version >= 1;
}

void encode_request_header(const request_header& h, int16_t header_version, bytes& out);
status decode_request_header(request_header& h, wire_reader& r, int16_t header_version);
void encode_response_header(const response_header& h, int16_t header_version, bytes& out);
status decode_response_header(response_header& h, wire_reader& r, int16_t header_version);

}  // namespace cs::kafka
