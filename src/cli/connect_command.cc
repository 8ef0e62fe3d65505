#include "cli/connect_command.h"

#include <memory>
#include <string>
#include <vector>

#include <pthread.h>
#include <signal.h>

#include "base/log.h"
#include "cli/connect_worker.h"
#include "connect/worker_config.h"

namespace cs::cli {
namespace {

struct connect_options {
    std::string worker_file;
    std::vector<std::string> connector_files;
};

int run_connect(const connect_options& opts) {
    // Every thread started from here on inherits the blocked signals, so
    // SIGINT/SIGTERM reach only the sigwait below.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto logger = log::get("connect");
    config::diagnostics diags;
    auto worker = connect::load_worker_config(opts.worker_file, diags);
    diags.log();
    if (!worker) {
        logger->error("{}", worker.err().message);
        return 2;
    }
    std::vector<connector_file> files;
    for (const auto& f : opts.connector_files) {
        auto c = read_connector_file(f);
        if (!c) {
            logger->error("{}", c.err().message);
            return 2;
        }
        files.push_back(std::move(*c));
    }

    auto w = connect_worker::start(*worker, files);
    if (!w) {
        logger->error("{}", w.err().message);
        return 1;
    }

    int sig = 0;
    sigwait(&stop_signals, &sig);
    logger->info("received signal {}; stopping", sig);
    (*w)->stop();
    logger->info("Connect worker stopped");
    return 0;
}

}  // namespace

void register_connect_command(CLI::App& app) {
    auto opts = std::make_shared<connect_options>();
    auto* cmd = app.add_subcommand("connect",
                                   "Run a Kafka Connect-compatible worker with Connect's REST API");
    cmd->add_option("--worker", opts->worker_file, "worker.properties to read")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("connectors", opts->connector_files,
                    "connector configs to create or update at start (JSON as POSTed to "
                    "/connectors, a flat JSON map, or .properties)")
        ->check(CLI::ExistingFile);
    cmd->callback([opts] {
        if (int code = run_connect(*opts); code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
