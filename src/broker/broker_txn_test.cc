// Transactions over the wire, as Kafka's coordinator and partition logs
// behave: what a transactional batch needs, what read_committed fetches see
// (the last stable offset, aborted transactions), fencing, timeouts,
// transactional offsets, and restarts in the middle of a transaction.

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "broker/testing/broker_fixture.h"
#include "broker/testing/wire_client.h"
#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/list_transactions.h"
#include "protocol/messages/offset_fetch.h"
#include "protocol/messages/txn_offset_commit.h"

namespace cs::broker {
namespace {

using kafka::error_code;
using testing::BrokerTest;
using testing::wire_client;

int16_t wire(error_code e) {
    return kafka::to_wire(e);
}

struct producer_id_and_epoch {
    int64_t id = -1;
    int16_t epoch = -1;
};

class BrokerTxnTest : public BrokerTest {
  protected:
    // As after a crash: the producer state is rebuilt from the log alone.
    void restart_without_producer_snapshots() {
        broker_.reset();
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
            if (e.path().filename() == "producer-state.snapshot") {
                std::filesystem::remove(e.path());
            }
        }
        start();
    }

    void create(wire_client& c, const std::string& topic, int32_t partitions = 1) {
        kafka::create_topics_request req;
        req.topics.push_back({topic, partitions, 1, {}, {}});
        auto resp = c.call<kafka::create_topics_response>(req, 4);
        ASSERT_TRUE(resp.has_value());
        ASSERT_EQ(resp->topics.at(0).error_code, 0);
    }

    producer_id_and_epoch init(wire_client& c, const std::string& id, int32_t timeout_ms = 60000,
                               int16_t* error = nullptr) {
        kafka::init_producer_id_request req;
        req.transactional_id = id;
        req.transaction_timeout_ms = timeout_ms;
        auto resp = c.call<kafka::init_producer_id_response>(req, 4);
        EXPECT_TRUE(resp.has_value());
        if (error != nullptr) {
            *error = resp ? resp->error_code : -1;
        } else {
            EXPECT_EQ(resp ? resp->error_code : -1, 0);
        }
        return resp ? producer_id_and_epoch{resp->producer_id, resp->producer_epoch}
                    : producer_id_and_epoch{};
    }

    int16_t add_partition(wire_client& c, const std::string& id, producer_id_and_epoch p,
                          const std::string& topic, int32_t partition, int16_t version = 3) {
        kafka::add_partitions_to_txn_request req;
        req.transactional_id = id;
        req.producer_id = p.id;
        req.producer_epoch = p.epoch;
        req.topics.push_back({topic, {partition}});
        auto resp = c.call<kafka::add_partitions_to_txn_response>(req, version);
        EXPECT_TRUE(resp.has_value());
        return resp ? resp->results_by_topic.at(0).results_by_partition.at(0).partition_error_code
                    : -1;
    }

    int16_t end(wire_client& c, const std::string& id, producer_id_and_epoch p, bool commit) {
        kafka::end_txn_request req;
        req.transactional_id = id;
        req.producer_id = p.id;
        req.producer_epoch = p.epoch;
        req.committed = commit;
        auto resp = c.call<kafka::end_txn_response>(req, 3);
        EXPECT_TRUE(resp.has_value());
        return resp ? resp->error_code : -1;
    }

    // EndTxn is answered once the prepared state is durable; the markers
    // follow. A retry of the same EndTxn waits for them and the Complete
    // record (the id's requests run one after another) and is answered
    // alike: after it, every partition holds its marker.
    int16_t end_completed(wire_client& c, const std::string& id, producer_id_and_epoch p,
                          bool commit) {
        int16_t e = end(c, id, p, commit);
        int16_t retry = end(c, id, p, commit);
        return e != 0 ? e : retry;
    }

    // A batch of n records; transactional when p.id >= 0.
    static bytes records(int n, const std::string& prefix, producer_id_and_epoch p = {},
                         int32_t seq = 0) {
        kafka::batch_builder b;
        if (p.id >= 0) {
            b.producer(p.id, p.epoch, seq).attributes(kafka::batch_attr::transactional);
        }
        for (int i = 0; i < n; ++i) {
            b.add("k" + std::to_string(i), prefix + std::to_string(i), 1'700'000'000'000 + i);
        }
        return b.build();
    }

