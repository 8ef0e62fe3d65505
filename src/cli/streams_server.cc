#include "cli/streams_server.h"

#include <fmt/format.h>

namespace cs::cli {
namespace {

// Each streamed query holds one I/O thread while it runs (http/server.h):
// this many threads serve that many queries at once, with one to spare for
// /ksql and the other short requests.
constexpr int rest_threads = 16;

}  // namespace

result<std::unique_ptr<streams_server>> streams_server::start(streams::engine& engine,
                                                              const http::listen_address& where,
                                                              const std::string& service_id) {
    std::unique_ptr<streams_server> s(new streams_server());
    s->api_ = std::make_unique<streams::rest::ksql_rest_api>(
        engine,
        streams::rest::rest_options{.version = CLICKSTREAM_VERSION, .service_id = service_id});
    auto* api = s->api_.get();
    auto server = http::server::start(
        {.host = where.host, .port = where.port, .threads = rest_threads, .limits = {}},
        [api](const http::request& req) { return api->handle(req); });
    if (!server) {
        return error{server.err().code, fmt::format("ksqlDB REST listener {}:{}: {}", where.host,
                                                    where.port, server.err().message)};
    }
    s->server_ = std::move(*server);
    return s;
}

streams_server::~streams_server() {
    stop();
}

void streams_server::stop() {
    if (server_) {
        server_->stop();
    }
}

}  // namespace cs::cli
