#include "cli/config_command.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "config/check.h"
#include "config/docs.h"

namespace cs::cli {
namespace {

struct check_options {
    std::string file;
    std::string scope = "broker";
};

// Exit codes leave through CLI::RuntimeError, which main's handler turns
// into the process exit code without printing anything more.
void run_docs() {
    std::cout << config::render_docs() << std::flush;
}

void run_check(const check_options& opts) {
    auto scope = config::parse_check_scope(opts.scope);
    if (!scope) {
        std::cerr << "error: " << scope.err().message << "\n";
        throw CLI::RuntimeError(2);
    }
    config::diagnostics diags;
    status s = config::check_file(opts.file, *scope, config::process_environment(), diags);
    if (!s) {
        std::cerr << "error: " << s.message() << "\n";
        throw CLI::RuntimeError(1);
    }
    std::cerr << diags.to_string();
    size_t errors = diags.count(config::severity::error);
    size_t warnings = diags.count(config::severity::warning);
    std::cerr << fmt::format("{}: {} error{}, {} warning{}\n", opts.file, errors,
                             errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    if (errors > 0) {
        throw CLI::RuntimeError(1);
    }
}

}  // namespace

void register_config_command(CLI::App& app) {
    auto* config = app.add_subcommand("config", "Configuration reference and file checks");
    config->require_subcommand(1);

    auto* docs = config->add_subcommand(
        "docs", "Print the configuration reference (docs/configuration.md) as markdown");
    docs->callback(run_docs);

    auto opts = std::make_shared<check_options>();
    auto* check = config->add_subcommand(
        "check", "Check a .properties file: unknown keys, bad values, listeners");
    check->add_option("file", opts->file, "The file, e.g. server.properties")->required();
    check->add_option("--scope", opts->scope, "Which keys the file holds")
        ->check(CLI::IsMember({"broker", "topic"}))
        ->capture_default_str();
    check->callback([opts] { run_check(*opts); });
}

}  // namespace cs::cli