    kafka::fetch_response::fetchable_topic_response::partition_data fetch_from(
        wire_client& c, const std::string& topic, int64_t offset, bool read_committed) {
        kafka::fetch_request req;
        req.max_wait_ms = 0;
        req.min_bytes = 1;
        req.max_bytes = 1 << 20;
        req.isolation_level = read_committed ? 1 : 0;
        auto& t = req.topics.emplace_back();
        t.topic = topic;
        t.partitions.push_back({0, -1, offset, -1, 1 << 20});
        auto resp = c.call<kafka::fetch_response>(req, 11);
        EXPECT_TRUE(resp.has_value());
        return resp ? resp->responses.at(0).partitions.at(0)
                    : kafka::fetch_response::fetchable_topic_response::partition_data{};
    }

    // (base offset, record count, control) of each batch in a fetch's records.
    static std::vector<std::tuple<int64_t, int32_t, bool>> batches_in(
        const std::optional<bytes>& data) {
        std::vector<std::tuple<int64_t, int32_t, bool>> out;
        if (!data || data->empty()) {
            return out;
        }
        auto split = kafka::split_batches(*data);
        EXPECT_TRUE(split.ok());
        for (auto b : split->batches) {
            auto h = kafka::read_header(b);
            out.emplace_back(h->base_offset, h->records_count, h->is_control());
        }
        return out;
    }

