#pragma once

// Glue from a raw request body to a typed handler call; used only by
// handler_list.cc to build the table.

#include "base/log.h"
#include "broker/handlers/handler.h"

namespace cs::broker {

template <class H>
void invoke_handler(request_context& ctx, bytes_view body, net::responder r) {
    typename H::request req;
    auto decoded = kafka::decode_request_body(req, body, ctx.version());
    if (!decoded.ok()) {
        log::get("broker")->warn("{} v{} from {} ({}): malformed request body: {}; closing",
                                 kafka::describe_api(H::request::kApiKey).name, ctx.version(),
                                 ctx.conn.peer, ctx.client_id(), decoded.err().message);
        r.close();
        return;
    }
    if (*decoded != 0) {
        log::get("broker")->debug("{} v{} from {} ({}): {} bytes after the request body ignored",
                                  kafka::describe_api(H::request::kApiKey).name, ctx.version(),
                                  ctx.conn.peer, ctx.client_id(), *decoded);
    }
    H::handle(ctx, std::move(req),
              reply<typename H::response>(std::move(r), ctx.header.correlation_id, ctx.version()));
}

template <class H>
constexpr handler_entry entry_for() {
    static_assert(H::request::kApiKey == H::response::kApiKey);
    return handler_entry{H::request::kApiKey, H::min_version, H::max_version, &invoke_handler<H>};
}

}  // namespace cs::broker
