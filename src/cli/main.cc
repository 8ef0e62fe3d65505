// clickstream: one binary, one subcommand per role. Each subcommand lives in
// its own file (<name>_command.cc) and registers itself here.

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "base/allocator.h"
#include "base/log.h"
#include "cli/broker_command.h"
#include "cli/config_command.h"
#include "cli/connect_command.h"
#include "cli/consume_command.h"
#include "cli/generate_command.h"
#include "cli/groups_command.h"
#include "cli/produce_command.h"
#include "cli/streams_command.h"
#include "cli/topics_command.h"
#include "cli/up_command.h"

int main(int argc, char** argv) {
    // Before any allocation that matters (base/allocator.h says why).
    (void)cs::tune_allocator_for_streaming();
    CLI::App app{"clickstream: a real-time clickstream pipeline that speaks the Kafka protocol",
                 "clickstream"};
    app.set_version_flag("--version", std::string("clickstream ") + CLICKSTREAM_VERSION);
    app.require_subcommand(1);
    std::string log_level = "info";
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
        ->capture_default_str()
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
        ->each([](const std::string& level) { cs::log::set_level(level); });

    cs::cli::register_broker_command(app);
    cs::cli::register_config_command(app);
    cs::cli::register_topics_command(app);
    cs::cli::register_groups_command(app);
    cs::cli::register_generate_command(app);
    cs::cli::register_produce_command(app);
    cs::cli::register_consume_command(app);
    cs::cli::register_connect_command(app);
    cs::cli::register_streams_command(app);
    cs::cli::register_up_command(app);

    // Each subcommand runs from its callback during parse; a failing one
    // throws CLI::RuntimeError(exit code), which app.exit returns silently.
    // Every other parse or validation failure is a usage error: exit 2, as
    // Kafka's tools and POSIX utilities do (CLI11's own codes run past 100).
    try {
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    return 0;
}
