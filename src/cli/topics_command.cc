#include "cli/topics_command.h"

#include <iostream>
#include <memory>

#include "tools/topics.h"

namespace cs::cli {

void register_topics_command(CLI::App& app) {
    auto o = std::make_shared<tools::topics_options>();
    auto* cmd = app.add_subcommand(
        "topics",
        "Create, list, describe, alter or delete topics (kafka-topics.sh). Exactly one action.");
    cmd->add_option("--bootstrap-server", o->connection.bootstrap_server,
                    "Broker(s) host:port[,host:port]; default: bootstrap.servers from "
                    "--command-config, else $CLICKSTREAM_BOOTSTRAP_SERVERS, else localhost:9092");
    cmd->add_option("--command-config", o->connection.command_config,
                    "Admin client properties file (Java client files work unchanged)")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--create", o->create, "Create a new topic (--topic, --partitions, ...)");
    cmd->add_flag("--list", o->list,
                  "List all topics (internal ones too, unless --exclude-internal)");
    cmd->add_flag("--describe", o->describe,
                  "Partitions, leaders, replicas and non-default configs of the topics");
    cmd->add_flag("--delete", o->remove, "Delete the topics --topic matches");
    cmd->add_flag("--alter", o->alter, "Raise the partition count of a topic (--partitions)");
    cmd->add_option("--topic", o->topic,
                    "The topic; for all but --create a regular expression (a comma means or)");
    cmd->add_option("--partitions", o->partitions,
                    "Partition count for --create (default: the broker's num.partitions) or the "
                    "new count for --alter");
    cmd->add_option("--replication-factor", o->replication_factor,
                    "Replication factor for --create (default: the broker's)");
    cmd->add_option("--config", o->configs, "k=v topic config for --create (repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("--if-not-exists", o->if_not_exists,
                  "--create: do nothing if the topic already exists");
    cmd->add_flag("--if-exists", o->if_exists,
                  "--alter, --delete, --describe: do nothing if the topic does not exist");
    cmd->add_flag("--exclude-internal", o->exclude_internal,
                  "--list, --describe: leave out internal topics (__consumer_offsets)");
    cmd->callback([o] {
        tools::admin_tool_env env;
        env.out = &std::cout;
        env.err = &std::cerr;
        int code = tools::run_topics(*o, env);
        std::cout.flush();
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace cs::cli
