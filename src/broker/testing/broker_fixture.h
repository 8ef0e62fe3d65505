#pragma once

// The broker in-process on a fresh log directory, spoken to with the
// project's own codec over a real socket (wire_client): the fixture of the
// broker's wire-level tests. restart() keeps the directory.

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "broker/broker.h"
#include "broker/testing/wire_client.h"
#include "config/broker_settings.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"

namespace cs::broker::testing {

class BrokerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("cs-broker-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        start();
    }
    void TearDown() override {
        broker_.reset();
        std::filesystem::remove_all(dir_);
    }

    void start() {
        std::string text =
            "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=" + (dir_ / "data").string() +
            "\nnum.partitions=2\nnum.network.threads=2\n" + extra_props_;
        config::diagnostics diags;
        auto cfg = config::parse_broker_config(text, "test.properties", diags,
                                               config::process_environment());
        ASSERT_TRUE(cfg.ok()) << diags.to_string();
        broker_ = std::make_unique<broker>(std::move(*cfg));
        auto st = broker_->start();
        ASSERT_TRUE(st.ok()) << st.message();
        port_ = broker_->listeners().front().port;
    }
    void restart() {
        broker_.reset();
        start();
    }
    std::string extra_props_;  // appended to the properties by start()

    kafka::produce_response produce(wire_client& c, const std::string& topic, int32_t partition,
                                    bytes batch, int16_t acks = -1, int16_t version = 8) {
        kafka::produce_request req;
        req.acks = acks;
        req.timeout_ms = 5000;
        auto& t = req.topic_data.emplace_back();
        t.name = topic;
        t.partition_data.push_back({partition, std::move(batch)});
        auto resp = c.call<kafka::produce_response>(req, version);
        EXPECT_TRUE(resp.has_value());
        return resp.value_or(kafka::produce_response{});
    }

    kafka::fetch_response fetch(wire_client& c, const std::string& topic, int32_t partition,
                                int64_t offset, int32_t max_wait_ms = 0) {
        kafka::fetch_request req;
        req.max_wait_ms = max_wait_ms;
        req.min_bytes = 1;
        req.max_bytes = 1 << 20;
        auto& t = req.topics.emplace_back();
        t.topic = topic;
        t.partitions.push_back({partition, -1, offset, -1, 1 << 20});
        auto resp = c.call<kafka::fetch_response>(req, 11);
        EXPECT_TRUE(resp.has_value());
        return resp.value_or(kafka::fetch_response{});
    }

    static bytes batch_of(int n, const std::string& prefix, int64_t ts = 1'700'000'000'000) {
        kafka::batch_builder b;
        for (int i = 0; i < n; ++i) {
            b.add("key" + std::to_string(i), prefix + std::to_string(i), ts + i);
        }
        return b.build();
    }

    std::filesystem::path dir_;
    std::unique_ptr<broker> broker_;
    uint16_t port_ = 0;
};

}  // namespace cs::broker::testing
