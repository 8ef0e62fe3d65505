#pragma once

// `clickstream streams` in server mode: ksqlDB's REST API
// (streams/rest/ksql_rest_api.h) on an HTTP listener, over the command's
// engine.

#include <memory>

#include "base/result.h"
#include "http/listener.h"
#include "http/server.h"
#include "streams/engine.h"
#include "streams/rest/ksql_rest_api.h"

namespace cs::cli {

class streams_server {
  public:
    static result<std::unique_ptr<streams_server>> start(streams::engine& engine,
                                                         const http::listen_address& where,
                                                         const std::string& service_id);
    ~streams_server();
    streams_server(const streams_server&) = delete;
    streams_server& operator=(const streams_server&) = delete;

    uint16_t port() const { return server_->port(); }
    // Ends the streaming queries and closes every connection.
    void stop();

  private:
    streams_server() = default;
    std::unique_ptr<streams::rest::ksql_rest_api> api_;
    std::unique_ptr<http::server> server_;
};

}  // namespace cs::cli
