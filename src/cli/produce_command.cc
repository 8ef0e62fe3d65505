#include "cli/produce_command.h"

#include <atomic>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "tools/produce.h"

namespace cs::cli {
namespace {

std::atomic<int> interrupts{0};

void on_interrupt(int) {
    interrupts.fetch_add(1, std::memory_order_relaxed);
}

// Ctrl-C stops reading (a blocked read of stdin returns: no SA_RESTART) and
// the tool waits for what it sent; a second one stops the wait; a third ends
// the process the usual way.
class interrupt_handler {
  public:
    interrupt_handler() {
        struct sigaction sa = {};
        sa.sa_handler = [](int sig) {
            on_interrupt(sig);
            if (interrupts.load(std::memory_order_relaxed) >= 2) {
                std::signal(SIGINT, SIG_DFL);
            }
        };
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~interrupt_handler() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    interrupt_handler(const interrupt_handler&) = delete;
    interrupt_handler& operator=(const interrupt_handler&) = delete;

  private:
    struct sigaction old_int_ = {};
    struct sigaction old_term_ = {};
};

struct cli_options {
    tools::produce_options produce;
    std::string format = "lines";
    double throughput = 0;
};

}  // namespace

void register_produce_command(CLI::App& app) {
    auto o = std::make_shared<cli_options>();
    auto& p = o->produce;
    auto* cmd = app.add_subcommand(
        "produce",
        "Send records from stdin or a file to a topic (kafka-console-producer.sh). Keyed records "
        "are partitioned by murmur2_random, as Kafka's Java producer does, so a key lands in the "
        "same partition as with Java or kafka-python producers (set --producer-property "
        "partitioner=... to change it). Ends with a summary on stderr; exits 1 if any record "
        "failed or was not delivered.");
    cmd->add_option("--bootstrap-server", p.bootstrap_server,
                    "Broker(s) host:port[,host:port]; default: bootstrap.servers from "
                    "--producer.config, else $CLICKSTREAM_BOOTSTRAP_SERVERS, else localhost:9092");
    cmd->add_option("--broker-list", p.broker_list,
                    "Deprecated alias of --bootstrap-server (ignored when that is given)");
    cmd->add_option("--topic", p.topic, "The topic to send to")->required();
    cmd->add_option("--producer.config", p.producer_config,
                    "Producer properties file (Java client files work unchanged)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--producer-property", p.producer_properties,
                    "key=value producer setting, overrides --producer.config (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--property", p.properties,
                    "key=value for the line reader (repeatable): parse.key=true, key.separator "
                    "(default TAB), parse.headers=true, headers.delimiter (default TAB), "
                    "headers.separator (default ,), headers.key.separator (default :), "
                    "ignore.error=true, null.marker=S. A line is "
                    "[h1:v1,h2:v2<TAB>][key<TAB>]value")
        ->allow_extra_args(false);
    cmd->add_option("--file", p.file,
                    "Read this file instead of stdin (progress bar on a terminal)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--format", o->format,
                    "lines: each line a record; json: each line a JSON document, validated; csv: "
                    "each row a JSON object named by the header row")
        ->check(CLI::IsMember({"lines", "json", "csv"}))
        ->capture_default_str();
    cmd->add_option("--key-field", p.key_field,
                    "json/csv: the field (column) whose value is the record key");
    cmd->add_option("--throughput", o->throughput,
                    "Send at most this many records per second, evenly spaced");
    cmd->callback([o] {
        static const std::map<std::string, tools::produce_format> formats = {
            {"lines", tools::produce_format::lines},
            {"json", tools::produce_format::json},
            {"csv", tools::produce_format::csv}};
        o->produce.format = formats.at(o->format);
        if (o->throughput != 0) {
            o->produce.throughput = o->throughput;
        }
        interrupts.store(0);
        interrupt_handler handler;
        tools::produce_env env;
        env.in = &std::cin;
        env.in_fd = 0;
        env.err = &std::cerr;
        env.interrupts = &interrupts;
        if (int code = tools::run_produce(o->produce, env); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
