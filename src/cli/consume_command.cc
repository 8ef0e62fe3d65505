#include "cli/consume_command.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "tools/consume.h"

namespace cs::cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int) {
    if (stop_requested.exchange(true)) {
        std::_Exit(130);  // a second Ctrl-C: the user does not want to wait
    }
}

void run(tools::consume_options& opts) {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    opts.stop = &stop_requested;
    int code = tools::run_consume(opts, std::cout, std::cerr);
    if (code != 0) {
        throw CLI::RuntimeError(code);
    }
}

}  // namespace

void register_consume_command(CLI::App& app) {
    auto opts = std::make_shared<tools::consume_options>();
    auto* cmd = app.add_subcommand(
        "consume", "Print records of a topic to stdout (kafka-console-consumer.sh)");
    auto optional_string = [cmd](const std::string& name, std::optional<std::string>& target,
                                 const std::string& help) {
        return cmd->add_option_function<std::string>(
            name, [&target](const std::string& v) { target = v; }, help);
    };
    optional_string("--bootstrap-server", opts->bootstrap_server,
                    "The server(s) to connect to (else $CLICKSTREAM_BOOTSTRAP_SERVERS, else "
                    "localhost:9092)");
    optional_string("--topic", opts->topic, "The topic to consume from");
    optional_string("--include", opts->include,
                    "Regular expression (POSIX extended) for the topic names to consume");
    optional_string("--group", opts->group, "The consumer group id (default: a random one)");
    cmd->add_flag("--from-beginning", opts->from_beginning,
                  "Start with the earliest record when the group has no committed offset");
    cmd->add_option_function<int32_t>(
        "--partition", [o = opts.get()](int32_t p) { o->partition = p; },
        "The partition to consume from (no group subscription); starts at the end unless "
        "--offset or --from-beginning");
    optional_string("--offset", opts->offset,
                    "With --partition: a non-negative offset, 'earliest' or 'latest'");
    cmd->add_option("--max-messages", opts->max_messages,
                    "Exit after this many records (default: run until stopped)");
    cmd->add_option("--timeout-ms", opts->timeout_ms,
                    "Exit when no record arrived for this many milliseconds");
    optional_string("--isolation-level", opts->isolation_level,
                    "read_committed or read_uncommitted (default)")
        ->check(CLI::IsMember({"read_committed", "read_uncommitted"}));
    optional_string("--consumer.config,--command-config", opts->consumer_config,
                    "Consumer config properties file (Java client files work)");
    cmd->add_option("--consumer-property,--command-property", opts->consumer_properties,
                    "A consumer setting key=value (repeatable; wins over the file)")
        ->allow_extra_args(false);
    cmd->add_option("--property,--formatter-property", opts->properties,
                    "Formatter setting (repeatable): print.key, print.value, print.timestamp, "
                    "print.partition, print.offset, print.headers=true|false, key.separator, "
                    "line.separator, headers.separator, headers.key.separator, null.literal")
        ->allow_extra_args(false);
    cmd->add_option("--formatter", opts->formatter,
                    "default (Kafka's DefaultMessageFormatter) or json (one object per record)")
        ->capture_default_str();
    cmd->callback([opts] { run(*opts); });
}

}  // namespace cs::cli