    int64_t list_latest(wire_client& c, const std::string& topic, bool read_committed) {
        kafka::list_offsets_request req;
        req.replica_id = -1;
        req.isolation_level = read_committed ? 1 : 0;
        auto& t = req.topics.emplace_back();
        t.name = topic;
        auto& p = t.partitions.emplace_back();
        p.partition_index = 0;
        p.timestamp = -1;
        auto resp = c.call<kafka::list_offsets_response>(req, 5);
        EXPECT_TRUE(resp.has_value());
        return resp ? resp->topics.at(0).partitions.at(0).offset : -2;
    }
};

TEST_F(BrokerTxnTest, ATransactionalBatchNeedsItsPartitionInTheTransaction) {
    wire_client c(port_);
    create(c, "tx");
    auto p = init(c, "t1");
    EXPECT_GE(p.id, 0);
    EXPECT_EQ(p.epoch, 0);
    auto refused = produce(c, "tx", 0, records(2, "v", p));
    EXPECT_EQ(refused.responses.at(0).partition_responses.at(0).error_code,
              wire(error_code::invalid_txn_state));
    EXPECT_EQ(add_partition(c, "t1", p, "tx", 0), 0);
    auto ok = produce(c, "tx", 0, records(2, "v", p));
    EXPECT_EQ(ok.responses.at(0).partition_responses.at(0).error_code, 0);
    // Unknown partitions are refused, the rest of the request not attempted.
    EXPECT_EQ(add_partition(c, "t1", p, "tx", 7), wire(error_code::unknown_topic_or_partition));
    // A producer id the coordinator does not give to this transactional id.
    EXPECT_EQ(add_partition(c, "t1", {p.id + 1000, 0}, "tx", 0),
              wire(error_code::invalid_producer_id_mapping));
}

TEST_F(BrokerTxnTest, ReadCommittedStopsAtTheOpenTransactionAndSkipsAbortedOnes) {
    wire_client c(port_);
    create(c, "tx");
    auto p = init(c, "t1");
    produce(c, "tx", 0, records(3, "plain"));  // offsets 0-2
    ASSERT_EQ(add_partition(c, "t1", p, "tx", 0), 0);
    produce(c, "tx", 0, records(2, "txn", p));  // 3-4, open
    produce(c, "tx", 0, records(2, "plain"));   // 5-6

    auto committed = fetch_from(c, "tx", 0, true);
    EXPECT_EQ(committed.high_watermark, 7);
    EXPECT_EQ(committed.last_stable_offset, 3);
    EXPECT_EQ(batches_in(committed.records),
              (std::vector<std::tuple<int64_t, int32_t, bool>>{{0, 3, false}}));
    EXPECT_EQ(list_latest(c, "tx", true), 3);
    EXPECT_EQ(list_latest(c, "tx", false), 7);
    // At the last stable offset a read_committed consumer waits.
    EXPECT_TRUE(batches_in(fetch_from(c, "tx", 3, true).records).empty());
    auto uncommitted = fetch_from(c, "tx", 0, false);
    EXPECT_EQ(batches_in(uncommitted.records).size(), 3u);
    EXPECT_EQ(uncommitted.last_stable_offset, 3);

    ASSERT_EQ(end_completed(c, "t1", p, /*commit=*/false), 0);  // marker at 7
    auto after = fetch_from(c, "tx", 0, true);
    EXPECT_EQ(after.high_watermark, 8);
    EXPECT_EQ(after.last_stable_offset, 8);
    ASSERT_TRUE(after.aborted_transactions.has_value());
    ASSERT_EQ(after.aborted_transactions->size(), 1u);
    EXPECT_EQ(after.aborted_transactions->at(0).producer_id, p.id);
    EXPECT_EQ(after.aborted_transactions->at(0).first_offset, 3);
    EXPECT_EQ(batches_in(after.records),
              (std::vector<std::tuple<int64_t, int32_t, bool>>{
                  {0, 3, false}, {3, 2, false}, {5, 2, false}, {7, 1, true}}));
    // EndTxn again: the retry of an abort is answered alike, a commit is not.
    EXPECT_EQ(end(c, "t1", p, false), 0);
    EXPECT_EQ(end(c, "t1", p, true), wire(error_code::invalid_txn_state));
}

TEST_F(BrokerTxnTest, ReinitialisingTheIdFencesTheOldProducerAndAbortsItsTransaction) {
    wire_client c(port_);
    create(c, "tx");
    auto old = init(c, "t1");
    ASSERT_EQ(add_partition(c, "t1", old, "tx", 0), 0);
    produce(c, "tx", 0, records(2, "zombie", old));
    auto fresh = init(c, "t1");
    EXPECT_EQ(fresh.id, old.id);
    EXPECT_GT(fresh.epoch, old.epoch);
    // The old epoch is fenced at the coordinator and in the partition.
    EXPECT_EQ(add_partition(c, "t1", old, "tx", 0), wire(error_code::producer_fenced));
    EXPECT_EQ(add_partition(c, "t1", old, "tx", 0, 1), wire(error_code::invalid_producer_epoch));
    EXPECT_EQ(end(c, "t1", old, true), wire(error_code::producer_fenced));
    auto after = fetch_from(c, "tx", 0, true);
    EXPECT_EQ(after.last_stable_offset, after.high_watermark);
    ASSERT_TRUE(after.aborted_transactions.has_value());
    EXPECT_EQ(after.aborted_transactions->size(), 1u);
    // The new producer starts its sequences at 0.
    ASSERT_EQ(add_partition(c, "t1", fresh, "tx", 0), 0);
    auto ok = produce(c, "tx", 0, records(1, "new", fresh));
    EXPECT_EQ(ok.responses.at(0).partition_responses.at(0).error_code, 0);
    EXPECT_EQ(end(c, "t1", fresh, true), 0);
}

TEST_F(BrokerTxnTest, AnOpenTransactionSurvivesARestartAndThenCommits) {
    {
        wire_client c(port_);
        create(c, "tx");
    }
    producer_id_and_epoch p;
    {
        wire_client c(port_);
        p = init(c, "t1");
        ASSERT_EQ(add_partition(c, "t1", p, "tx", 0), 0);
        produce(c, "tx", 0, records(2, "txn", p));
    }
    // Without the snapshot too: the scan of the log finds the open transaction.
    restart_without_producer_snapshots();
    wire_client c(port_);
    auto before = fetch_from(c, "tx", 0, true);
    EXPECT_EQ(before.last_stable_offset, 0);
    EXPECT_EQ(before.high_watermark, 2);
    EXPECT_EQ(end_completed(c, "t1", p, true), 0);
    auto after = fetch_from(c, "tx", 0, true);
    EXPECT_EQ(after.last_stable_offset, 3);
    EXPECT_EQ(batches_in(after.records).size(), 2u);
    // And a restart after the commit keeps it committed, also when the
    // producer state is rebuilt from the log alone (no snapshot, as after a
    // crash).
    restart_without_producer_snapshots();
    wire_client c2(port_);
    EXPECT_EQ(fetch_from(c2, "tx", 0, true).last_stable_offset, 3);
    EXPECT_EQ(end(c2, "t1", p, true), 0);  // a retried commit
}

TEST_F(BrokerTxnTest, ATransactionOpenLongerThanItsTimeoutIsAbortedAndItsProducerFenced) {
    wire_client c(port_);
    create(c, "tx");
    auto p = init(c, "slow", /*timeout_ms=*/1000);
    ASSERT_EQ(add_partition(c, "slow", p, "tx", 0), 0);
    produce(c, "tx", 0, records(1, "late", p));
    // The broker's housekeeping runs every second.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    int64_t lso = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        lso = fetch_from(c, "tx", 0, true).last_stable_offset;
        if (lso == 2) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_EQ(lso, 2);
    EXPECT_EQ(end(c, "slow", p, true), wire(error_code::producer_fenced));
    int16_t err = 0;
    init(c, "bad", 0, &err);
    EXPECT_EQ(err, wire(error_code::invalid_transaction_timeout));
    init(c, "bad", 900001, &err);
    EXPECT_EQ(err, wire(error_code::invalid_transaction_timeout));
}

TEST_F(BrokerTxnTest, TransactionalOffsetsReachTheGroupOnlyWhenTheTransactionCommits) {
    wire_client c(port_);
    create(c, "in");
    auto p = init(c, "t1");
    auto offset_fetch = [&](bool require_stable) {
        kafka::offset_fetch_request req;
        req.group_id = "g";
        req.topics = std::vector<kafka::offset_fetch_request::topic>{{"in", {0}}};
        req.require_stable = require_stable;
        auto resp = c.call<kafka::offset_fetch_response>(req, 7);
        EXPECT_TRUE(resp.has_value());
        auto part = resp->topics.at(0).partitions.at(0);
        return std::pair<int64_t, int16_t>{part.committed_offset, part.error_code};
    };
    auto txn_commit = [&](const std::string& group, int64_t offset) {
        kafka::txn_offset_commit_request req;
        req.transactional_id = "t1";
        req.group_id = group;
        req.producer_id = p.id;
        req.producer_epoch = p.epoch;
        auto& t = req.topics.emplace_back();
        t.name = "in";
        t.partitions.push_back({0, offset, -1, std::string("")});
        auto resp = c.call<kafka::txn_offset_commit_response>(req, 3);
        EXPECT_TRUE(resp.has_value());
        return resp->topics.at(0).partitions.at(0).error_code;
    };
    // Without AddOffsetsToTxn the offsets could never reach the group.
    EXPECT_EQ(txn_commit("g", 5), wire(error_code::invalid_txn_state));
    kafka::add_offsets_to_txn_request add;
    add.transactional_id = "t1";
    add.producer_id = p.id;
    add.producer_epoch = p.epoch;
    add.group_id = "g";
    auto added = c.call<kafka::add_offsets_to_txn_response>(add, 3);
    ASSERT_TRUE(added.has_value());
    EXPECT_EQ(added->error_code, 0);
    EXPECT_EQ(txn_commit("g", 5), 0);
    EXPECT_EQ(offset_fetch(true),
              (std::pair<int64_t, int16_t>{-1, wire(error_code::unstable_offset_commit)}));
    EXPECT_EQ(offset_fetch(false).first, -1);
    ASSERT_EQ(end_completed(c, "t1", p, true), 0);
    EXPECT_EQ(offset_fetch(true), (std::pair<int64_t, int16_t>{5, 0}));

    // An aborted transaction's offsets are dropped.
    ASSERT_EQ(c.call<kafka::add_offsets_to_txn_response>(add, 3)->error_code, 0);
    EXPECT_EQ(txn_commit("g", 9), 0);
    ASSERT_EQ(end_completed(c, "t1", p, false), 0);
    EXPECT_EQ(offset_fetch(true), (std::pair<int64_t, int16_t>{5, 0}));
}

// Kafka's order: EndTxn is answered once PrepareCommit is durable and the
// markers are written after. The id's next request (here the next
// transaction's AddPartitionsToTxn, sent without waiting) must not see the
// half-finished transaction: it waits for the markers and succeeds, and
// the next transaction's batch lands after the previous marker.
TEST_F(BrokerTxnTest, TheNextRequestOfTheIdWaitsForTheMarkersOfTheLastCommit) {
    wire_client c(port_);
    create(c, "tx", 3);
    auto p = init(c, "t1");
    for (int round = 0; round < 5; ++round) {
        for (int32_t part = 0; part < 3; ++part) {
            ASSERT_EQ(add_partition(c, "t1", p, "tx", part), 0) << "round " << round;
            auto ok = produce(c, "tx", part, records(2, "v", p, round * 2));
            ASSERT_EQ(ok.responses.at(0).partition_responses.at(0).error_code, 0);
        }
        ASSERT_EQ(end(c, "t1", p, /*commit=*/true), 0);
    }
    // The last commit's markers: a retry of its EndTxn waits for them.
    ASSERT_EQ(end(c, "t1", p, true), 0);
    auto after = fetch_from(c, "tx", 0, true);
    EXPECT_EQ(after.high_watermark, 15);  // 5 x (2 records + marker)
    EXPECT_EQ(after.last_stable_offset, 15);
    std::vector<std::tuple<int64_t, int32_t, bool>> expected;
    for (int64_t round = 0; round < 5; ++round) {
        expected.emplace_back(round * 3, 2, false);
        expected.emplace_back(round * 3 + 2, 1, true);
    }
    EXPECT_EQ(batches_in(after.records), expected);
}

// A restart right after EndTxn's answer, its markers possibly not written:
// whatever the stop left, the commit is complete afterwards (a prepared
// transaction is completed at start-up from its durable PrepareCommit).
TEST_F(BrokerTxnTest, ACommitRestartedRightAfterItsAnswerIsComplete) {
    producer_id_and_epoch p;
    {
        wire_client c(port_);
        create(c, "tx");
        p = init(c, "t1");
        ASSERT_EQ(add_partition(c, "t1", p, "tx", 0), 0);
        produce(c, "tx", 0, records(2, "txn", p));
        ASSERT_EQ(end(c, "t1", p, true), 0);
    }
    restart_without_producer_snapshots();
    wire_client c(port_);
    EXPECT_EQ(end(c, "t1", p, true), 0);  // waits for the completion at start-up
    auto after = fetch_from(c, "tx", 0, true);
    EXPECT_EQ(after.last_stable_offset, 3);
    EXPECT_EQ(after.high_watermark, 3);
    EXPECT_FALSE(after.aborted_transactions.has_value() && !after.aborted_transactions->empty());
}

// KIP-664, as kafka-transactions.sh uses them.
TEST_F(BrokerTxnTest, DescribeAndListTransactions) {
    wire_client c(port_);
    create(c, "tx", 2);
    create(c, "ty");
    auto p = init(c, "t1", 30000);
    auto q = init(c, "t2");
    ASSERT_EQ(add_partition(c, "t1", p, "tx", 1), 0);
    ASSERT_EQ(add_partition(c, "t1", p, "ty", 0), 0);
    ASSERT_EQ(add_partition(c, "t1", p, "tx", 0), 0);
    using described = kafka::describe_transactions_response::transaction;
    auto describe = [&](std::vector<std::string> ids) {
        kafka::describe_transactions_request req;
        req.transactional_ids = std::move(ids);
        auto resp = c.call<kafka::describe_transactions_response>(req, 0);
        EXPECT_TRUE(resp.has_value());
        return resp ? resp->transaction_states : std::vector<described>{};
    };
    auto d = describe({"t1", "t2", "nobody", ""});
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].error_code, 0);
    EXPECT_EQ(d[0].transactional_id, "t1");
    EXPECT_EQ(d[0].transaction_state, "Ongoing");
    EXPECT_EQ(d[0].producer_id, p.id);
    EXPECT_EQ(d[0].producer_epoch, p.epoch);
    EXPECT_EQ(d[0].transaction_timeout_ms, 30000);
    EXPECT_GT(d[0].transaction_start_time_ms, 0);
    EXPECT_EQ(d[0].topics, (std::vector<kafka::describe_transactions_response::topic_data>{
                               {"tx", {0, 1}}, {"ty", {0}}}));
    EXPECT_EQ(d[1].transaction_state, "Empty");
    EXPECT_EQ(d[1].producer_id, q.id);
    EXPECT_EQ(d[1].transaction_start_time_ms, -1);
    EXPECT_TRUE(d[1].topics.empty());
    EXPECT_EQ(d[2].error_code, wire(error_code::transactional_id_not_found));
    EXPECT_EQ(d[3].error_code, wire(error_code::invalid_request));

    auto list = [&](std::vector<std::string> states, std::vector<int64_t> pids,
                    int64_t duration = -1, std::vector<std::string>* unknown = nullptr) {
        kafka::list_transactions_request req;
        req.state_filters = std::move(states);
        req.producer_id_filters = std::move(pids);
        req.duration_filter = duration;
        auto resp = c.call<kafka::list_transactions_response>(req, duration >= 0 ? 1 : 0);
        EXPECT_TRUE(resp.has_value());
        EXPECT_EQ(resp ? resp->error_code : -1, 0);
        if (unknown != nullptr) {
            *unknown = resp->unknown_state_filters;
        }
        std::vector<std::string> ids;
        for (const auto& t : resp->transaction_states) {
            ids.push_back(t.transactional_id + ":" + t.transaction_state);
        }
        return ids;
    };
    EXPECT_EQ(list({}, {}), (std::vector<std::string>{"t1:Ongoing", "t2:Empty"}));
    EXPECT_EQ(list({"Ongoing"}, {}), (std::vector<std::string>{"t1:Ongoing"}));
    EXPECT_EQ(list({}, {q.id}), (std::vector<std::string>{"t2:Empty"}));
    EXPECT_EQ(list({"Ongoing"}, {q.id}), (std::vector<std::string>{}));
    std::vector<std::string> unknown;
    EXPECT_EQ(list({"NoSuchState", "Empty"}, {}, -1, &unknown),
              (std::vector<std::string>{"t2:Empty"}));
    EXPECT_EQ(unknown, (std::vector<std::string>{"NoSuchState"}));
    // v1: running longer than the duration (t1 began moments ago; t2 has no
    // transaction, so its start is -1 and it counts as long-running, as Kafka).
    EXPECT_EQ(list({"Ongoing"}, {}, 3'600'000), (std::vector<std::string>{}));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(list({"Ongoing"}, {}, 0), (std::vector<std::string>{"t1:Ongoing"}));

    ASSERT_EQ(end_completed(c, "t1", p, true), 0);
    d = describe({"t1"});
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].transaction_state, "CompleteCommit");
    EXPECT_TRUE(d[0].topics.empty());
    EXPECT_EQ(list({"CompleteCommit", "Empty"}, {}),
              (std::vector<std::string>{"t1:CompleteCommit", "t2:Empty"}));
}

