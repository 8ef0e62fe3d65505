// Topic and offset administration as Kafka enforces it, over the wire: what
// deleting a topic takes with it, what clients may not touch, and the
// requests Kafka refuses as a whole.

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "broker/testing/broker_fixture.h"
#include "broker/testing/wire_client.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_records.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/offset_commit.h"
#include "protocol/messages/offset_fetch.h"

namespace cs::broker {
namespace {

using testing::BrokerTest;
using testing::wire_client;

class BrokerAdminTest : public BrokerTest {
  protected:
    int16_t create(wire_client& c, const std::string& topic, int32_t partitions = 1) {
        kafka::create_topics_request req;
        req.topics.push_back({topic, partitions, 1, {}, {}});
        auto resp = c.call<kafka::create_topics_response>(req, 4);
        EXPECT_TRUE(resp.has_value());
        return resp ? resp->topics.at(0).error_code : -1;
    }
    int16_t remove(wire_client& c, const std::string& topic) {
        kafka::delete_topics_request req;
        req.topic_names = {topic};
        req.timeout_ms = 5000;
        auto resp = c.call<kafka::delete_topics_response>(req, 3);
        EXPECT_TRUE(resp.has_value());
        return resp ? resp->responses.at(0).error_code : -1;
    }
    // A standalone commit (no generation, no member) of one offset per
    // (topic, partition); the error of each, in request order.
    std::vector<int16_t> commit(wire_client& c, const std::string& group,
                                const std::vector<std::pair<std::string, int32_t>>& tps,
                                int64_t offset) {
        kafka::offset_commit_request req;
        req.group_id = group;
        for (const auto& [topic, p] : tps) {
            auto& t = req.topics.emplace_back();
            t.name = topic;
            t.partitions.push_back({p, offset, -1, -1, std::string("m")});
        }
        auto resp = c.call<kafka::offset_commit_response>(req, 7);
        EXPECT_TRUE(resp.has_value());
        std::vector<int16_t> out;
        for (const auto& [topic, p] : tps) {
            int16_t e = -1;
            for (const auto& t : resp ? resp->topics : decltype(resp->topics){}) {
                for (const auto& rp : t.partitions) {
                    if (t.name == topic && rp.partition_index == p) {
                        e = rp.error_code;
                    }
                }
            }
            out.push_back(e);
        }
        return out;
    }
    int64_t committed(wire_client& c, const std::string& group, const std::string& topic,
                      int32_t partition) {
        kafka::offset_fetch_request req;
        req.group_id = group;
        req.topics = std::vector<kafka::offset_fetch_request::topic>{{topic, {partition}}};
        auto resp = c.call<kafka::offset_fetch_response>(req, 7);
        EXPECT_TRUE(resp.has_value());
        if (!resp || resp->topics.empty() || resp->topics[0].partitions.empty()) {
            return -2;
        }
        return resp->topics[0].partitions[0].committed_offset;
    }
};

TEST_F(BrokerAdminTest, DeletingATopicDeletesItsCommittedOffsets) {
    wire_client c(port_);
    ASSERT_EQ(create(c, "clicks"), 0);
    ASSERT_EQ(create(c, "views"), 0);
    ASSERT_EQ(commit(c, "g", {{"clicks", 0}, {"views", 0}}, 5), (std::vector<int16_t>{0, 0}));
    ASSERT_EQ(committed(c, "g", "clicks", 0), 5);
    ASSERT_EQ(remove(c, "clicks"), 0);
    ASSERT_EQ(create(c, "clicks"), 0);
    // The re-created topic starts without the old topic's offsets (a
    // consumer would otherwise skip its first records), and the other
    // topic's offsets stay.
    EXPECT_EQ(committed(c, "g", "clicks", 0), -1);
    EXPECT_EQ(committed(c, "g", "views", 0), 5);
    restart();
    wire_client c2(port_);
    EXPECT_EQ(committed(c2, "g", "clicks", 0), -1);
    EXPECT_EQ(committed(c2, "g", "views", 0), 5);
}

TEST_F(BrokerAdminTest, OffsetsOfPartitionsThatDoNotExistAreRefused) {
    wire_client c(port_);
    ASSERT_EQ(create(c, "clicks", 2), 0);
    EXPECT_EQ(commit(c, "g", {{"clicks", 1}, {"clicks", 99}, {"nosuch", 0}}, 7),
              (std::vector<int16_t>{0, 3, 3}));  // UNKNOWN_TOPIC_OR_PARTITION
    EXPECT_EQ(commit(c, "g", {{"nosuch", 0}}, 7), (std::vector<int16_t>{3}));
    EXPECT_EQ(committed(c, "g", "clicks", 1), 7);
    EXPECT_EQ(committed(c, "g", "clicks", 99), -1);
    EXPECT_EQ(committed(c, "g", "nosuch", 0), -1);
}

TEST_F(BrokerAdminTest, ClientsCannotWriteToOrDeleteFromInternalTopics) {
    wire_client c(port_);
    auto resp = produce(c, "__consumer_offsets", 0, batch_of(1, "x"), 1);
    ASSERT_EQ(resp.responses.size(), 1u);
    EXPECT_EQ(resp.responses[0].partition_responses.at(0).error_code, 17);  // INVALID_TOPIC
    kafka::delete_records_request del;
    del.topics.push_back({"__consumer_offsets", {{0, -1}}});
    del.timeout_ms = 1000;
    auto dresp = c.call<kafka::delete_records_response>(del, 1);
    ASSERT_TRUE(dresp.has_value());
    EXPECT_EQ(dresp->topics.at(0).partitions.at(0).error_code, 17);
}

TEST_F(BrokerAdminTest, ARefusedAcksZeroProduceClosesTheConnection) {
    ASSERT_EQ(
        [&] {
            wire_client c(port_);
            return create(c, "clicks");
        }(),
        0);
    auto send_acks0 = [](wire_client& c, const std::string& topic) {
        kafka::produce_request req;
        req.acks = 0;
        req.timeout_ms = 1000;
        req.topic_data.push_back({topic, {{0, batch_of(2, "r")}}});
        return c.send(req, 8);
    };
    {
        // Accepted: no answer, and the connection keeps serving.
        wire_client c(port_);
        ASSERT_TRUE(send_acks0(c, "clicks"));
        kafka::metadata_request md;
        md.topics = std::vector<kafka::metadata_request::topic>{{"clicks"}};
        EXPECT_TRUE(c.call<kafka::metadata_response>(md, 9).has_value());
    }
    {
        // Refused: the producer hears of it only by the closed connection.
        wire_client c(port_);
        ASSERT_TRUE(send_acks0(c, "nosuch"));
        EXPECT_FALSE(c.read_frame().has_value());
    }
}

TEST_F(BrokerAdminTest, NamesThatDifferOnlyInDotAndUnderscoreCollide) {
    wire_client c(port_);
    ASSERT_EQ(create(c, "my.topic"), 0);
    EXPECT_EQ(create(c, "my_topic"), 17);  // INVALID_TOPIC_EXCEPTION
    EXPECT_EQ(create(c, "my.topic"), 36);  // TOPIC_ALREADY_EXISTS
    EXPECT_EQ(create(c, "my-topic"), 0);
}

TEST_F(BrokerAdminTest, CreateTopicsRefusesWhatKafkaRefuses) {
    wire_client c(port_);
    kafka::create_topics_request req;
    req.topics.push_back({"twice", 1, 1, {}, {}});
    req.topics.push_back({"twice", 2, 1, {}, {}});
    req.topics.push_back({"counts-and-assignment", 2, 1, {{0, {0}}, {1, {0}}}, {}});
    req.topics.push_back({"assignment", -1, -1, {{0, {0}}, {1, {0}}}, {}});
    req.topics.push_back({"null-config", 1, 1, {}, {{"retention.ms", std::nullopt}}});
    auto resp = c.call<kafka::create_topics_response>(req, 4);
    ASSERT_TRUE(resp.has_value());
    ASSERT_EQ(resp->topics.size(), 5u);
    EXPECT_EQ(resp->topics[0].error_code, 42);  // INVALID_REQUEST, both entries
    EXPECT_EQ(resp->topics[1].error_code, 42);
    EXPECT_NE(resp->topics[0].error_message.value_or("").find("multiple entries"),
              std::string::npos);
    EXPECT_EQ(resp->topics[2].error_code, 42);
    EXPECT_EQ(resp->topics[3].error_code, 0);
    EXPECT_EQ(resp->topics[4].error_code, 40);  // INVALID_CONFIG
    EXPECT_EQ(create(c, "twice"), 0);           // neither entry created it
}

TEST_F(BrokerAdminTest, ATopicWithTheLongestNameIsDeletedForGood) {
    const std::string name(249, 'c');
    wire_client c(port_);
    ASSERT_EQ(create(c, name), 0);
    ASSERT_EQ(produce(c, name, 0, batch_of(1, "x"), 1)
                  .responses.at(0)
                  .partition_responses.at(0)
                  .error_code,
              0);
    ASSERT_EQ(remove(c, name), 0);
    EXPECT_EQ(create(c, name), 0);  // nothing left in the way
    ASSERT_EQ(remove(c, name), 0);
    restart();
    wire_client c2(port_);
    kafka::metadata_request md;
    md.allow_auto_topic_creation = false;
    md.topics = std::vector<kafka::metadata_request::topic>{{name}};
    auto resp = c2.call<kafka::metadata_response>(md, 9);
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(resp->topics.at(0).error_code, 3);  // not loaded back
}

}  // namespace
}  // namespace cs::broker
