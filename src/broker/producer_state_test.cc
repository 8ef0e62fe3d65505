#include "broker/producer_state.h"

#include <limits>

#include <gtest/gtest.h>

namespace cs::broker {
namespace {

using verdict = sequence_check::verdict;

TEST(ProducerState, SequencesDuplicatesAndGaps) {
    producer_state s;
    EXPECT_EQ(s.check(7, 0, 0, 4).kind, verdict::append);
    s.record(7, 0, {0, 4, 100, 104, -1}, 0);
    EXPECT_EQ(s.check(7, 0, 5, 9).kind, verdict::append);
    s.record(7, 0, {5, 9, 105, 109, -1}, 0);

    auto dup = s.check(7, 0, 0, 4);
    EXPECT_EQ(dup.kind, verdict::duplicate);
    EXPECT_EQ(dup.original.first_offset, 100);

    auto gap = s.check(7, 0, 11, 12);
    EXPECT_EQ(gap.kind, verdict::reject);
    EXPECT_EQ(gap.error, kafka::error_code::out_of_order_sequence_number);
}

TEST(ProducerState, KeepsOnlyTheLastFiveBatches) {
    producer_state s;
    for (int i = 0; i < 7; ++i) {
        s.record(1, 0, {i, i, i, i, -1}, 0);
    }
    EXPECT_EQ(s.check(1, 0, 0, 0).kind, verdict::reject);  // forgotten: looks out of order
    EXPECT_EQ(s.check(1, 0, 2, 2).kind, verdict::duplicate);
    EXPECT_EQ(s.check(1, 0, 7, 7).kind, verdict::append);
}

TEST(ProducerState, EpochsFenceAndRestart) {
    producer_state s;
    s.record(3, 1, {0, 0, 0, 0, -1}, 0);
    EXPECT_EQ(s.check(3, 0, 1, 1).error, kafka::error_code::invalid_producer_epoch);
    EXPECT_EQ(s.check(3, 2, 0, 3).kind, verdict::append);
    EXPECT_EQ(s.check(3, 2, 5, 6).error, kafka::error_code::out_of_order_sequence_number);
}

TEST(ProducerState, SequenceWrapsAtInt32Max) {
    producer_state s;
    constexpr int32_t max = std::numeric_limits<int32_t>::max();
    s.record(9, 0, {max - 1, max, 10, 11, -1}, 0);
    EXPECT_EQ(s.check(9, 0, 0, 3).kind, verdict::append);
}

// producer.id.expiration.ms: a producer silent that long is forgotten; a
// write keeps it.
TEST(ProducerState, ExpiresProducersSilentForTheExpirationTime) {
    producer_state s;
    s.record(1, 0, {0, 0, 0, 0, -1}, 1'000);
    s.record(2, 0, {0, 0, 1, 1, -1}, 1'000);
    s.record(2, 0, {1, 1, 2, 2, -1}, 5'000);
    EXPECT_EQ(s.expire(10'999, 10'000), 0u);
    EXPECT_EQ(s.expire(11'000, 10'000), 1u);  // producer 1
    EXPECT_EQ(s.producer_count(), 1u);
    EXPECT_EQ(s.check(2, 0, 2, 2).kind, verdict::append);
    EXPECT_EQ(s.expire(15'000, 10'000), 1u);
    // Forgotten: any sequence is accepted as a new producer's first.
    EXPECT_EQ(s.check(2, 0, 9, 9).kind, verdict::append);
}

TEST(ProducerState, OpenTransactionsHoldTheLastStableOffset) {
    producer_state s;
    EXPECT_FALSE(s.first_unstable_offset());
    s.begin_txn(1, 10);
    s.begin_txn(2, 12);
    s.begin_txn(1, 15);  // a later batch of the same transaction
    EXPECT_EQ(s.first_unstable_offset(), 10);
    EXPECT_TRUE(s.end_txn(1, 0, /*commit=*/true, 20, 0));
    EXPECT_EQ(s.first_unstable_offset(), 12);
    EXPECT_FALSE(s.has_aborted());
    EXPECT_TRUE(s.end_txn(2, 0, /*commit=*/false, 21, 0));
    EXPECT_FALSE(s.first_unstable_offset());
    ASSERT_TRUE(s.has_aborted());
    EXPECT_EQ(s.aborted(), (std::deque<aborted_txn>{{2, 12, 21}}));
    // A marker where the producer had nothing open changes nothing but its epoch.
    EXPECT_FALSE(s.end_txn(3, 0, false, 22, 0));
    EXPECT_EQ(s.aborted().size(), 1u);
}

TEST(ProducerState, AbortedTransactionsOverlappingAFetch) {
    producer_state s;
    s.add_aborted({1, 0, 5});
    s.add_aborted({2, 3, 9});
    s.add_aborted({3, 20, 25});
    auto ids = [](const std::vector<aborted_txn>& v) {
        std::vector<int64_t> out;
        for (const auto& a : v) {
            out.push_back(a.producer_id);
        }
        return out;
    };
    EXPECT_EQ(ids(s.aborted_between(6, 30)), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(ids(s.aborted_between(0, 4)), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(ids(s.aborted_between(10, 20)), (std::vector<int64_t>{}));
    s.prune_aborted(6);
    EXPECT_EQ(ids(s.aborted_between(0, 100)), (std::vector<int64_t>{2, 3}));
}

TEST(ProducerState, AMarkerWithANewerEpochFencesTheOldProducer) {
    producer_state s;
    s.record(5, 0, {0, 3, 0, 3, -1}, 0);
    s.begin_txn(5, 0);
    // The coordinator aborted with a bumped epoch (a new producer of the id).
    s.end_txn(5, 1, false, 4, 0);
    EXPECT_EQ(s.check(5, 0, 4, 4).kind, verdict::reject);
    EXPECT_EQ(s.check(5, 0, 4, 4).error, kafka::error_code::invalid_producer_epoch);
    EXPECT_EQ(s.check(5, 1, 0, 0).kind, verdict::append);
}

TEST(ProducerState, ProducersWithAnOpenTransactionDoNotExpire) {
    producer_state s;
    s.record(1, 0, {0, 0, 0, 0, -1}, 0);
    s.record(2, 0, {0, 0, 1, 1, -1}, 0);
    s.begin_txn(2, 1);
    EXPECT_EQ(s.expire(1'000'000, 1000), 1u);
    EXPECT_EQ(s.producer_count(), 1u);
    EXPECT_TRUE(s.in_txn(2));
}

}  // namespace
}  // namespace cs::broker
