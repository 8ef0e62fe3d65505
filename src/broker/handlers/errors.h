#pragma once

// The one mapping from module errors (errc) to Kafka wire error codes for
// partition-level operations (produce, fetch, list offsets, delete records).

#include "base/result.h"
#include "protocol/error_code.h"

namespace cs::broker {

inline kafka::error_code to_kafka_error(errc code) {
    switch (code) {
        case errc::ok:
            return kafka::error_code::none;
        case errc::corrupt:
            return kafka::error_code::corrupt_message;
        case errc::invalid_argument:
            return kafka::error_code::invalid_record;
        case errc::too_large:
            return kafka::error_code::message_too_large;
        case errc::out_of_range:
            return kafka::error_code::offset_out_of_range;
        case errc::not_found:
            return kafka::error_code::unknown_topic_or_partition;
        case errc::io:
            return kafka::error_code::kafka_storage_error;
        case errc::timed_out:
            return kafka::error_code::request_timed_out;
        case errc::shutting_down:
            return kafka::error_code::not_leader_or_follower;
        case errc::unsupported:
            return kafka::error_code::unsupported_for_message_format;
        case errc::already_exists:
            return kafka::error_code::unknown_server_error;
    }
    return kafka::error_code::unknown_server_error;
}

}  // namespace cs::broker
