#include "protocol/error_code.h"

#include <gtest/gtest.h>

namespace cs::kafka {
namespace {

TEST(error_code, numbers_match_kafka) {
    // Spot checks against Errors.java for codes the broker returns.
    EXPECT_EQ(to_wire(error_code::none), 0);
    EXPECT_EQ(to_wire(error_code::unknown_server_error), -1);
    EXPECT_EQ(to_wire(error_code::offset_out_of_range), 1);
    EXPECT_EQ(to_wire(error_code::not_leader_or_follower), 6);
    EXPECT_EQ(to_wire(error_code::inconsistent_group_protocol), 23);
    EXPECT_EQ(to_wire(error_code::invalid_session_timeout), 26);
    EXPECT_EQ(to_wire(error_code::unsupported_version), 35);
    EXPECT_EQ(to_wire(error_code::invalid_request), 42);
    EXPECT_EQ(to_wire(error_code::unknown_producer_id), 59);
    EXPECT_EQ(to_wire(error_code::non_empty_group), 68);
    EXPECT_EQ(to_wire(error_code::group_id_not_found), 69);
    EXPECT_EQ(to_wire(error_code::member_id_required), 79);
    EXPECT_EQ(to_wire(error_code::fenced_instance_id), 82);
    EXPECT_EQ(to_wire(error_code::invalid_record), 87);
    EXPECT_EQ(to_wire(error_code::unstable_offset_commit), 88);
    EXPECT_EQ(to_wire(error_code::producer_fenced), 90);
    EXPECT_EQ(to_wire(error_code::transactional_id_not_found), 105);
    EXPECT_EQ(error_code_name(error_code::transactional_id_not_found),
              "TRANSACTIONAL_ID_NOT_FOUND");
}

TEST(error_code, names_and_retriability) {
    EXPECT_EQ(error_code_name(error_code::unknown_topic_or_partition),
              "UNKNOWN_TOPIC_OR_PARTITION");
    EXPECT_EQ(error_code_name(error_code::none), "NONE");
    EXPECT_EQ(error_code_name(static_cast<error_code>(9999)), "UNKNOWN_ERROR_CODE");
    EXPECT_TRUE(is_retriable(error_code::not_coordinator));
    EXPECT_TRUE(is_retriable(error_code::coordinator_load_in_progress));
    EXPECT_FALSE(is_retriable(error_code::topic_already_exists));
    EXPECT_FALSE(is_retriable(error_code::none));
}

}  // namespace
}  // namespace cs::kafka
