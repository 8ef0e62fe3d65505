#pragma once

// ksqlDB's REST API over the statement engine, for `clickstream streams`
// in server mode (http::server runs it; see docs/streams.md "REST API"):
//   POST /ksql              statements -> ksqlDB's entities (ksql_entities.h)
//   POST /query             a SELECT, streamed as ksqlDB's v1 chunked JSON array
//   POST /query-stream      a SELECT, ksqlDB's v2 API over HTTP/1.1
//   POST /close-query       ends a /query-stream query by its id
//   GET  /info, /healthcheck, /status, /status/{commandId}
// Request bodies may be application/json or application/vnd.ksql.v1+json;
// errors are ksqlDB's KsqlErrorMessage JSON.
//
// Threading: handle() runs on the HTTP server's I/O threads, several at
// once; statements are serialised by the engine, queries run concurrently.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "http/http_message.h"
#include "streams/engine.h"
#include "streams/rest/query_registry.h"

namespace cs::streams::rest {

struct rest_options {
    std::string version;     // the server's version, for /info
    std::string service_id;  // ksql.service.id
};

class ksql_rest_api {
  public:
    ksql_rest_api(engine& e, rest_options options);

    http::response handle(const http::request& req);
    // The queries being streamed to clients now.
    size_t streaming_queries() { return queries_.size(); }

  private:
    http::response ksql(const http::request& req);
    http::response info();
    http::response healthcheck();
    http::response status_list();
    http::response command_status(const std::string& id);
    http::response query_v1(const http::request& req);
    http::response query_stream(const http::request& req);
    http::response close_query(const http::request& req);

    struct command_state {
        std::string status;  // "SUCCESS"
        std::string message;
        std::string query_id;
    };

    engine& engine_;
    rest_options options_;
    std::mutex mu_;  // statements one request at a time; guards commands_
    std::map<std::string, command_state> commands_;
    int64_t next_sequence_ = 0;
    query_registry queries_;
};

}  // namespace cs::streams::rest
