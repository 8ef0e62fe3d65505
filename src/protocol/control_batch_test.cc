#include "protocol/control_batch.h"

#include <gtest/gtest.h>

#include "protocol/record_batch.h"

namespace cs::kafka {
namespace {

TEST(control_batch, marker_layout_is_kafkas_end_transaction_marker) {
    bytes b = build_txn_marker(42, 7, control_type::commit, 3, 1000);
    auto h = validate_batch(b, {.client_rules = false});
    ASSERT_TRUE(h.ok()) << h.err().message;
    EXPECT_TRUE(h->is_control());
    EXPECT_TRUE(h->is_transactional());
    EXPECT_EQ(h->producer_id, 42);
    EXPECT_EQ(h->producer_epoch, 7);
    EXPECT_EQ(h->base_sequence, -1);
    EXPECT_EQ(h->records_count, 1);
    auto records = decode_records(b);
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 1u);
    const auto& r = records->front();
    ASSERT_TRUE(r.key && r.value);
    // key: version 0, type 1 (commit); value: version 0, coordinator epoch 3.
    EXPECT_EQ(bytes(r.key->begin(), r.key->end()),
              (bytes{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}}));
    EXPECT_EQ(bytes(r.value->begin(), r.value->end()),
              (bytes{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
                     std::byte{3}}));
    auto type = read_control_type(b);
    ASSERT_TRUE(type.ok());
    EXPECT_EQ(*type, control_type::commit);
    auto abort = read_control_type(build_txn_marker(42, 7, control_type::abort, 0, 1000));
    ASSERT_TRUE(abort.ok());
    EXPECT_EQ(*abort, control_type::abort);
}

TEST(control_batch, a_data_batch_is_not_a_marker) {
    batch_builder b;
    b.add(std::string("k"), std::string("v"), 1);
    auto type = read_control_type(b.build());
    ASSERT_FALSE(type.ok());
    EXPECT_EQ(type.err().code, errc::corrupt);
}

}  // namespace
}  // namespace cs::kafka
