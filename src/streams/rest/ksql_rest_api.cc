#include "streams/rest/ksql_rest_api.h"

#include <variant>

#include <fmt/format.h>

#include "base/ascii.h"
#include "formats/json_writer.h"
#include "streams/parser.h"
#include "streams/rest/ksql_entities.h"
#include "streams/rest/request_body.h"

namespace cs::streams::rest {
namespace {

using formats::json_object_writer;
using http::request;
using http::response;

constexpr std::string_view ksql_v1_json = "application/vnd.ksql.v1+json";

// ksqlDB answers in its own media type when the client asks for it.
std::string reply_type(const request& req) {
    auto accept = req.header("accept");
    return accept && accept->find(ksql_v1_json) != std::string_view::npos
               ? std::string(ksql_v1_json)
               : "application/json";
}

response reply(const request& req, int status, std::string body) {
    response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", reply_type(req));
    r.body = std::move(body);
    return r;
}

response error_reply(const request& req, int status, int code, std::string_view message) {
    return reply(req, status, error_json(code, message));
}

// A POST body must be JSON (either media type); no Content-Type is taken as
// JSON too.
bool json_body(const request& req) {
    auto type = req.header("content-type");
    if (!type) {
        return true;
    }
    std::string t = ascii_lower(type->substr(0, type->find(';')));
    while (!t.empty() && t.back() == ' ') {
        t.pop_back();
    }
    return t == "application/json" || t == ksql_v1_json;
}

// The HTTP status and ksqlDB error code of a failed statement: the user's
// mistakes are 400/40001, the server's (Kafka unreachable, ...) 500/50000.
std::pair<int, int> statement_failure(errc code) {
    switch (code) {
        case errc::io:
        case errc::timed_out:
        case errc::shutting_down:
        case errc::corrupt:
            return {500, error_server};
        default:
            return {400, error_bad_statement};
    }
}

std::string statement_text(const ast::statement& s) {
    return s.text + ";";
}

}  // namespace

ksql_rest_api::ksql_rest_api(engine& e, rest_options options)
    : engine_(e), options_(std::move(options)) {}

response ksql_rest_api::handle(const request& req) {
    const std::string& p = req.path;
    bool get = req.method == "GET";
    bool post = req.method == "POST";
    if (post && !json_body(req)) {
        return error_reply(req, 415, 41500,
                           fmt::format("Unsupported Content-Type {}: send application/json or {}",
                                       req.header("content-type").value_or(""), ksql_v1_json));
    }
    if (p == "/ksql" && post) {
        return ksql(req);
    }
    if (p == "/query" && post) {
        return query_v1(req);
    }
    if (p == "/query-stream" && post) {
        return query_stream(req);
    }
    if (p == "/close-query" && post) {
        return close_query(req);
    }
    if (p == "/ksql/terminate" && post) {
        return error_reply(req, 501, error_not_supported,
                           "/ksql/terminate (terminating the cluster) is not supported yet: "
                           "use TERMINATE and DROP ... DELETE TOPIC statements");
    }
    if (p == "/info" && get) {
        return info();
    }
    if (p == "/healthcheck" && get) {
        return healthcheck();
    }
    if (p == "/status" && get) {
        return status_list();
    }
    if (p.starts_with("/status/") && get) {
        return command_status(p.substr(8));
    }
    for (const char* known : {"/ksql", "/query", "/query-stream", "/close-query", "/ksql/terminate",
                              "/info", "/healthcheck", "/status"}) {
        if (p == known) {
            return error_reply(req, 405, 40500,
                               fmt::format("{} {}: method not allowed", req.method, p));
        }
    }
    return error_reply(req, 404, error_not_found, fmt::format("{} {}: not found", req.method, p));
}

response ksql_rest_api::ksql(const request& req) {
    auto body = parse_statement_request(req.body, "ksql", "streamsProperties");
    if (!body) {
        return error_reply(req, 400, error_bad_request, body.err().message);
    }
    auto stmts = parse_script(body->sql);
    if (!stmts) {
        return reply(
            req, 400,
            statement_error_json(error_bad_statement, stmts.err().message, body->sql, "[]"));
    }
    for (const auto& s : *stmts) {
        if (std::holds_alternative<ast::query_stmt>(s.body)) {
            return reply(req, 400,
                         statement_error_json(error_query_endpoint,
                                              "The following statement types should be issued to "
                                              "the websocket endpoint '/query':\n\t* PRINT\n\t* "
                                              "SELECT",
                                              statement_text(s), "[]"));
        }
    }
    std::lock_guard lock(mu_);
    std::vector<statement_result> done;
    status st = engine_.execute_batch(*stmts, scope_of(std::move(*body)), done);
    std::string entities = "[";
    bool first = true;
    for (size_t i = 0; i < done.size(); ++i) {
        const ast::statement& s = (*stmts)[i];
        // ksqlDB returns no entity for INSERT VALUES, SET, UNSET, DEFINE and
        // UNDEFINE (a warning for a variable never defined).
        if (std::holds_alternative<ast::insert_values_stmt>(s.body) ||
            std::holds_alternative<ast::set_stmt>(s.body) ||
            std::holds_alternative<ast::unset_stmt>(s.body) ||
            std::holds_alternative<ast::define_stmt>(s.body)) {
            continue;
        }
        if (std::holds_alternative<ast::undefine_stmt>(s.body)) {
            if (!done[i].message.empty()) {
                entities += first ? "" : ",";
                entities += warning_json(statement_text(s), done[i].message);
                first = false;
            }
            continue;
        }
        command_ref cmd{.id = command_id(s), .sequence = 0};
        if (!cmd.id.empty()) {
            cmd.sequence = next_sequence_++;
            commands_[cmd.id] = {"SUCCESS", done[i].message, done[i].query_id};
        }
        entities += first ? "" : ",";
        entities += entity_json(done[i], statement_text(s), cmd);
        first = false;
    }
    entities += "]";
    if (!st) {
        auto [http_status, code] = statement_failure(st.code());
        return reply(req, http_status,
                     statement_error_json(code, st.message(), statement_text((*stmts)[done.size()]),
                                          entities));
    }
    return reply(req, 200, entities);
}

response ksql_rest_api::info() {
    std::string inner;
    json_object_writer w(inner);
    w.string("version", options_.version)
        .string("kafkaClusterId", engine_.kafka_cluster_id())
        .string("ksqlServiceId", options_.service_id)
        .string("serverStatus", "RUNNING");
    w.close();
    return response::json(200, "{\"KsqlServerInfo\":" + inner + "}");
}

response ksql_rest_api::healthcheck() {
    bool kafka = engine_.check_kafka().ok();
    std::string out = fmt::format(
        "{{\"isHealthy\":{0},\"details\":{{\"metastore\":{{\"isHealthy\":true}},"
        "\"kafka\":{{\"isHealthy\":{0}}},\"commandRunner\":{{\"isHealthy\":true}}}},"
        "\"serverState\":\"RUNNING\"}}",
        kafka ? "true" : "false");
    return response::json(kafka ? 200 : 503, out);
}

response ksql_rest_api::status_list() {
    std::string statuses;
    json_object_writer w(statuses);
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, c] : commands_) {
            w.string(id, c.status);
        }
    }
    w.close();
    return response::json(200, "{\"commandStatuses\":" + statuses + "}");
}

response ksql_rest_api::command_status(const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = commands_.find(id);
    if (it == commands_.end()) {
        return response::json(
            404, error_json(error_not_found, fmt::format("Command not found: {}", id)));
    }
    std::string out;
    json_object_writer w(out);
    w.string("status", it->second.status).string("message", it->second.message);
    if (it->second.query_id.empty()) {
        w.null("queryId");
    } else {
        w.string("queryId", it->second.query_id);
    }
    w.close();
    return response::json(200, out);
}

}  // namespace cs::streams::rest
