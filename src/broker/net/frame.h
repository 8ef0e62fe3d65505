#pragma once

// Kafka framing on a TCP connection: every request and every response is a
// 4-byte big-endian signed length followed by that many bytes. The server
// checks the length before it buffers anything, so a hostile or broken peer
// cannot make it allocate more than socket.request.max.bytes per connection.

#include <cstddef>
#include <cstdint>

namespace cs::broker::net {

inline constexpr size_t kFrameLengthBytes = 4;

// The smallest possible request: a v0 request header is api_key (int16),
// api_version (int16) and correlation_id (int32). Anything shorter is malformed.
inline constexpr int32_t kMinRequestFrameBytes = 8;

// socket.request.max.bytes default (100 MiB), as in Apache Kafka.
inline constexpr int32_t kDefaultMaxRequestBytes = 104857600;

enum class frame_length_check { ok, negative, too_short, too_large };

constexpr frame_length_check check_request_length(int32_t length, int32_t max_request_bytes) {
    if (length < 0) {
        return frame_length_check::negative;
    }
    if (length < kMinRequestFrameBytes) {
        return frame_length_check::too_short;
    }
    if (length > max_request_bytes) {
        return frame_length_check::too_large;
    }
    return frame_length_check::ok;
}

constexpr const char* describe(frame_length_check c) {
    switch (c) {
        case frame_length_check::ok:
            return "ok";
        case frame_length_check::negative:
            return "negative length";
        case frame_length_check::too_short:
            return "shorter than a request header";
        case frame_length_check::too_large:
            return "larger than socket.request.max.bytes";
    }
    return "?";
}

}  // namespace cs::broker::net
