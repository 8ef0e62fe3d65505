#pragma once

// Every message clickstream's codec knows, and the variants over them.

#include <variant>

#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/describe_configs.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/list_transactions.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/sync_group.h"
#include "protocol/messages/txn_offset_commit.h"

namespace cs::kafka {

// One alternative per API in api_keys.h.
using request_body =
    std::variant<produce_request, fetch_request, list_offsets_request, metadata_request,
                 offset_commit_request, offset_fetch_request, find_coordinator_request,
                 join_group_request, heartbeat_request, leave_group_request, sync_group_request,
                 describe_groups_request, list_groups_request, api_versions_request,
                 create_topics_request, delete_topics_request, delete_records_request,
                 init_producer_id_request, describe_configs_request, alter_configs_request,
                 create_partitions_request, delete_groups_request, add_partitions_to_txn_request,
                 add_offsets_to_txn_request, end_txn_request, txn_offset_commit_request,
                 describe_transactions_request, list_transactions_request>;

using response_body =
    std::variant<produce_response, fetch_response, list_offsets_response, metadata_response,
                 offset_commit_response, offset_fetch_response, find_coordinator_response,
                 join_group_response, heartbeat_response, leave_group_response, sync_group_response,
                 describe_groups_response, list_groups_response, api_versions_response,
                 create_topics_response, delete_topics_response, delete_records_response,
                 init_producer_id_response, describe_configs_response, alter_configs_response,
                 create_partitions_response, delete_groups_response, add_partitions_to_txn_response,
                 add_offsets_to_txn_response, end_txn_response, txn_offset_commit_response,
                 describe_transactions_response, list_transactions_response>;

namespace detail {
template <class Variant>
struct for_key;
template <class... Ts>
struct for_key<std::variant<Ts...>> {
    // Calls f(std::type_identity<T>{}) for the alternative whose key is `key`;
    // false when no alternative has it.
    template <class F>
    static bool visit(api_key key, F&& f) {
        return ((Ts::kApiKey == key ? (f(std::type_identity<Ts>{}), true) : false) || ...);
    }
};
}  // namespace detail

// Dispatches on a (known) api key to the request / response struct type.
template <class F>
bool with_request_type(api_key key, F&& f) {
    return detail::for_key<request_body>::visit(key, std::forward<F>(f));
}
template <class F>
bool with_response_type(api_key key, F&& f) {
    return detail::for_key<response_body>::visit(key, std::forward<F>(f));
}

}  // namespace cs::kafka
