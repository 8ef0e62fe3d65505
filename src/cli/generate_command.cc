#include "cli/generate_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "tools/generate.h"
#include "tools/generate/timestamps.h"

namespace cs::cli {
namespace {

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void on_interrupt(int) {
    interrupted.store(true);
}

// The first Ctrl-C (or SIGTERM) stops generating, flushes and prints the
// summary; SA_RESETHAND makes a second one end the process at once.
void install_interrupt_handler() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

struct cli_options {
    tools::generate_options run;
    std::string start_time;
    uint64_t count = 0;
};

void run(cli_options& o, CLI::App& cmd) {
    if (!o.start_time.empty()) {
        auto t = tools::gen::parse_start_time(o.start_time);
        if (!t) {
            std::fprintf(stderr, "clickstream generate: error: --start-time: %s\n",
                         t.err().message.c_str());
            throw CLI::RuntimeError(2);
        }
        o.run.start_ms = *t;
    }
    if (cmd.count("--count") > 0) {
        o.run.count = o.count;
    }
    install_interrupt_handler();
    if (int code = tools::run_generate(o.run, stdout, stderr, interrupted); code != 0) {
        throw CLI::RuntimeError(code);
    }
}

}  // namespace

void register_generate_command(CLI::App& app) {
    auto o = std::make_shared<cli_options>();
    auto& r = o->run;
    auto& g = r.generator;
    auto* cmd = app.add_subcommand(
        "generate",
        "Generate a realistic synthetic clickstream (users, sessions, Zipf-popular urls) to "
        "stdout or a topic");
    cmd->add_option("--topic", r.topic, "Produce to this topic (default: JSON lines on stdout)");
    cmd->add_option("--bootstrap-server", r.bootstrap_server,
                    "host:port of the Kafka cluster (default: $CLICKSTREAM_BOOTSTRAP_SERVERS, "
                    "else localhost:9092)");
    cmd->add_option("--producer-property", r.producer_properties,
                    "key=value producer setting (repeatable)");
    cmd->add_option("--producer.config", r.producer_config, "Producer .properties file")
        ->check(CLI::ExistingFile);
    cmd->add_option("--rate", r.rate, "Events per second (0: as fast as possible)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--count", o->count, "Stop after N events (default: until Ctrl-C)");
    cmd->add_option("--seed", g.seed,
                    "Random seed: the same seed and start time give "
                    "byte-identical output")
        ->capture_default_str();
    cmd->add_option("--start-time", o->start_time,
                    "Time of the first event: ISO-8601 (2026-01-01T09:00:00Z) or epoch ms "
                    "(default: now); event times then advance in simulated time");
    cmd->add_option("--users", g.users, "Number of users")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--urls", g.urls, "Number of urls in the site's catalogue")
        ->check(CLI::Range(tools::gen::min_urls, 100'000'000u))
        ->capture_default_str();
    cmd->add_option("--dimensions", r.dimensions_dir,
                    "Write users, devices and urls (CSV and JSON lines) to this directory");
    cmd->add_option("--unknown-ratio", g.unknown_ratio,
                    "Share of events whose user_id, device_id or url is in no dimension table")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--malformed-ratio", g.malformed_ratio,
                    "Share of events that are broken JSON or invalid events")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_flag("--print-key", r.print_key, "On stdout, print key<TAB>value");
    cmd->callback([o, cmd] { run(*o, *cmd); });
}

}  // namespace cs::cli
