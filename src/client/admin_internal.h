#pragma once

// Helpers shared by admin.cc and admin_groups.cc; not part of the client API.

#include <string>
#include <vector>

#include "client/admin.h"

namespace cs::client::detail {

// The broad class of a librdkafka / Kafka error code.
errc errc_of(rd_kafka_resp_err_t err);

// An item outcome; message falls back to librdkafka's text for code.
item_status make_status(std::string name, rd_kafka_resp_err_t code, const char* message);
item_status make_status(std::string name, const rd_kafka_error_t* e);

// A librdkafka partition list as offsets (sorted by topic, partition), and back.
std::vector<partition_offset> to_offsets(const rd_kafka_topic_partition_list_t* list);
partition_list_handle to_list(const std::vector<partition_offset>& offsets);

}  // namespace cs::client::detail
