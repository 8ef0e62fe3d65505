// /query, /query-stream and /close-query: a SELECT run by the engine as a
// transient query (engine::run_transient), its rows streamed to the client
// as they come (http::body_writer, chunked). /query also runs a PRINT
// (engine::run_print) as ksqlDB's TopicStreamWriter: the record lines as
// text, an empty line as a heartbeat when a second passes without one.

#include <chrono>
#include <thread>
#include <variant>

#include <fmt/format.h>

#include "formats/json_writer.h"
#include "streams/parser.h"
#include "streams/rest/ksql_entities.h"
#include "streams/rest/ksql_rest_api.h"
#include "streams/rest/request_body.h"
#include "streams/serde.h"
#include "streams/transient_query.h"

namespace cs::streams::rest {
namespace {

using formats::append_json_string;
using http::body_writer;
using http::request;
using http::response;

constexpr std::string_view delimited_type = "application/vnd.ksqlapi.delimited.v1";

// How a query's rows are framed on the wire.
enum class framing {
    v1,         // /query: [{"header":...},\n{"row":...},\n{"finalMessage":...}]\n
    delimited,  // /query-stream: header object, then one JSON array per line
    json_array  // /query-stream with Accept: application/json: one JSON array
};

// "`A` STRING, `B` INTEGER" (ksqlDB's schema text in /query's header).
std::string schema_text(const transient_header& h) {
    std::string out;
    for (const auto& c : h.columns) {
        out += out.empty() ? "`" : ", `";
        for (char ch : c.name) {
            out += ch == '`' ? "``" : std::string(1, ch);
        }
        out += "` " + c.type;
    }
    return out;
}

std::string header_json(const transient_header& h, framing f) {
    std::string out;
    if (f == framing::v1) {
        out = "{\"header\":{\"queryId\":";
        append_json_string(out, h.query_id);
        out += ",\"schema\":";
        append_json_string(out, schema_text(h));
        return out + "}}";
    }
    out = "{\"queryId\":";
    append_json_string(out, h.query_id);
    out += ",\"columnNames\":[";
    for (size_t i = 0; i < h.columns.size(); ++i) {
        out += i == 0 ? "" : ",";
        append_json_string(out, h.columns[i].name);
    }
    out += "],\"columnTypes\":[";
    for (size_t i = 0; i < h.columns.size(); ++i) {
        out += i == 0 ? "" : ",";
        append_json_string(out, h.columns[i].type);
    }
    return out + "]}";
}

// Writes the header and rows of one query in `f`'s framing; remembers why
// writing stopped.
class framed_sink final : public row_sink {
  public:
    framed_sink(body_writer& w, framing f, query_registry& registry, std::stop_source stop)
        : w_(w), f_(f), registry_(registry), stop_(std::move(stop)) {}
    ~framed_sink() override {
        if (!header_.query_id.empty()) {
            registry_.remove(header_.query_id);
        }
    }

    void on_header(const transient_header& h) override {
        header_ = h;
        for (const auto& c : h.columns) {
            auto t = parse_type(c.type);
            if (!t) {
                type_error_ =
                    fmt::format("column {}: type {}: {}", c.name, c.type, t.err().message);
                stop_.request_stop();
                return;
            }
            types_.push_back(std::move(*t));
        }
        registry_.add(h.query_id, stop_);
        std::string out = header_json(h, f_);
        switch (f_) {
            case framing::v1:
                out = "[" + out + ",\n";
                break;
            case framing::delimited:
                out += "\n";
                break;
            case framing::json_array:
                out = "[" + out;
                break;
        }
        started_ = true;
        client_gone_ = !w_.write(out);
    }

