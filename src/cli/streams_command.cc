#include "cli/streams_command.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "cli/streams_server.h"
#include "cli/streams_shell.h"
#include "cli/streams_table_printer.h"
#include "client/settings.h"
#include "config/diagnostics.h"
#include "streams/engine.h"
#include "streams/parser.h"

namespace cs::cli {
namespace {

std::atomic<bool> stop_requested{false};
std::atomic<bool> terminate_requested{false};  // SIGTERM: the shell ends too

extern "C" void on_streams_stop_signal(int sig) {
    if (sig == SIGTERM) {
        terminate_requested.store(true);
    }
    if (stop_requested.exchange(true)) {
        std::_Exit(130);
    }
}

struct streams_options {
    std::optional<std::string> bootstrap_server;
    std::optional<std::string> file;
    std::optional<std::string> execute;
    std::optional<std::string> config;
    std::optional<std::string> service_id;
    std::optional<std::string> listen;  // --listen HOST:PORT
    std::vector<std::string> defines;   // --define name=value
    int status_interval_ms = 10000;
};

// ksqlDB's VariableParser: "name=value", split at '=' (Java's split: exactly
// two parts once trailing empty ones are dropped).
result<std::pair<std::string, std::string>> parse_define(const std::string& pair) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t eq = pair.find('=', start);
        parts.push_back(pair.substr(start, eq == std::string::npos ? eq : eq - start));
        if (eq == std::string::npos) {
            break;
        }
        start = eq + 1;
    }
    while (!parts.empty() && parts.back().empty()) {
        parts.pop_back();
    }
    if (parts.size() != 2) {
        return error{errc::invalid_argument,
                     "Failed to parse argument " + pair +
                         ": variables must be defined using '=' (i.e. var=val)."};
    }
    return std::pair{parts[0], parts[1]};
}

// Settings of the properties file: ksqlDB's own (ksql.*, auto.offset.reset,
// ksql.streams.*, processing.guarantee) become engine properties; the rest
// are client settings (librdkafka would refuse processing.guarantee).
bool is_engine_property(const std::string& key) {
    return key.starts_with("ksql.") || key == "auto.offset.reset" || key == "processing.guarantee";
}

// Server mode's address: --listen, else `listeners` of the properties file
// (one http:// listener, as ksqlDB's key).
result<std::optional<http::listen_address>> listen_address(
    const streams_options& o, const std::optional<std::string>& listeners) {
    if (o.listen) {
        auto a = http::parse_host_port(*o.listen);
        if (!a) {
            return error{a.err().code, "--listen " + a.err().message};
        }
        return std::optional<http::listen_address>(*a);
    }
    if (!listeners) {
        return std::optional<http::listen_address>();
    }
    if (listeners->find(',') != std::string::npos) {
        return error{
            errc::unsupported,
            fmt::format("listeners={}: more than one listener is not supported yet", *listeners)};
    }
    auto a = http::parse_http_listener(*listeners);
    if (!a) {
        return error{a.err().code, "listeners=" + a.err().message};
    }
    return std::optional<http::listen_address>(*a);
}

