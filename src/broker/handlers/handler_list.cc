#include "broker/handlers/handler_list.h"

#include <array>

#include "broker/handlers/add_offsets_to_txn.h"
#include "broker/handlers/add_partitions_to_txn.h"
#include "broker/handlers/alter_configs.h"
#include "broker/handlers/api_versions.h"
#include "broker/handlers/create_partitions.h"
#include "broker/handlers/create_topics.h"
#include "broker/handlers/delete_groups.h"
#include "broker/handlers/delete_records.h"
#include "broker/handlers/delete_topics.h"
#include "broker/handlers/describe_configs.h"
#include "broker/handlers/describe_groups.h"
#include "broker/handlers/describe_transactions.h"
#include "broker/handlers/end_txn.h"
#include "broker/handlers/fetch.h"
#include "broker/handlers/find_coordinator.h"
#include "broker/handlers/heartbeat.h"
#include "broker/handlers/init_producer_id.h"
#include "broker/handlers/invoke.h"
#include "broker/handlers/join_group.h"
#include "broker/handlers/leave_group.h"
#include "broker/handlers/list_groups.h"
#include "broker/handlers/list_offsets.h"
#include "broker/handlers/list_transactions.h"
#include "broker/handlers/metadata.h"
#include "broker/handlers/offset_commit.h"
#include "broker/handlers/offset_fetch.h"
#include "broker/handlers/produce.h"
#include "broker/handlers/sync_group.h"
#include "broker/handlers/txn_offset_commit.h"

namespace cs::broker {
namespace {

constexpr std::array kHandlers = {
    entry_for<produce_handler>(),
    entry_for<fetch_handler>(),
    entry_for<list_offsets_handler>(),
    entry_for<metadata_handler>(),
    entry_for<offset_commit_handler>(),
    entry_for<offset_fetch_handler>(),
    entry_for<find_coordinator_handler>(),
    entry_for<join_group_handler>(),
    entry_for<heartbeat_handler>(),
    entry_for<leave_group_handler>(),
    entry_for<sync_group_handler>(),
    entry_for<describe_groups_handler>(),
    entry_for<list_groups_handler>(),
    entry_for<api_versions_handler>(),
    entry_for<create_topics_handler>(),
    entry_for<delete_topics_handler>(),
    entry_for<delete_records_handler>(),
    entry_for<init_producer_id_handler>(),
    entry_for<describe_configs_handler>(),
    entry_for<alter_configs_handler>(),
    entry_for<create_partitions_handler>(),
    entry_for<delete_groups_handler>(),
    entry_for<add_partitions_to_txn_handler>(),
    entry_for<add_offsets_to_txn_handler>(),
    entry_for<end_txn_handler>(),
    entry_for<txn_offset_commit_handler>(),
    entry_for<describe_transactions_handler>(),
    entry_for<list_transactions_handler>(),
};

}  // namespace

std::span<const handler_entry> all_handlers() {
    return kHandlers;
}

const handler_entry* find_handler(int16_t api_key) {
    for (const auto& h : kHandlers) {
        if (static_cast<int16_t>(h.key) == api_key) {
            return &h;
        }
    }
    return nullptr;
}

}  // namespace cs::broker
