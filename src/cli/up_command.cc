#include "cli/up_command.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "broker/broker.h"
#include "cli/connect_worker.h"
#include "cli/up_embedded.h"
#include "cli/up_status.h"
#include "client/admin.h"
#include "client/settings.h"
#include "config/broker_settings.h"
#include "config/properties.h"
#include "connect/worker_config.h"
#include "streams/engine.h"
#include "tools/generate.h"
#include "tools/generate/dimensions.h"
#include "tools/generate/timestamps.h"
#include "tools/produce.h"

namespace cs::cli {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct up_options {
    std::string dir = "clickstream-data";
    double rate = 100;
    std::optional<uint64_t> count;
    std::optional<uint64_t> seed;
    std::optional<std::string> start_time;
    uint16_t port = 9092;
    uint16_t rest_port = 8083;
    uint32_t users = 1000;
    uint32_t urls = 500;
    double unknown_ratio = 0.02;
    double malformed_ratio = 0.01;
    std::optional<std::string> pipeline_file;
    int status_interval_ms = 1000;
};

// What a first run decided, kept in DIR/up.properties so `up` again on the
// same DIR continues the same event stream and does not redo set-up.
struct run_state {
    uint64_t seed = 1;
    int64_t start_ms = 0;
    uint32_t users = 0;
    uint32_t urls = 0;
    double unknown_ratio = 0;
    double malformed_ratio = 0;
    bool set_up = false;  // dimensions loaded, pipeline and connectors created
};

result<std::optional<run_state>> read_state(const fs::path& path) {
    std::ifstream in(path);
    if (!in) {
        return std::optional<run_state>();
    }
    std::stringstream ss;
    ss << in.rdbuf();
    config::diagnostics diags;
    auto props = config::parse_properties(ss.str(), path.string(), diags);
    if (diags.has_errors()) {
        return error{errc::invalid_argument, diags.to_string()};
    }
    std::map<std::string, std::string> kv;
    for (const auto& e : props.entries()) {
        kv[e.key] = e.value;
    }
    run_state s;
    try {
        s.seed = std::stoull(kv.at("seed"));
        s.start_ms = std::stoll(kv.at("start.ms"));
        s.users = static_cast<uint32_t>(std::stoul(kv.at("users")));
        s.urls = static_cast<uint32_t>(std::stoul(kv.at("urls")));
        s.unknown_ratio = std::stod(kv.at("unknown.ratio"));
        s.malformed_ratio = std::stod(kv.at("malformed.ratio"));
        s.set_up = kv["set.up"] == "true";
    } catch (const std::exception&) {
        return error{errc::invalid_argument,
                     fmt::format("{}: missing or invalid keys; delete the directory to start over",
                                 path.string())};
    }
    return std::optional<run_state>(s);
}

status write_state(const fs::path& path, const run_state& s) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "# clickstream up: the run's settings (a second `up` on this directory resumes)\n"
            << "seed=" << s.seed << "\nstart.ms=" << s.start_ms << "\nusers=" << s.users
            << "\nurls=" << s.urls << "\nunknown.ratio=" << s.unknown_ratio
            << "\nmalformed.ratio=" << s.malformed_ratio
            << "\nset.up=" << (s.set_up ? "true" : "false") << "\n";
        if (!out) {
            return error{errc::io, fmt::format("cannot write {}", tmp.string())};
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        return error{errc::io, fmt::format("cannot write {}: {}", path.string(), ec.message())};
    }
    return {};
}

// A busy port is an error naming it and the flag that changes it.
status check_port(uint16_t port, const char* what, const char* flag) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return error{errc::io, "socket() failed"};
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::close(fd);
    if (rc != 0) {
        return error{errc::already_exists,
                     fmt::format("port {} for the {} is in use on 127.0.0.1 (choose another with "
                                 "{} PORT)",
                                 port, what, flag)};
    }
    return {};
}

