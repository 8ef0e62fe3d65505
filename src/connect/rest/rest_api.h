#pragma once

// Kafka Connect's REST API over the herder: the same paths, status codes and
// JSON shapes as Connect's ConnectorsResource, ConnectorPluginsResource and
// RootResource (see shared/reference/connect-sinks-parquet.md §1). Errors
// are {"error_code": <status>, "message": "..."}. Secret values are
// [hidden] in every body.

#include <string>

#include "connect/herder.h"
#include "http/http_message.h"

namespace cs::connect::rest {

class rest_api {
  public:
    // version: what GET / reports as "version".
    rest_api(herder& h, std::string version) : herder_(h), version_(std::move(version)) {}

    // Thread-safe (the herder is); the HTTP server's handler.
    http::response handle(const http::request& req);

  private:
    herder& herder_;
    std::string version_;
};

}  // namespace cs::connect::rest