    bool on_row(const std::vector<value>& row) override {
        if (client_gone_ || !type_error_.empty()) {
            return false;
        }
        std::string out;
        switch (f_) {
            case framing::v1:
                out = "{\"row\":{\"columns\":";
                break;
            case framing::delimited:
                break;
            case framing::json_array:
                out = ",";
                break;
        }
        out += "[";
        for (size_t i = 0; i < row.size() && i < types_.size(); ++i) {
            out += i == 0 ? "" : ",";
            append_json_value(out, row[i], types_[i]);
        }
        out += "]";
        out += f_ == framing::v1 ? "}},\n" : (f_ == framing::delimited ? "\n" : "");
        client_gone_ = !w_.write(out);
        return !client_gone_;
    }

    // After run_transient returned `st`: the closing of the stream (a final
    // message, an error), unless the client went away.
    void finish(const status& st, bool stop_requested) {
        if (!started_) {
            // Nothing written yet: a plain error response.
            std::string message = !type_error_.empty() ? type_error_ : st.message();
            int http_status = st.code() == errc::io || st.code() == errc::timed_out ? 500 : 400;
            int code = http_status == 500 ? error_server : error_bad_statement;
            if (st.ok() && type_error_.empty()) {
                message = "the query ended before it started";
            }
            w_.reject(response::json(http_status, error_json(code, message)));
            return;
        }
        if (client_gone_) {
            return;
        }
        std::string error;
        if (!type_error_.empty()) {
            error = error_json(error_server, type_error_);
        } else if (!st.ok()) {
            error = error_json(error_server, st.message());
        }
        std::string out;
        switch (f_) {
            case framing::v1:
                if (!error.empty()) {
                    out = "{\"errorMessage\":" + error + "}";
                } else if (!stop_requested) {
                    out = header_.pull ? R"({"finalMessage":"Query Completed"})"
                                       : R"({"finalMessage":"Limit Reached"})";
                }
                out += "]\n";
                break;
            case framing::delimited:
                out = error.empty() ? "" : error + "\n";
                break;
            case framing::json_array:
                out = (error.empty() ? "" : "," + error) + "]";
                break;
        }
        w_.write(out);
    }