status write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) {
        return error{errc::io, fmt::format("cannot write {}", path.string())};
    }
    return {};
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// CLICKSTREAM_POSTGRES_URL as libpq users write it (postgresql://user:pass@
// host:port/db) or as JDBC does (jdbc:postgresql://host:port/db).
void apply_postgres_url(const std::string& url, connect::config_map& config) {
    std::string rest = url;
    for (const char* scheme : {"postgresql://", "postgres://"}) {
        if (rest.starts_with(scheme)) {
            rest = rest.substr(std::string_view(scheme).size());
            if (auto at = rest.find('@'); at != std::string::npos) {
                std::string cred = rest.substr(0, at);
                rest = rest.substr(at + 1);
                auto colon = cred.find(':');
                config["connection.user"] = cred.substr(0, colon);
                config["connection.password"] =
                    colon == std::string::npos ? "" : cred.substr(colon + 1);
            }
            config["connection.url"] = "jdbc:postgresql://" + rest;
            return;
        }
    }
    config["connection.url"] = url;
}

struct up_paths {
    fs::path dir, data, lake, db, dims, logs, state;
};

// Compacted dimension topics, the click topic and the seeds' `events`.
status create_topics(client::admin_client& admin) {
    std::vector<client::new_topic> topics;
    for (const char* t : {"users", "devices", "urls"}) {
        topics.push_back({t, 1, 1, {{"cleanup.policy", "compact"}}});
    }
    topics.push_back({"clickstream", 3, 1, {}});
    topics.push_back({"events", 1, 1, {}});
    auto r = admin.create_topics(topics);
    if (!r) {
        return r.err();
    }
    for (const auto& s : *r) {
        if (!s.ok() && s.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            return error{errc::io, fmt::format("cannot create topic {}: {}", s.name, s.message)};
        }
    }
    return {};
}

status load_dimensions(const up_paths& p, const std::string& bootstrap) {
    for (auto [topic, key] : {std::pair{"users", "user_id"}, std::pair{"devices", "device_id"},
                              std::pair{"urls", "url"}}) {
        tools::produce_options po;
        po.bootstrap_server = bootstrap;
        po.topic = topic;
        po.file = (p.dims / (std::string(topic) + ".jsonl")).string();
        po.format = tools::produce_format::json;
        po.key_field = key;
        std::ostringstream err;
        tools::produce_env env;
        env.err = &err;
        env.progress = false;
        if (int rc = tools::run_produce(po, env); rc != 0) {
            return error{errc::io, fmt::format("loading {}: {}", topic, err.str())};
        }
    }
    return {};
}

client::client_settings client_for(const std::string& bootstrap) {
    client::client_settings s;
    s.set("bootstrap.servers", bootstrap, "clickstream up");
    return s;
}

std::string worker_properties(const up_options& o, const std::string& bootstrap) {
    return fmt::format(
        "# clickstream up: the embedded Connect worker\n"
        "bootstrap.servers={}\n"
        "listeners=http://127.0.0.1:{}\n"
        "group.id=clickstream-connect\n"
        "config.storage.topic=connect-configs\n"
        "offset.storage.topic=connect-offsets\n"
        "status.storage.topic=connect-status\n"
        "config.storage.replication.factor=1\n"
        "offset.storage.replication.factor=1\n"
        "status.storage.replication.factor=1\n"
        "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
        "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
        "key.converter.schemas.enable=false\n"
        "value.converter.schemas.enable=false\n"
        "offset.flush.interval.ms=1000\n",
        bootstrap, o.rest_port);
}

result<std::vector<connector_file>> connectors_for(const up_paths& p, std::string* db_url) {
    std::vector<connector_file> out;
    const char* pg = std::getenv("CLICKSTREAM_POSTGRES_URL");
    if (pg != nullptr && *pg != '\0') {
        auto c = parse_connector_text(embedded::postgres_sink_json,
                                      "examples/clickstream/connectors/postgres-sink.json");
        if (!c) {
            return c.take_error();
        }
        apply_postgres_url(pg, c->config);
        *db_url = c->config["connection.url"] + "|" + c->config["connection.user"] + "|" +
                  c->config["connection.password"];
        out.push_back(std::move(*c));
    } else {
        auto c = parse_connector_text(embedded::sqlite_sink_json,
                                      "examples/clickstream/connectors/sqlite-sink.json");
        if (!c) {
            return c.take_error();
        }
        c->config["connection.url"] = "jdbc:sqlite:" + p.db.string();
        *db_url = c->config["connection.url"] + "||";
        out.push_back(std::move(*c));
    }
    auto lake = parse_connector_text(embedded::local_parquet_sink_json,
                                     "examples/clickstream/connectors/local-parquet-sink.json");
    if (!lake) {
        return lake.take_error();
    }
    lake->config["store.url"] = "file://" + p.lake.string();
    out.push_back(std::move(*lake));
    return out;
}

