#include "protocol/request_decoder.h"

#include <fmt/format.h>

#include "protocol/codec.h"

namespace cs::kafka {

namespace {

request_decode_error fail(request_error kind, const request_header& h, bool fields_valid,
                          std::string message) {
    return request_decode_error{kind, h, fields_valid, std::move(message)};
}

}  // namespace

request_decode_result decode_request(bytes_view frame) {
    request_header h;
    // api_key, api_version and correlation_id are the same in every header
    // version; read them first so every error can name them.
    {
        wire_reader fixed(frame);
        h.api_key = fixed.read_int<int16_t>();
        h.api_version = fixed.read_int<int16_t>();
        h.correlation_id = fixed.read_int<int32_t>();
        if (fixed.failed()) {
            return fail(request_error::malformed, request_header{}, false,
                        "request frame shorter than a request header: " + fixed.error_message());
        }
    }
    const api_descriptor* api = find_api(h.api_key);
    if (api == nullptr) {
        return fail(request_error::unknown_api_key, h, true,
                    fmt::format("unknown api key {}", h.api_key));
    }

    wire_reader r(frame);
    request_header full;
    auto hst = decode_request_header(full, r, request_header_version(api->key, h.api_version));
    if (h.api_version < api->min_version || h.api_version > api->max_version) {
        return fail(request_error::unsupported_version, hst ? full : h, true,
                    fmt::format("{} v{} is not supported (supported {}-{})", api->name,
                                h.api_version, api->min_version, api->max_version));
    }
    if (!hst) {
        return fail(
            request_error::malformed, h, true,
            fmt::format("{} v{} request header: {}", api->name, h.api_version, hst.message()));
    }

    decoded_request out{std::move(full), request_body{}};
    status body_status;
    with_request_type(api->key, [&]<class M>(std::type_identity<M>) {
        M& body = out.body.emplace<M>();
        // Bytes after the body are ignored, as Kafka's brokers do (see
        // decode_request_body in codec.h).
        body_status = decode_struct(body, r, h.api_version, is_flexible(api->key, h.api_version));
    });
    if (!body_status) {
        return fail(
            request_error::malformed, out.header, true,
            fmt::format("{} v{} request: {}", api->name, h.api_version, body_status.message()));
    }
    return out;
}

}  // namespace cs::kafka
