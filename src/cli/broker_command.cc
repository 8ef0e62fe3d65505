#include "cli/broker_command.h"

#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "broker/broker.h"
#include "config/broker_settings.h"

namespace cs::cli {
namespace {

struct broker_options {
    std::string config_file;
    std::vector<std::string> overrides;
};

int run_broker(const broker_options& opts) {
    auto logger = log::get("broker");
    config::properties overrides;
    for (const auto& o : opts.overrides) {
        auto eq = o.find('=');
        if (eq == std::string::npos || eq == 0) {
            logger->error("--override {}: expected key=value", o);
            return 2;
        }
        overrides.set({o.substr(0, eq), o.substr(eq + 1), "--override", 0});
    }
    config::diagnostics diags;
    auto cfg = config::load_broker_config(opts.config_file, diags, config::process_environment(),
                                          overrides);
    diags.log();
    if (!cfg.ok()) {
        logger->error("{}: {}", opts.config_file, cfg.err().message);
        return 2;
    }
    broker::broker b(std::move(*cfg));
    return b.run_until_signal();
}

}  // namespace

void register_broker_command(CLI::App& app) {
    auto opts = std::make_shared<broker_options>();
    auto* cmd = app.add_subcommand(
        "broker", "Run the single-node Kafka-compatible broker (kafka-server-start.sh)");
    cmd->add_option("--config,config", opts->config_file, "server.properties to read")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--override", opts->overrides,
                    "key=value that replaces the file's value (repeatable)");
    cmd->callback([opts] {
        if (int code = run_broker(*opts); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
