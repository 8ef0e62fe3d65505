#pragma once

// `clickstream topics`: kafka-topics.sh's actions with its flags and output.
//   --create --topic T [--partitions N] [--replication-factor R] [--config k=v]...
//            [--if-not-exists]                    "Created topic T."
//   --list [--topic REGEX] [--exclude-internal]   one name a line, sorted
//   --describe [--topic REGEX] [--exclude-internal] [--if-exists]
//       Topic: T<TAB>PartitionCount: N<TAB>ReplicationFactor: R<TAB>Configs: k=v,...
//       <TAB>Topic: T<TAB>Partition: 0<TAB>Leader: 0<TAB>Replicas: 0<TAB>Isr: 0
//   --delete --topic REGEX [--if-exists]
//   --alter --topic REGEX --partitions N [--if-exists]
// As in Kafka, --topic is a regular expression (a comma means "or") except
// for --create, and Configs lists the entries whose source is not the
// built-in default. The TopicId field is left out: librdkafka 2.0 does not
// report topic ids (Kafka's tool also leaves it out when the id is unknown).

#include <optional>
#include <string>
#include <vector>

#include "tools/admin_connection.h"

namespace cs::tools {

struct topics_options {
    admin_connection_options connection;
    // The action: exactly one.
    bool create = false;
    bool list = false;
    bool describe = false;
    bool remove = false;  // --delete
    bool alter = false;
    std::optional<std::string> topic;
    std::optional<int> partitions;
    std::optional<int> replication_factor;
    std::vector<std::string> configs;  // k=v
    bool if_not_exists = false;
    bool if_exists = false;
    bool exclude_internal = false;
};

// Exit code: 0 done, 1 the cluster refused or could not be reached (unknown
// topic, topic exists, ...), 2 options that do not go together.
int run_topics(const topics_options& opts, const admin_tool_env& env);

}  // namespace cs::tools
