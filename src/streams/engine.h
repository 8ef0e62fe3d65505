#pragma once

// The statement engine: executes parsed ksqlDB statements against an
// in-memory catalog of streams and tables, runs the persistent queries
// (CSAS / INSERT INTO ... SELECT) and records every successful state change
// in the command topic so a restarted process resumes the same queries.
//
// Lifecycle: create() connects (admin client, command topic created when
// missing), restore() replays the command topic: the catalog is rebuilt
// without creating topics or re-appending, and the queries that are still
// alive at the end of the log are started (they resume at their groups'
// committed offsets). Then execute()/execute_script() run new statements.
// stop_all() (or the destructor) stops every query.
//
// Threading: execute(), execute_result(), execute_batch(), execute_script()
// and run_transient() may be called from any thread: an internal statement
// lock serialises the statements
// (a transient query is planned under it and runs without it). restore()
// and stop_all() on the thread that owns the engine; query_statuses() from
// any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/settings.h"
#include "streams/ast.h"
#include "streams/planner.h"
#include "streams/query_runner.h"
#include "streams/request_scope.h"
#include "streams/statement_result.h"
#include "streams/table_store.h"
#include "streams/transient_query.h"
#include "streams/variables.h"

namespace cs::client {
class admin_client;
}

namespace cs::streams {

class command_log;

struct engine_options {
    std::string service_id = "default_";  // ksql.service.id
    // Persist statements in (and replay) the command topic.
    bool persist = true;
    std::chrono::milliseconds table_load_timeout{std::chrono::minutes(10)};
    std::chrono::milliseconds poll_timeout{100};
    // Session properties in effect from the start (e.g. auto.offset.reset
    // from --config); SET/UNSET change them for later statements.
    std::map<std::string, std::string> properties;
    // Session variables from the start (--define name=value), as DEFINE.
    std::map<std::string, std::string> variables;
};

// "_confluent-ksql-<service id>_command_topic", as ksqlDB names it.
std::string command_topic_name(std::string_view service_id);

struct query_status {
    std::string id;
    std::string sink;
    std::string sql;
    query_state state = query_state::created;
    uint64_t consumed = 0;
    uint64_t produced = 0;
    uint64_t dlq = 0;
    int64_t lag = 0;
    // exactly_once_v2 queries: transactions committed and aborted.
    bool exactly_once = false;
    uint64_t txn_committed = 0;
    uint64_t txn_aborted = 0;
    std::string error;
};

class engine final : public catalog_view {
  public:
    static result<std::unique_ptr<engine>> create(client::client_settings settings,
                                                  engine_options options = {});
    ~engine() override;
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    // Replays the command topic (see the file comment). Call once, first.
    status restore();

    // Runs one statement; returns what it produced as data (the REST API
    // sends it as ksqlDB's entities). Errors from parsing/planning keep
    // their line:column text.
    result<statement_result> execute_result(const ast::statement& stmt);
    // execute_result() as the text to print (a table, a message).
    result<std::string> execute(const ast::statement& stmt);
    // Runs statements in order with the request's scope (properties and
    // variables) layered over the session's, stopping at the first error;
    // `done` gets the result of each statement that ran. The session's
    // properties and variables are as before afterwards: overrides,
    // SET/UNSET and DEFINE/UNDEFINE last for the batch only (as on
    // ksqlDB's /ksql endpoint).
    status execute_batch(const std::vector<ast::statement>& stmts, const request_scope& scope,
                         std::vector<statement_result>& done);
    // The Kafka cluster's id ("" when the brokers do not tell within 5 s).
    std::string kafka_cluster_id() const;
    // Whether the brokers answer a metadata request.
    status check_kafka() const;
    // Parses and runs statements in order, stopping at the first error; the
    // outputs of the statements that ran are appended to `out`.
    status execute_script(std::string_view sql, std::vector<std::string>& out);

    // Runs a bare SELECT. A push query (EMIT CHANGES) runs until its LIMIT is
    // reached, `stop` is requested, or on_row returns false; a pull query
    // delivers its rows and returns. Rows are delivered on the calling
    // thread. Thread-safe: may be called from any thread, concurrently with
    // execute()/execute_script() and other transient queries (it plans under
    // the engine's statement lock and runs without holding it).
    // `scope` holds request-scoped overrides (e.g. auto.offset.reset) and
    // variables. transient_query.h describes the semantics.
    status run_transient(const ast::statement& stmt, row_sink& sink, std::stop_token stop,
                         const request_scope& scope = {});

    // Runs a PRINT (ast::print_stmt): the topic's records as ksqlDB prints
    // them (record_formatter.h), one line at a time to on_line, until the
    // LIMIT, `stop`, or on_line returning false. on_idle (when set) is
    // called after each poll that found nothing, and stops the PRINT by
    // returning false (the REST API's heartbeat). Like run_transient:
    // thread-safe, the statement lock only while it starts.
    status run_print(const ast::statement& stmt,
                     const std::function<bool(const std::string& line)>& on_line,
                     std::stop_token stop, const request_scope& scope = {},
                     const std::function<bool()>& on_idle = {});