  private:
    body_writer& w_;
    framing f_;
    query_registry& registry_;
    std::stop_source stop_;
    transient_header header_;
    std::vector<sql_type> types_;
    std::string type_error_;
    bool started_ = false;
    bool client_gone_ = false;
};

// Calls run(stop token) with a watcher thread requesting the stop once the
// client hangs up (rows may be rare: a write would notice only at the
// next one); returns run's status and whether a stop was requested.
template <class Run>
std::pair<status, bool> run_watched(body_writer& w, std::stop_source stop, Run run) {
    std::jthread watcher([&w, stop](std::stop_token done) mutable {
        while (!done.stop_requested()) {
            if (!w.client_connected()) {
                stop.request_stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    status st = run(stop.get_token());
    watcher.request_stop();
    watcher.join();
    return {st, stop.stop_requested()};
}

void run_streamed(engine& e, query_registry& registry, const ast::statement& stmt,
                  const request_scope& scope, framing f, body_writer& w) {
    std::stop_source stop;
    framed_sink sink(w, f, registry, stop);
    auto [st, stopped] = run_watched(
        w, stop, [&](std::stop_token token) { return e.run_transient(stmt, sink, token, scope); });
    sink.finish(st, stopped);
}

// PRINT on /query: each record's lines, then nothing more (ksqlDB's
// TopicStreamWriter ends the response at the LIMIT); an error before the
// first line is a plain 400 (an unknown topic), after it a last text line.
void run_printed(engine& e, const ast::statement& stmt, const request_scope& scope,
                 body_writer& w) {
    constexpr auto heartbeat = std::chrono::seconds(1);
    bool started = false;
    bool gone = false;
    auto last = std::chrono::steady_clock::now();
    auto send = [&](const std::string& text) {
        started = true;
        last = std::chrono::steady_clock::now();
        gone = !w.write(text);
        return !gone;
    };
    auto [st, stopped] = run_watched(w, std::stop_source(), [&](std::stop_token token) {
        return e.run_print(
            stmt, [&](const std::string& line) { return send(line + "\n"); }, token, scope,
            [&] { return std::chrono::steady_clock::now() - last < heartbeat || send("\n"); });
    });
    if (st.ok() || gone || stopped) {
        return;
    }
    if (!started) {
        int http_status = st.code() == errc::io || st.code() == errc::timed_out ? 500 : 400;
        w.reject(response::json(
            http_status,
            error_json(http_status == 500 ? error_server : error_bad_request, st.message())));
        return;
    }
    w.write(st.message() + "\n");
}

// The single statement of a request (a SELECT, or a PRINT where
// `print_too`), or the response refusing it.
std::variant<ast::statement, response> query_of(const std::string& sql, std::string_view where,
                                                bool print_too) {
    auto stmts = parse_script(sql);
    if (!stmts) {
        return response::json(
            400, statement_error_json(error_bad_statement, stmts.err().message, sql, "[]"));
    }
    if (stmts->size() != 1 ||
        !(std::holds_alternative<ast::query_stmt>(stmts->front().body) ||
          (print_too && std::holds_alternative<ast::print_stmt>(stmts->front().body)))) {
        return response::json(
            400, statement_error_json(error_bad_statement,
                                      fmt::format("{} runs one {} statement; run other "
                                                  "statements on /ksql",
                                                  where, print_too ? "SELECT or PRINT" : "SELECT"),
                                      sql, "[]"));
    }
    return std::move(stmts->front());
}

}  // namespace

response ksql_rest_api::query_v1(const request& req) {
    auto body = parse_statement_request(req.body, "ksql", "streamsProperties");
    if (!body) {
        return response::json(400, error_json(error_bad_request, body.err().message));
    }
    auto stmt = query_of(body->sql, "/query", true);
    if (auto* refused = std::get_if<response>(&stmt)) {
        return std::move(*refused);
    }
    if (std::holds_alternative<ast::print_stmt>(std::get<ast::statement>(stmt).body)) {
        // ksqlDB answers a PRINT as application/json whatever the Accept.
        return response::streamed(200, "application/json",
                                  [this, s = std::get<ast::statement>(std::move(stmt)),
                                   scope = scope_of(std::move(*body))](body_writer& w) {
                                      run_printed(engine_, s, scope, w);
                                  });
    }
    auto accept = req.header("accept");
    std::string type = accept && accept->find("application/vnd.ksql.v1+json") != std::string::npos
                           ? "application/vnd.ksql.v1+json"
                           : "application/json";
    return response::streamed(
        200, type,
        [this, s = std::get<ast::statement>(std::move(stmt)), scope = scope_of(std::move(*body))](
            body_writer& w) { run_streamed(engine_, queries_, s, scope, framing::v1, w); });
}

response ksql_rest_api::query_stream(const request& req) {
    auto body = parse_statement_request(req.body, "sql", "properties");
    if (!body) {
        return response::json(400, error_json(error_bad_request, body.err().message));
    }
    auto stmt = query_of(body->sql, "/query-stream", false);
    if (auto* refused = std::get_if<response>(&stmt)) {
        return std::move(*refused);
    }
    auto accept = req.header("accept");
    bool json = accept && accept->find("application/json") != std::string::npos &&
                accept->find(delimited_type) == std::string::npos;
    framing f = json ? framing::json_array : framing::delimited;
    return response::streamed(
        200, json ? "application/json" : std::string(delimited_type),
        [this, s = std::get<ast::statement>(std::move(stmt)), scope = scope_of(std::move(*body)),
         f](body_writer& w) { run_streamed(engine_, queries_, s, scope, f, w); });
}

response ksql_rest_api::close_query(const request& req) {
    auto id = parse_string_member(req.body, "queryId");
    if (!id) {
        return response::json(400, error_json(error_bad_request, id.err().message));
    }
    if (!queries_.stop(*id)) {
        return response::json(
            400, error_json(error_bad_request, fmt::format("No query with id {}", *id)));
    }
    return response::empty(200);
}

}  // namespace cs::streams::rest
