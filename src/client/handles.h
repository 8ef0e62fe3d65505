#pragma once

// Owning handles for librdkafka's C objects. Every rd_kafka_*_t a module
// creates lives in one of these from the moment it exists, so an early
// return never leaks a handle or a message.

#include <memory>

#include <librdkafka/rdkafka.h>

namespace cs::client {

template <class T, void (*Destroy)(T*)>
struct rd_deleter {
    void operator()(T* p) const noexcept {
        if (p != nullptr) {
            Destroy(p);
        }
    }
};

template <class T, void (*Destroy)(T*)>
using rd_handle = std::unique_ptr<T, rd_deleter<T, Destroy>>;

// rd_kafka_destroy of a consumer that was not closed leaves the group only
// after session.timeout.ms: consumers call rd_kafka_consumer_close first (see
// consumer.h).
using kafka_handle = rd_handle<rd_kafka_t, rd_kafka_destroy>;
using conf_handle = rd_handle<rd_kafka_conf_t, rd_kafka_conf_destroy>;
using topic_conf_handle = rd_handle<rd_kafka_topic_conf_t, rd_kafka_topic_conf_destroy>;
using topic_handle = rd_handle<rd_kafka_topic_t, rd_kafka_topic_destroy>;
using queue_handle = rd_handle<rd_kafka_queue_t, rd_kafka_queue_destroy>;
using event_handle = rd_handle<rd_kafka_event_t, rd_kafka_event_destroy>;
using message_handle = rd_handle<rd_kafka_message_t, rd_kafka_message_destroy>;
using partition_list_handle =
    rd_handle<rd_kafka_topic_partition_list_t, rd_kafka_topic_partition_list_destroy>;
using headers_handle = rd_handle<rd_kafka_headers_t, rd_kafka_headers_destroy>;
using admin_options_handle = rd_handle<rd_kafka_AdminOptions_t, rd_kafka_AdminOptions_destroy>;
using new_topic_handle = rd_handle<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy>;
using delete_topic_handle = rd_handle<rd_kafka_DeleteTopic_t, rd_kafka_DeleteTopic_destroy>;
using new_partitions_handle = rd_handle<rd_kafka_NewPartitions_t, rd_kafka_NewPartitions_destroy>;
using config_resource_handle =
    rd_handle<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy>;
using delete_group_handle = rd_handle<rd_kafka_DeleteGroup_t, rd_kafka_DeleteGroup_destroy>;
using error_handle = rd_handle<rd_kafka_error_t, rd_kafka_error_destroy>;
using group_metadata_handle =
    rd_handle<rd_kafka_consumer_group_metadata_t, rd_kafka_consumer_group_metadata_destroy>;

inline void destroy_metadata(const rd_kafka_metadata_t* m) {
    rd_kafka_metadata_destroy(m);
}
using metadata_handle = std::unique_ptr<const rd_kafka_metadata_t,
                                        rd_deleter<const rd_kafka_metadata_t, destroy_metadata>>;

}  // namespace cs::client
