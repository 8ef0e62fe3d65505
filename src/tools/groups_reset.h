#pragma once

// --reset-offsets of `clickstream groups` (see groups.h); options already checked.

#include "client/admin.h"
#include "tools/groups.h"

namespace cs::tools {

// Plans (and with --execute commits) the new offsets of every group in
// opts.groups, printing Kafka's GROUP TOPIC PARTITION NEW-OFFSET table.
// Exit code as run_groups.
int reset_group_offsets(client::admin_client& admin, const groups_options& opts,
                        const admin_tool_env& env);

}  // namespace cs::tools