TEST_F(BrokerTxnTest, EndingATransactionThatWasNeverBegunIsRefused) {
    wire_client c(port_);
    auto p = init(c, "t1");
    EXPECT_EQ(end(c, "t1", p, true), wire(error_code::invalid_txn_state));
    EXPECT_EQ(end(c, "nobody", p, true), wire(error_code::invalid_producer_id_mapping));
}

// librdkafka sends AddPartitionsToTxn (to the transaction coordinator) and
// TxnOffsetCommit (to the group coordinator, another connection) at once:
// the second waits for the first rather than failing with
// CONCURRENT_TRANSACTIONS, which cost every send_offsets_to_transaction a
// 500 ms retry.
TEST_F(BrokerTxnTest, RequestsOfOneTransactionalIdWaitForEachOther) {
    wire_client c(port_);
    create(c, "tx", 10);
    create(c, "in");
    auto p = init(c, "t1");
    kafka::add_offsets_to_txn_request add;
    add.transactional_id = "t1";
    add.producer_id = p.id;
    add.producer_epoch = p.epoch;
    add.group_id = "g";
    ASSERT_EQ(c.call<kafka::add_offsets_to_txn_response>(add, 3)->error_code, 0);
    wire_client other(port_);
    for (int round = 0; round < 10; ++round) {
        kafka::add_partitions_to_txn_request parts;
        parts.transactional_id = "t1";
        parts.producer_id = p.id;
        parts.producer_epoch = p.epoch;
        parts.topics.push_back({"tx", {round}});  // a new partition: a write each round
        kafka::txn_offset_commit_request offsets;
        offsets.transactional_id = "t1";
        offsets.group_id = "g";
        offsets.producer_id = p.id;
        offsets.producer_epoch = p.epoch;
        offsets.topics.push_back({"in", {{0, round, -1, std::string("")}}});
        ASSERT_TRUE(c.send(parts, 3));
        ASSERT_TRUE(other.send(offsets, 3));
        auto added = c.receive<kafka::add_partitions_to_txn_response>(3);
        auto committed = other.receive<kafka::txn_offset_commit_response>(3);
        ASSERT_TRUE(added && committed);
        EXPECT_EQ(added->results_by_topic.at(0).results_by_partition.at(0).partition_error_code, 0);
        EXPECT_EQ(committed->topics.at(0).partitions.at(0).error_code, 0) << "round " << round;
    }
    EXPECT_EQ(end(c, "t1", p, true), 0);
}

}  // namespace
}  // namespace cs::broker
