#include "broker/dispatcher.h"

#include "base/log.h"
#include "broker/handlers/handler_list.h"
#include "protocol/error_code.h"
#include "protocol/messages/api_versions.h"

namespace cs::broker {
namespace {

// The v0 ApiVersions answer to a version we do not support (KIP-511).
bytes unsupported_api_versions_response(int32_t correlation_id) {
    kafka::api_versions_response resp;
    resp.error_code = kafka::to_wire(kafka::error_code::unsupported_version);
    const auto* h = find_handler(static_cast<int16_t>(kafka::api_key::api_versions));
    resp.api_keys.push_back(
        {static_cast<int16_t>(kafka::api_key::api_versions), h->min_version, h->max_version});
    bytes out;
    kafka::encode_response_header(kafka::response_header{correlation_id}, 0, out);
    kafka::encode_message(resp, 0, out);
    return out;
}

}  // namespace

void dispatcher::handle(const net::connection_info& conn, bytes frame, net::responder r) {
    auto logger = log::get("broker");
    if (frame.size() < 8) {
        logger->warn("request from {} shorter than a request header ({} bytes); closing", conn.peer,
                     frame.size());
        ++rejected_;
        r.close();
        return;
    }
    auto key = load_be<int16_t>(frame.data());
    auto version = load_be<int16_t>(frame.data() + 2);
    auto correlation_id = load_be<int32_t>(frame.data() + 4);

    const handler_entry* h = find_handler(key);
    if (h == nullptr) {
        logger->warn("request from {} has unknown api key {} (correlation id {}); closing",
                     conn.peer, key, correlation_id);
        ++rejected_;
        r.close();
        return;
    }
    if (version < h->min_version || version > h->max_version) {
        if (h->key == kafka::api_key::api_versions) {
            r.respond(unsupported_api_versions_response(correlation_id));
            return;
        }
        logger->warn("{} v{} from {} is not supported (we serve v{}-v{}); closing",
                     kafka::describe_api(h->key).name, version, conn.peer, h->min_version,
                     h->max_version);
        ++rejected_;
        r.close();
        return;
    }

    request_context ctx{broker_, conn, {}};
    kafka::wire_reader reader(frame);
    auto hv = kafka::request_header_version(h->key, version);
    if (auto st = kafka::decode_request_header(ctx.header, reader, hv); !st) {
        logger->warn("{} v{} from {}: malformed request header: {}; closing",
                     kafka::describe_api(h->key).name, version, conn.peer, st.message());
        ++rejected_;
        r.close();
        return;
    }
    bytes_view body = bytes_view(frame).subspan(reader.position());
    h->invoke(ctx, body, std::move(r));
}

}  // namespace cs::broker
