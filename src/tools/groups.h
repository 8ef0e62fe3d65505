#pragma once

// `clickstream groups`: kafka-consumer-groups.sh's actions, flags and output.
//   --list                          one group id a line
//   --describe --group G...         per partition: GROUP TOPIC PARTITION
//                                   CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID
//                                   HOST CLIENT-ID ("-" where unknown)
//   --delete --group G...           refused by the broker for a group with members
//   --reset-offsets --group G... (--topic T | --topic T:0,1 | --all-topics)
//       (--to-earliest | --to-latest | --to-datetime YYYY-MM-DDTHH:mm:SS.sss[zone]
//        | --to-offset N | --shift-by N) [--dry-run | --execute]
//                                   prints GROUP TOPIC PARTITION NEW-OFFSET; without
//                                   --execute nothing changes (Kafka's default dry run)
// Offsets are reset only for an inactive group (state Empty, or Dead: a group
// that does not exist yet gets the offsets), as Kafka does. --to-offset and
// --shift-by are clamped to [log start, log end] with a warning.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/admin_connection.h"

namespace cs::tools {

struct groups_options {
    admin_connection_options connection;
    // The action: exactly one.
    bool list = false;
    bool describe = false;
    bool remove = false;  // --delete
    bool reset_offsets = false;
    std::vector<std::string> groups;
    // --reset-offsets scope: topics ("T" or "T:0,1"), or every topic the
    // group has committed offsets for.
    std::vector<std::string> topics;
    bool all_topics = false;
    // --reset-offsets scenario: exactly one.
    bool to_earliest = false;
    bool to_latest = false;
    std::optional<std::string> to_datetime;
    std::optional<int64_t> to_offset;
    std::optional<int64_t> shift_by;
    bool dry_run = false;
    bool execute = false;
};

// Exit code: 0 done, 1 the cluster refused or could not be reached (unknown
// group, group not empty, active group), 2 options that do not go together.
int run_groups(const groups_options& opts, const admin_tool_env& env);

// Kafka's --to-datetime format: YYYY-MM-DDTHH:mm:SS.sss, optionally followed
// by a zone (Z, +HH, +HHMM, +HH:MM; none means UTC); the .sss part may be
// left out. Milliseconds since the epoch.
result<int64_t> parse_reset_datetime(std::string_view text);

}  // namespace cs::tools
