// /query, /query-stream and /close-query: SELECTs streamed to the client.

#include <fmt/format.h>

#include "streams/rest/ksql_entities.h"
#include "streams/rest/ksql_rest_api.h"

namespace cs::streams::rest {

http::response ksql_rest_api::query_v1(const http::request&) {
    return http::response::json(
        501, error_json(error_not_supported,
                        "/query is not supported yet: the engine cannot run transient queries"));
}

http::response ksql_rest_api::query_stream(const http::request&) {
    return http::response::json(
        501,
        error_json(error_not_supported,
                   "/query-stream is not supported yet: the engine cannot run transient queries"));
}

http::response ksql_rest_api::close_query(const http::request&) {
    return http::response::json(
        501, error_json(error_not_supported,
                        "/close-query is not supported yet: the engine cannot run transient "
                        "queries"));
}

}  // namespace cs::streams::rest
