// libFuzzer target for the request decoder: any byte string must decode to a
// request or an error value, without reading out of bounds, crashing or
// allocating without bound. Build with clang and -DCLICKSTREAM_FUZZ=ON, run
//   build-fuzz/src/protocol/protocol_request_fuzz -max_len=4096
//
// Whatever decodes must re-encode and decode to the same request.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "protocol/request_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cs::kafka;
    cs::bytes_view in(reinterpret_cast<const std::byte*>(data), size);
    auto r = decode_request(in);
    auto* req = std::get_if<decoded_request>(&r);
    if (req == nullptr) {
        return 0;
    }
    cs::bytes again;
    std::visit(
        [&](const auto& body) {
            encode_request_frame(body, req->header.api_version, req->header.correlation_id,
                                 req->header.client_id, again);
        },
        req->body);
    auto r2 = decode_request(cs::bytes_view(again).subspan(4));
    auto* req2 = std::get_if<decoded_request>(&r2);
    if (req2 == nullptr || req2->header != req->header || req2->body != req->body) {
        std::abort();
    }
    return 0;
}
