#pragma once

// Template definitions for request_decoder.h.

#include "protocol/codec.h"

namespace cs::kafka::detail {

inline size_t begin_frame(bytes& out) {
    size_t at = out.size();
    out.resize(at + 4);
    return at;
}

inline void end_frame(bytes& out, size_t at) {
    store_be<int32_t>(out.data() + at, static_cast<int32_t>(out.size() - at - 4));
}

}  // namespace cs::kafka::detail

namespace cs::kafka {

template <described M>
void encode_request_frame(const M& body, int16_t version, int32_t correlation_id,
                          const std::optional<std::string>& client_id, bytes& out) {
    size_t at = detail::begin_frame(out);
    request_header h{static_cast<int16_t>(M::kApiKey), version, correlation_id, client_id};
    encode_request_header(h, request_header_version(M::kApiKey, version), out);
    encode_message(body, version, out);
    detail::end_frame(out, at);
}

template <described M>
void encode_response_frame(const M& body, int16_t version, int32_t correlation_id, bytes& out) {
    size_t at = detail::begin_frame(out);
    encode_response_header(response_header{correlation_id},
                           response_header_version(M::kApiKey, version), out);
    encode_message(body, version, out);
    detail::end_frame(out, at);
}

}  // namespace cs::kafka
