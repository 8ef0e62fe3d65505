#include "broker/handlers/api_versions.h"

#include "broker/handlers/handler_list.h"
#include "protocol/error_code.h"

namespace cs::broker {

bool valid_client_software_field(std::string_view s) {
    auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (s.empty() || !alnum(s.front()) || !alnum(s.back())) {
        return false;
    }
    for (char c : s) {
        if (!alnum(c) && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

void api_versions_handler::handle(request_context& ctx, request&& req, reply<response> r) {
    response resp;
    if (ctx.version() >= 3 && (!valid_client_software_field(req.client_software_name) ||
                               !valid_client_software_field(req.client_software_version))) {
        resp.error_code = kafka::to_wire(kafka::error_code::invalid_request);
        r.send(resp);  // no ranges: the client retries with v0, as with Kafka
        return;
    }
    for (const auto& h : all_handlers()) {
        resp.api_keys.push_back({static_cast<int16_t>(h.key), h.min_version, h.max_version});
    }
    r.send(resp);
}

}  // namespace cs::broker
