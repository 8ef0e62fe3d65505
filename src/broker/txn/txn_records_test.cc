#include "broker/txn/txn_records.h"

#include <gtest/gtest.h>

namespace cs::broker::txn {
namespace {

TEST(TxnRecords, ValueRoundTripsWithPartitionsGroupsAndOffsets) {
    txn_metadata m;
    m.transactional_id = "enricher-0";
    m.producer_id = 4001;
    m.producer_epoch = 7;
    m.timeout_ms = 60000;
    m.state = txn_state::ongoing;
    m.partitions = {{"clicks", kafka::partition_id(0)},
                    {"clicks", kafka::partition_id(2)},
                    {"dlq", kafka::partition_id(1)}};
    m.groups = {"g1", "g2"};
    m.offsets["g1"][{"in", kafka::partition_id(3)}] = {42, 5, std::string("md")};
    m.offsets["g1"][{"in", kafka::partition_id(4)}] = {43, -1, std::nullopt};
    m.start_ms = 1000;
    m.last_update_ms = 2000;
    auto key = decode_txn_key(encode_txn_key(m.transactional_id));
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(*key, "enricher-0");
    auto back = decode_txn_value(*key, encode_txn_value(m));
    ASSERT_TRUE(back.ok()) << back.err().message;
    EXPECT_EQ(*back, m);
}

TEST(TxnRecords, KafkasV0FieldsComeFirst) {
    txn_metadata m;
    m.producer_id = 1;
    m.producer_epoch = 2;
    m.timeout_ms = 3;
    m.state = txn_state::complete_commit;
    m.last_update_ms = 5;
    m.start_ms = 6;
    bytes v = encode_txn_value(m);
    // version 0, pid, epoch, timeout, status 4, 0 topics, last update, start,
    // then clickstream's 0 groups.
    bytes expected;
    byte_writer w(expected);
    w.put<int16_t>(0);
    w.put<int64_t>(1);
    w.put<int16_t>(2);
    w.put<int32_t>(3);
    w.put<int8_t>(4);
    w.put<int32_t>(0);
    w.put<int64_t>(5);
    w.put<int64_t>(6);
    w.put<int32_t>(0);
    EXPECT_EQ(v, expected);
}

TEST(TxnRecords, TruncatedOrUnknownValuesAreErrors) {
    txn_metadata m;
    m.state = txn_state::ongoing;
    bytes v = encode_txn_value(m);
    v.resize(10);
    EXPECT_FALSE(decode_txn_value("x", v).ok());
    bytes bad_state = encode_txn_value(m);
    bad_state[16] = std::byte{42};  // the status byte
    EXPECT_FALSE(decode_txn_value("x", bad_state).ok());
    bytes v9 = encode_txn_value(m);
    v9[1] = std::byte{9};
    auto r = decode_txn_value("x", v9);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, errc::unsupported);
}

}  // namespace
}  // namespace cs::broker::txn
