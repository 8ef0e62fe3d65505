#include "cli/groups_command.h"

#include <chrono>
#include <iostream>
#include <memory>

#include "tools/groups.h"

namespace cs::cli {

namespace {

struct cli_options {
    tools::groups_options groups;
    int64_t timeout_ms = 5000;
};

}  // namespace

void register_groups_command(CLI::App& app) {
    auto o = std::make_shared<cli_options>();
    auto& g = o->groups;
    auto* cmd =
        app.add_subcommand("groups",
                           "List, describe or delete consumer groups, or reset their offsets "
                           "(kafka-consumer-groups.sh). Exactly one action.");
    cmd->add_option("--bootstrap-server", g.connection.bootstrap_server,
                    "Broker(s) host:port[,host:port]; default: bootstrap.servers from "
                    "--command-config, else $CLICKSTREAM_BOOTSTRAP_SERVERS, else localhost:9092");
    cmd->add_option("--command-config", g.connection.command_config,
                    "Admin client properties file (Java client files work unchanged)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--timeout", o->timeout_ms,
                    "How long each request to the cluster may take, in ms")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--list", g.list, "List all consumer groups");
    cmd->add_flag("--describe", g.describe,
                  "Committed offsets, log-end offsets, lag and members of the groups");
    cmd->add_flag("--delete", g.remove, "Delete the groups (only groups without members)");
    cmd->add_flag("--reset-offsets", g.reset_offsets,
                  "Reset the committed offsets of an inactive group (see the --to-* options)");
    cmd->add_option("--group", g.groups, "The consumer group (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--topic", g.topics,
                    "--reset-offsets: a topic, or T:0,1 for some partitions (repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("--all-topics", g.all_topics,
                  "--reset-offsets: every topic the group has committed offsets for");
    cmd->add_flag("--to-earliest", g.to_earliest, "Reset to the earliest offset");
    cmd->add_flag("--to-latest", g.to_latest, "Reset to the latest offset (the log end)");
    cmd->add_option("--to-datetime", g.to_datetime,
                    "Reset to the first offset at or after a time: YYYY-MM-DDTHH:mm:SS.sss, "
                    "optionally with a zone (Z, +01:00); no zone means UTC");
    cmd->add_option("--to-offset", g.to_offset,
                    "Reset to this offset (clamped to the partition's earliest..latest)");
    cmd->add_option("--shift-by", g.shift_by,
                    "Move the committed offset by N (negative: back), clamped as --to-offset");
    cmd->add_flag("--dry-run", g.dry_run, "Show the new offsets without committing (the default)");
    cmd->add_flag("--execute", g.execute, "Commit the new offsets");
    cmd->callback([o] {
        tools::admin_tool_env env;
        env.out = &std::cout;
        env.err = &std::cerr;
        env.request_timeout = std::chrono::milliseconds(o->timeout_ms);
        int code = tools::run_groups(o->groups, env);
        std::cout.flush();
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