    // The statement with the session's variables substituted (variables.h);
    // execute(), run_transient() and run_print() do it themselves.
    result<ast::statement> substitute(const ast::statement& stmt);

    // catalog_view
    const source_def* find(std::string_view name) const override;
    std::vector<std::string> names() const override;

    std::vector<query_status> query_statuses() const;
    size_t running_queries() const;
    void stop_all();

  private:
    engine() = default;
    struct persistent_query {
        std::string id;
        std::string sql;
        std::string sink;                  // sink source name
        std::vector<std::string> sources;  // stream + joined tables
        query_plan plan;
        std::unique_ptr<query_runner> runner;  // null until started
        bool started = false;
    };

    // `replaying`: from the command topic (no topic creation, no append).
    result<statement_result> run(const ast::statement& stmt, bool replaying);
    result<statement_result> create_source(const ast::create_source_stmt& c,
                                           const ast::statement& stmt, bool replaying);
    result<statement_result> create_as_select(const ast::create_as_select_stmt& c,
                                              const ast::statement& stmt, bool replaying);
    result<statement_result> replace_query(const ast::create_as_select_stmt& c,
                                           const ast::statement& stmt, bool replaying);
    result<statement_result> insert_select(const ast::insert_select_stmt& c,
                                           const ast::statement& stmt, bool replaying);
    result<statement_result> insert_values(const ast::insert_values_stmt& c);
    result<statement_result> drop(const ast::drop_stmt& d, bool replaying);
    result<statement_result> terminate(const ast::terminate_stmt& t);
    result<statement_result> show(const ast::show_stmt& s);
    result<statement_result> describe(const ast::describe_stmt& d) const;
    result<statement_result> explain(const ast::explain_stmt& e, const ast::statement& stmt) const;
    result<statement_result> show_topics();
    // engine_session.cc: PRINT (refused here), DEFINE, UNDEFINE, ALTER,
    // RUN SCRIPT (refused here).
    result<std::string> run_session_statement(const ast::statement& stmt, bool replaying);
    result<std::string> alter_source(const ast::alter_source_stmt& a, const ast::statement& stmt,
                                     bool replaying);
    // engine_describe.cc: DESCRIBE FUNCTION, DESCRIBE STREAMS|TABLES.
    result<std::string> describe_function(const ast::describe_stmt& d) const;
    result<std::string> describe_all(const ast::describe_stmt& d) const;
    // substitute() with the statement lock held, the request's variables
    // over the session's.
    result<ast::statement> substitute_unlocked(const ast::statement& stmt,
                                               const request_scope& scope = {}) const;

    // Registers a planned query (and its sink when `new_sink`), starting it
    // unless replaying.
    result<statement_result> add_query(query_plan plan, bool new_sink, bool replaying);
    status start_query(persistent_query& q);
    result<std::shared_ptr<table_reader>> reader_for(const source_def& table);
    // Partition count of topic, 0 when it does not exist.
    result<int32_t> topic_partitions(const std::string& topic);
    status record(const ast::statement& stmt);
    std::vector<std::string> users_of(const std::string& source) const;
    // Runner options from these properties (the session's, or the session's
    // with a request's overrides).
    result<runner_options> make_runner_options(
        const std::map<std::string, std::string>& props) const;
    // make_runner_options of the session's properties with a request's
    // overrides (engine_session.cc).
    result<runner_options> request_runner_options(
        const std::map<std::string, std::string>& overrides) const;
    // TIMESTAMP_FORMAT parsing of a source, in UTC (ksqlDB's default zone for it).
    static timestamp_parser parser_for(const source_def& def);
    // Plans a bare SELECT under the statement lock (engine_transient.cc).
    result<transient_run> plan_transient_run(const ast::query_stmt& q, const ast::statement& stmt,
                                             const std::map<std::string, std::string>& properties);

    // Held by every statement (execute, restore, planning a transient query).
    std::mutex statement_mu_;
    client::client_settings settings_;
    engine_options options_;
    std::unique_ptr<client::admin_client> admin_;
    std::unique_ptr<command_log> log_;
    std::map<std::string, source_def, std::less<>> sources_;
    std::vector<std::string> source_order_;  // creation order, for SHOW
    std::map<std::string, std::shared_ptr<table_reader>, std::less<>> readers_;
    mutable std::mutex queries_mu_;  // guards queries_ against query_statuses()
    std::vector<std::unique_ptr<persistent_query>> queries_;
    std::map<std::string, std::string> session_props_;  // SET 'k'='v'
    variable_map variables_;                            // DEFINE name = 'value'
    int64_t next_query_number_ = 1;
};

}  // namespace cs::streams