std::atomic<bool> g_stop{false};

// SIGINT/SIGTERM are blocked in every thread; this one waits for them.
void watch_signals(sigset_t set) {
    int sig = 0;
    sigwait(&set, &sig);
    g_stop = true;
}

int run_up(const up_options& o) {
    up_paths p;
    p.dir = fs::absolute(o.dir);
    p.data = p.dir / "data";
    p.lake = p.dir / "lake";
    p.db = p.dir / "clickstream.db";
    p.dims = p.dir / "dimensions";
    p.logs = p.dir / "clickstream.log";
    p.state = p.dir / "up.properties";
    std::error_code ec;
    fs::create_directories(p.dir, ec);
    if (ec) {
        std::fprintf(stderr, "clickstream up: cannot create %s: %s\n", p.dir.c_str(),
                     ec.message().c_str());
        return 1;
    }
    for (auto [port, what, flag] : {std::tuple{o.port, "broker", "--port"},
                                    std::tuple{o.rest_port, "Connect REST API", "--rest-port"}}) {
        if (auto st = check_port(port, what, flag); !st) {
            std::fprintf(stderr, "clickstream up: %s\n", st.message().c_str());
            return 1;
        }
    }
    auto stored = read_state(p.state);
    if (!stored) {
        std::fprintf(stderr, "clickstream up: %s\n", stored.err().message.c_str());
        return 1;
    }
    run_state st;
    if (*stored) {
        st = **stored;
        if (o.seed && *o.seed != st.seed) {
            std::fprintf(stderr,
                         "clickstream up: %s was started with --seed %llu; resuming with it\n",
                         p.dir.c_str(), static_cast<unsigned long long>(st.seed));
        }
    } else {
        st.seed = o.seed.value_or(1);
        st.start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
        if (o.start_time) {
            auto t = tools::gen::parse_start_time(*o.start_time);
            if (!t) {
                std::fprintf(stderr, "clickstream up: --start-time: %s\n", t.err().message.c_str());
                return 2;
            }
            st.start_ms = *t;
        }
        st.users = o.users;
        st.urls = o.urls;
        st.unknown_ratio = o.unknown_ratio;
        st.malformed_ratio = o.malformed_ratio;
    }

    // Every thread started from here on inherits the blocked signals.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::thread(watch_signals, stop_signals).detach();

    if (!log::to_file(p.logs.string())) {
        std::fprintf(stderr, "clickstream up: cannot write %s\n", p.logs.c_str());
        return 1;
    }
    std::fprintf(stderr, "clickstream up: data in %s, logs in %s\n", p.dir.c_str(), p.logs.c_str());
    auto fail = [](const std::string& what) {
        std::fprintf(stderr, "clickstream up: %s\n", what.c_str());
        return 1;
    };

    // 1. The broker.
    const std::string bootstrap = fmt::format("127.0.0.1:{}", o.port);
    const fs::path server_props = p.dir / "server.properties";
    if (auto s = write_file(server_props, fmt::format("# clickstream up: the embedded broker\n"
                                                      "broker.id=0\n"
                                                      "listeners=PLAINTEXT://{}\n"
                                                      "log.dirs={}\n"
                                                      "num.partitions=3\n"
                                                      "offsets.topic.replication.factor=1\n"
                                                      "group.initial.rebalance.delay.ms=0\n",
                                                      bootstrap, p.data.string()));
        !s) {
        return fail(s.message());
    }
    config::diagnostics diags;
    auto cfg = config::load_broker_config(server_props, diags);
    diags.log();
    if (!cfg) {
        return fail(cfg.err().message);
    }
    broker::broker b(std::move(*cfg));
    if (auto s = b.start(); !s) {
        return fail("broker: " + s.message());
    }
    config::diagnostics client_diags;
    auto admin = client::admin_client::create(client_for(bootstrap), client_diags);
    if (!admin) {
        b.stop();
        return fail("admin client: " + admin.err().message);
    }

    // 2. Topics and dimension tables (first run only).
    tools::gen::generator_config gcfg;
    gcfg.seed = st.seed;
    gcfg.start_ms = st.start_ms;
    gcfg.users = st.users;
    gcfg.urls = st.urls;
    gcfg.unknown_ratio = st.unknown_ratio;
    gcfg.malformed_ratio = st.malformed_ratio;
    if (auto s = tools::gen::validate(gcfg); !s) {
        b.stop();
        return fail(s.message());
    }
    if (!st.set_up) {
        std::fprintf(stderr, "clickstream up: creating topics and loading %u users, %u urls\n",
                     st.users, st.urls);
        tools::gen::generator g(gcfg);
        if (auto s = tools::gen::write_dimensions(g.dimensions(), p.dims); !s) {
            b.stop();
            return fail(s.message());
        }
        if (auto s = create_topics(**admin); !s) {
            b.stop();
            return fail(s.message());
        }
        if (auto s = load_dimensions(p, bootstrap); !s) {
            b.stop();
            return fail(s.message());
        }
    }

    // 3. The SQL engine: queries resume from its command topic; a first run
    // executes the pipeline.
    streams::engine_options eo;
    eo.service_id = "clickstream_";
    eo.properties["auto.offset.reset"] = "earliest";
    auto engine = streams::engine::create(client_for(bootstrap), eo);
    if (!engine) {
        b.stop();
        return fail("streams: " + engine.err().message);
    }
    if (auto s = (*engine)->restore(); !s) {
        b.stop();
        return fail("streams: restoring from the command topic: " + s.message());
    }
    if (!st.set_up) {
        std::string sql = o.pipeline_file ? read_text(*o.pipeline_file) : embedded::pipeline_sql;
        std::vector<std::string> outputs;
        if (auto s = (*engine)->execute_script(sql, outputs); !s) {
            (*engine)->stop_all();
            b.stop();
            return fail(
                fmt::format("{}: {}", o.pipeline_file.value_or("pipeline.sql"), s.message()));
        }
    }

    // 4. The Connect worker with the sinks (created on the first run; a
    // resumed worker reads them from its config topic).
    const fs::path worker_file = p.dir / "connect.properties";
    if (auto s = write_file(worker_file, worker_properties(o, bootstrap)); !s) {
        (*engine)->stop_all();
        b.stop();
        return fail(s.message());
    }
    config::diagnostics wdiags;
    auto worker = connect::load_worker_config(worker_file.string(), wdiags);
    wdiags.log();
    std::string db_url;
    auto files = connectors_for(p, &db_url);
    if (!worker || !files) {
        (*engine)->stop_all();
        b.stop();
        return fail(!worker ? worker.err().message : files.err().message);
    }
    auto connect =
        connect_worker::start(*worker, st.set_up ? std::vector<connector_file>{} : *files);
    if (!connect) {
        (*engine)->stop_all();
        b.stop();
        return fail(connect.err().message);
    }
    if (!st.set_up) {
        st.set_up = true;
        if (auto s = write_state(p.state, st); !s) {
            return fail(s.message());
        }
    }

    // 5. The generator, continuing after what the topic already holds.
    status_probe probe(**admin, bootstrap, db_url, p.lake, (*files)[0].name, (*files)[1].name);
    const uint64_t already = probe.produced();
    std::atomic<bool> gen_done{false};
    std::atomic<int> gen_rc{0};
    std::thread generator;
    if (!o.count || already < *o.count) {
        tools::generate_options go;
        go.generator = gcfg;
        go.start_ms = st.start_ms;
        go.skip = already;
        go.rate = o.rate;
        if (o.count) {
            go.count = *o.count - already;
        }
        go.topic = "clickstream";
        go.bootstrap_server = bootstrap;
        go.show_progress = false;
        generator = std::thread([go, &gen_done, &gen_rc, logs = p.dir / "generator.log"] {
            std::FILE* err = std::fopen(logs.c_str(), "a");
            gen_rc = tools::run_generate(go, stdout, err != nullptr ? err : stderr, g_stop);
            if (err != nullptr) {
                std::fclose(err);
            }
            gen_done = true;
        });
    } else {
        gen_done = true;
    }
    std::fprintf(stderr,
                 "clickstream up: broker on %s, Connect REST on http://127.0.0.1:%u, generating "
                 "%s at %g events/s%s (Ctrl-C stops)\n",
                 bootstrap.c_str(), (*connect)->rest_port(),
                 o.count ? fmt::format("{} events", *o.count).c_str() : "events", o.rate,
                 already > 0 ? fmt::format(", resuming after {}", already).c_str() : "");

    // 6. Live status until Ctrl-C, or until --count events went all the way.
    status_line line(stderr, std::chrono::milliseconds(o.status_interval_ms));
    stage_counts last;
    while (!g_stop) {
        std::this_thread::sleep_for(200ms);
        if (!line.due() && !(gen_done && o.count)) {
            continue;
        }
        last = probe.sample(**engine);
        line.show(last);
        if (o.count && gen_done && last.finished(*o.count)) {
            break;
        }
        if (gen_done && gen_rc != 0) {
            line.end();
            std::fprintf(stderr, "clickstream up: the generator failed; see %s\n",
                         (p.dir / "generator.log").c_str());
            break;
        }
    }
    g_stop = true;
    if (generator.joinable()) {
        generator.join();
    }
    line.end();
    std::fprintf(stderr, "clickstream up: stopping\n");
    (*connect)->stop();
    (*engine)->stop_all();
    last = probe.final_sample(**engine, stderr);
    admin->reset();
    b.stop();
    print_summary(stderr, last, p.dir, p.lake, p.db, bootstrap,
                  !db_url.starts_with("jdbc:sqlite:"));
    return gen_rc == 0 ? 0 : 1;
}

}  // namespace