// Runs f(stop token) while SIGINT/SIGTERM turn into a stop request (the
// signal handler only sets a flag; a watcher thread requests the stop).
template <class F>
status run_stoppable(std::stop_source& stop, F&& f) {
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done.load()) {
            if (stop_requested.load()) {
                stop.request_stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    status st = f(stop.get_token());
    done.store(true);
    watcher.join();
    return st;
}

// A bare SELECT: its rows as a table on stdout until it ends (a pull query,
// a LIMIT) or SIGINT/SIGTERM stops it; then ksqlDB's CLI's closing lines.
status run_query(streams::engine& e, const streams::ast::statement& stmt) {
    std::stop_source stop;
    table_printer printer(std::cout, terminal_width());
    auto st = run_stoppable(
        stop, [&](std::stop_token token) { return e.run_transient(stmt, printer, token); });
    if (!st) {
        return st;
    }
    const auto& select = std::get<streams::ast::query_stmt>(stmt.body).select;
    const bool push = select.emit_changes || select.emit_final;
    if (push && select.limit && !stop.stop_requested() && printer.rows() >= *select.limit) {
        std::cout << "Limit Reached\n";
    }
    std::cout << "Query terminated\n";
    std::cout.flush();
    return {};
}

// PRINT: the topic's lines as they come until its LIMIT or an interrupt,
// then "Topic printing ceased" (ksqlDB's CLI).
status run_print(streams::engine& e, const streams::ast::statement& stmt) {
    std::stop_source stop;
    auto st = run_stoppable(stop, [&](std::stop_token token) {
        return e.run_print(
            stmt,
            [](const std::string& line) {
                std::cout << line << '\n';
                std::cout.flush();
                return true;
            },
            token);
    });
    if (!st) {
        return st;
    }
    std::cout << "Topic printing ceased\n";
    std::cout.flush();
    return {};
}

status run_statements(streams::engine& e, const std::string& sql, bool in_script);

// RUN SCRIPT 'file': its statements, as --file runs them; like ksqlDB's
// RUN SCRIPT, no SELECT, PRINT or RUN SCRIPT inside.
status run_script(streams::engine& e, const streams::ast::statement& stmt) {
    auto substituted = e.substitute(stmt);
    if (!substituted) {
        return substituted.err();
    }
    const auto& path = std::get<streams::ast::run_script_stmt>(substituted->body).path;
    std::ifstream in(path);
    if (!in) {
        return status(errc::not_found, "Failed to read file: " + path);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return run_statements(e, ss.str(), true);
}

// Runs the statements in order, printing each one's output as it ends,
// until the first error or an interrupt (which ends a push query and the
// run: the statements after it are not run).
status run_statements(streams::engine& e, const std::string& sql, bool in_script) {
    auto stmts = streams::parse_script(sql);
    if (!stmts) {
        return stmts.err();
    }
    namespace ast = streams::ast;
    for (const auto& s : *stmts) {
        const bool streamed = std::holds_alternative<ast::query_stmt>(s.body) ||
                              std::holds_alternative<ast::print_stmt>(s.body) ||
                              std::holds_alternative<ast::run_script_stmt>(s.body);
        if (in_script && streamed) {
            return status(
                errc::unsupported,
                "RUN SCRIPT runs no SELECT, PRINT or RUN SCRIPT (as ksqlDB's): " + s.text);
        }
        if (std::holds_alternative<ast::query_stmt>(s.body)) {
            if (auto st = run_query(e, s); !st) {
                return st;
            }
        } else if (std::holds_alternative<ast::print_stmt>(s.body)) {
            if (auto st = run_print(e, s); !st) {
                return st;
            }
        } else if (std::holds_alternative<ast::run_script_stmt>(s.body)) {
            if (auto st = run_script(e, s); !st) {
                return st;
            }
        } else {
            auto out = e.execute(s);
            if (!out) {
                return out.err();
            }
            if (!out->empty()) {
                std::cout << *out << (out->ends_with('\n') ? "" : "\n");
                std::cout.flush();
            }
        }
        if (stop_requested.load()) {
            break;
        }
    }
    return {};
}

int run_streams(const streams_options& o) {
    client::client_settings settings;
    streams::engine_options eo;
    std::optional<std::string> listeners;
    if (o.config) {
        client::client_settings file;
        config::diagnostics diags;
        if (auto st = file.add_file(*o.config, diags); !st || diags.has_errors()) {
            std::cerr << diags.to_string();
            if (!st) {
                std::cerr << "error: " << st.message() << '\n';
            }
            return 1;
        }
        for (const auto& s : file.entries()) {
            if (s.key == "listeners") {
                listeners = s.value;
            } else if (s.key == "ksql.service.id") {
                eo.service_id = s.value;
            } else if (s.key == "ksql.streams.auto.offset.reset") {
                eo.properties["auto.offset.reset"] = s.value;
            } else if (is_engine_property(s.key)) {
                eo.properties[s.key] = s.value;
            } else {
                settings.set(s.key, s.value, s.origin, s.line);
            }
        }
    }
    if (o.service_id) {
        eo.service_id = *o.service_id;
    }
    for (const auto& d : o.defines) {
        auto kv = parse_define(d);
        if (!kv) {
            std::cerr << "error: " << kv.err().message << '\n';
            return 1;
        }
        eo.variables[kv->first] = kv->second;
    }
    client::apply_bootstrap(settings, o.bootstrap_server);
    auto listen = listen_address(o, listeners);
    if (!listen) {
        std::cerr << "error: " << listen.err().message << '\n';
        return 1;
    }
    // No statements and no server: the interactive shell (streams_shell.h).
    const bool shell = !o.file && !o.execute && !*listen;

    std::string sql;
    if (o.file) {
        std::ifstream in(*o.file);
        if (!in) {
            std::cerr << "error: cannot read " << *o.file << '\n';
            return 1;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        sql = ss.str();
    } else if (o.execute) {
        sql = *o.execute;
    }

    auto engine = streams::engine::create(settings, eo);
    if (!engine) {
        std::cerr << "error: " << engine.err().message << '\n';
        return 1;
    }
    if (auto st = (*engine)->restore(); !st) {
        std::cerr << "error: restoring from the command topic: " << st.message() << '\n';
        return 1;
    }
    // Before the statements: Ctrl-C ends a running push query.
    struct sigaction sa {};
    sa.sa_handler = on_streams_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    if (shell) {
        shell_io io{.in_fd = STDIN_FILENO,
                    .interactive = ::isatty(STDIN_FILENO) != 0,
                    .interrupted = &stop_requested,
                    .terminated = &terminate_requested};
        size_t failed = run_shell(io, [&](const std::string& statements) {
            return run_statements(**engine, statements, false);
        });
        if (size_t running = (*engine)->running_queries(); running > 0) {
            std::cerr << fmt::format(
                "stopping {} persistent quer{}; they resume when `clickstream streams` runs "
                "again with service id {}\n",
                running, running == 1 ? "y" : "ies", eo.service_id);
        }
        (*engine)->stop_all();
        return failed > 0 && !io.interactive ? 2 : 0;
    }
    // Queries resumed from the command topic keep running only when this
    // invocation is a --file run or started queries of its own.
    size_t resumed = (*engine)->running_queries();
    auto st = run_statements(**engine, sql, false);
    std::cout.flush();
    if (!st) {
        std::string where = o.file ? *o.file + ":" : std::string();
        std::cerr << where << "error: " << st.message() << '\n';
        (*engine)->stop_all();
        bool sql_error = st.code() == errc::invalid_argument || st.code() == errc::not_found ||
                         st.code() == errc::unsupported || st.code() == errc::already_exists;
        return sql_error ? 2 : 1;
    }
    if (o.execute && !*listen && (*engine)->running_queries() <= resumed) {
        (*engine)->stop_all();
        return 0;
    }
    std::unique_ptr<streams_server> server;
    if (*listen) {
        auto s = streams_server::start(**engine, **listen, eo.service_id);
        if (!s) {
            std::cerr << "error: " << s.err().message << '\n';
            (*engine)->stop_all();
            return 1;
        }
        server = std::move(*s);
        std::cerr << fmt::format("serving ksqlDB's REST API on http://{}:{}\n",
                                 (*listen)->host.empty() ? "0.0.0.0" : (*listen)->host,
                                 server->port());
    }

    auto interval = std::chrono::milliseconds(std::max(100, o.status_interval_ms));
    auto next = std::chrono::steady_clock::now() + interval;
    while (!stop_requested.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (std::chrono::steady_clock::now() < next) {
            continue;
        }
        next += interval;
        for (const auto& q : (*engine)->query_statuses()) {
            std::string txns = q.exactly_once
                                   ? fmt::format(", transactions committed {}, aborted {}",
                                                 q.txn_committed, q.txn_aborted)
                                   : "";
            std::cerr << fmt::format("{}: {} consumed {}, produced {}, dlq {}, lag {}{}{}\n", q.id,
                                     streams::query_state_name(q.state), q.consumed, q.produced,
                                     q.dlq, q.lag, txns,
                                     q.error.empty() ? "" : " error: " + q.error);
        }
    }
    if (server) {
        server->stop();
    }
    (*engine)->stop_all();
    return 0;
}

}  // namespace

void register_streams_command(CLI::App& app) {
    auto opts = std::make_shared<streams_options>();
    auto* cmd = app.add_subcommand(
        "streams", "Run ksqlDB-compatible SQL: streams, tables, persistent and transient queries");
    auto optional_string = [cmd](const std::string& name, std::optional<std::string>& target,
                                 const std::string& help) {
        return cmd->add_option_function<std::string>(
            name, [&target](const std::string& v) { target = v; }, help);
    };
    optional_string("--bootstrap-server", opts->bootstrap_server,
                    "The server(s) to connect to (else $CLICKSTREAM_BOOTSTRAP_SERVERS, else "
                    "localhost:9092)");
    auto* file = optional_string("--file,-f", opts->file, "A file of SQL statements to run");
    auto* exec = optional_string("--execute,-e", opts->execute, "SQL statements to run");
    file->excludes(exec);
    optional_string("--config", opts->config,
                    "Properties file: client settings, ksql.service.id, auto.offset.reset, "
                    "listeners=http://HOST:PORT (serve ksqlDB's REST API)");
    optional_string("--service-id", opts->service_id,
                    "ksql.service.id (default default_): names the command topic and groups");
    optional_string("--listen", opts->listen,
                    "HOST:PORT: serve ksqlDB's REST API there (as ksqlDB's listeners); "
                    "--file/--execute become optional");
    cmd->add_option("--define,-d", opts->defines,
                    "A session variable, name=value (as DEFINE name = 'value'); repeatable");
    cmd->add_option("--status-interval-ms", opts->status_interval_ms,
                    "How often to print the queries' status to stderr")
        ->capture_default_str();
    cmd->callback([opts] {
        // Without --file/--execute: server mode (--listen, or listeners= in
        // --config), else the interactive shell on stdin.
        int code = run_streams(*opts);
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
