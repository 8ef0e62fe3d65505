#pragma once

// The two independent Kafka-protocol brokers tests run client code against:
// our own broker, started in-process on 127.0.0.1 with data in a fresh
// temporary directory, and librdkafka's in-process mock cluster. Test code
// only (cs::test_support); tools and the client module never link it.
//
// Both are ready when the constructor returns; bootstrap() is their address.
// The mock cluster implements fewer APIs (no CreateTopics, DescribeConfigs,
// ListGroups, ...): create_topic() uses its own call there.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "testing/temp_dir.h"

namespace cs::testing {

class test_broker {
  public:
    virtual ~test_broker() = default;
    virtual std::string bootstrap() const = 0;
    virtual const char* name() const = 0;  // "clickstream" or "mock"
    // Creates a topic directly on the broker (not through the Kafka API).
    virtual status create_topic(const std::string& topic, int partitions) = 0;
    // Whether the broker implements the admin APIs (CreateTopics,
    // DescribeConfigs, ListGroups, DescribeGroups, DeleteGroups, ...).
    virtual bool has_admin_apis() const = 0;
    // Makes the broker answer the next requests of Kafka API `api_key` (e.g.
    // 24, AddPartitionsToTxn) with these error codes, one request each
    // (librdkafka's rd_kafka_mock_push_request_errors). Our broker has no
    // such hook: errc::unsupported.
    virtual status fail_next_requests(int16_t api_key, const std::vector<int16_t>& errors) = 0;
};

// Extra server.properties lines for our broker, e.g. "num.partitions=3\n".
std::unique_ptr<test_broker> start_clickstream_broker(const std::string& extra_properties = "");
std::unique_ptr<test_broker> start_mock_cluster();

}  // namespace cs::testing