void register_up_command(CLI::App& app) {
    auto o = std::make_shared<up_options>();
    auto* cmd = app.add_subcommand(
        "up",
        "Run the whole pipeline in one process: broker, SQL enrichment, Connect sinks "
        "(SQLite or PostgreSQL, Parquet files) and the event generator");
    cmd->add_option("--dir", o->dir, "Directory for all data; `up` again on it resumes")
        ->capture_default_str();
    cmd->add_option("--rate", o->rate, "Events per second (0: as fast as possible)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--count", o->count,
                    "Stop once N events (in total, across resumed runs) went through every stage");
    cmd->add_option("--seed", o->seed, "Random seed of the generator (default 1)");
    cmd->add_option("--start-time", o->start_time,
                    "Event time of the first event: ISO-8601 or epoch ms (default: now)");
    cmd->add_option("--port", o->port, "Broker port on 127.0.0.1")->capture_default_str();
    cmd->add_option("--rest-port", o->rest_port, "Connect REST port on 127.0.0.1")
        ->capture_default_str();
    cmd->add_option("--users", o->users, "Users in the dimension table")->capture_default_str();
    cmd->add_option("--urls", o->urls, "Urls in the dimension table")->capture_default_str();
    cmd->add_option("--unknown-ratio", o->unknown_ratio,
                    "Share of events with an id in no dimension table")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--malformed-ratio", o->malformed_ratio,
                    "Share of broken events (they go to clickstream-dlq)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--pipeline", o->pipeline_file,
                    "SQL to run instead of the built-in examples/clickstream/pipeline.sql")
        ->check(CLI::ExistingFile);
    cmd->add_option("--status-interval-ms", o->status_interval_ms, "How often the status shows")
        ->capture_default_str();
    cmd->callback([o] {
        if (int code = run_up(*o); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
