#pragma once

// Decodes one request frame (the bytes after the 4-byte size prefix) into its
// header and typed body, and encodes frames for the other direction.
//
// Decoding never reads outside the frame and never throws: malformed input is
// an error value. Unknown api keys and unsupported versions are reported as
// such with whatever of the header could be read, so the broker can still
// answer (an unsupported ApiVersions version gets the v0 layout with
// UNSUPPORTED_VERSION and our range, KIP-511).
//
// The decoded request owns copies of all strings and bytes; the frame buffer
// may be reused right after decode returns.

#include <string>
#include <variant>

#include "base/bytes.h"
#include "protocol/header.h"
#include "protocol/messages/all.h"

namespace cs::kafka {

struct decoded_request {
    request_header header;
    request_body body;

    api_key key() const { return static_cast<api_key>(header.api_key); }
};

enum class request_error {
    malformed,            // bytes that do not parse as the request they claim to be
    unknown_api_key,      // an api key not in api_keys.h
    unsupported_version,  // a known api at a version outside our range
};

struct request_decode_error {
    request_error kind;
    // api_key, api_version and correlation_id are set whenever the frame holds
    // their 8 bytes (header_fields_valid); client_id only if it parsed too.
    request_header header;
    bool header_fields_valid = false;
    std::string message;
};

using request_decode_result = std::variant<decoded_request, request_decode_error>;

request_decode_result decode_request(bytes_view frame);

// Appends a size-prefixed request frame: size, header (version derived from the
// API and version), body.
template <described M>
void encode_request_frame(const M& body, int16_t version, int32_t correlation_id,
                          const std::optional<std::string>& client_id, bytes& out);

// Appends a size-prefixed response frame: size, response header, body.
template <described M>
void encode_response_frame(const M& body, int16_t version, int32_t correlation_id, bytes& out);

}  // namespace cs::kafka

#include "protocol/request_decoder_inl.h"
