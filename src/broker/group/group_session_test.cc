// Heartbeats, session expiry, rebalance timeouts, LeaveGroup and the
// SyncGroup / Heartbeat error paths.

#include "broker/group/group_test_util.h"

namespace cs::group::testing {
namespace {

using sessions = group_fixture;

TEST_F(sessions, killed_member_is_removed_and_the_rest_rebalance_without_it) {
    auto ids = stable_group({"a", "b", "c"});
    std::string a = ids[0], b = ids[1], c = ids[2];
    clock.advance_ms(6000);
    EXPECT_EQ(heartbeat(a, 1), error_code::none);
    EXPECT_EQ(heartbeat(b, 1), error_code::none);
    coord->tick();
    EXPECT_EQ(state(), group_state::stable);
    clock.advance_ms(3999);  // c's last contact was 9999 ms ago
    coord->tick();
    EXPECT_EQ(state(), group_state::stable);
    clock.advance_ms(1);
    coord->tick();
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    EXPECT_EQ(coord->find_group(kGroup)->size(), 2u);

    EXPECT_EQ(heartbeat(a, 1), error_code::rebalance_in_progress);
    EXPECT_EQ(heartbeat(b, 1), error_code::rebalance_in_progress);
    EXPECT_EQ(heartbeat(c, 1), error_code::unknown_member_id);
    auto ja = join(join_req("a", a));
    auto jb = join(join_req("b", b));
    ASSERT_TRUE(ja->has_value() && jb->has_value());
    EXPECT_EQ((*ja)->generation_id, 2);
    ASSERT_EQ((*ja)->members.size(), 2u);
    for (const auto& m : (*ja)->members) {
        EXPECT_NE(m.member_id, c);
    }
    EXPECT_EQ(heartbeat(a, 1), error_code::illegal_generation);
    EXPECT_EQ(heartbeat(a, 2), error_code::none);  // CompletingRebalance
}

TEST_F(sessions, killed_leader_hands_leadership_on) {
    auto ids = stable_group({"a", "b"});
    clock.advance_ms(9000);
    EXPECT_EQ(heartbeat(ids[1], 1), error_code::none);
    clock.advance_ms(1000);
    coord->tick();
    auto jb = join(join_req("b", ids[1]));
    ASSERT_TRUE(jb->has_value());
    EXPECT_EQ((*jb)->leader, ids[1]);
    EXPECT_EQ((*jb)->members.size(), 1u);
}

TEST_F(sessions, rebalance_timeout_removes_members_that_did_not_rejoin) {
    auto ids = stable_group({"a", "b", "c"});
    // a (the leader) rejoins: rebalance. b rejoins; c keeps heartbeating but
    // never rejoins.
    auto ja = join(join_req("a", ids[0]));
    auto jb = join(join_req("b", ids[1]));
    EXPECT_FALSE(ja->has_value());
    for (int t = 5000; t < 30000; t += 5000) {
        clock.advance_ms(5000);
        EXPECT_EQ(heartbeat(ids[2], 1), error_code::rebalance_in_progress);
        coord->tick();
        EXPECT_FALSE(ja->has_value()) << t;
    }
    clock.advance_ms(5000);  // 30 s: the largest rebalance timeout
    coord->tick();
    ASSERT_TRUE(ja->has_value() && jb->has_value());
    EXPECT_EQ((*ja)->generation_id, 2);
    EXPECT_EQ((*ja)->members.size(), 2u);
    EXPECT_EQ(heartbeat(ids[2], 1), error_code::unknown_member_id);
    auto jc = join(join_req("c", ids[2]));
    EXPECT_EQ((*jc)->error, error_code::unknown_member_id);
}

TEST_F(sessions, members_waiting_in_a_rebalance_are_not_expired_by_session) {
    auto ids = stable_group({"a", "b"});
    auto ja = join(join_req("a", ids[0]));  // waits for b, longer than a's session
    clock.advance_ms(9000);
    EXPECT_EQ(heartbeat(ids[1], 1), error_code::rebalance_in_progress);
    clock.advance_ms(9000);
    coord->tick();
    EXPECT_TRUE(coord->find_group(kGroup)->has(ids[0]));
    auto jb = join(join_req("b", ids[1]));
    ASSERT_TRUE(ja->has_value());
    EXPECT_EQ((*ja)->members.size(), 2u);
}

TEST_F(sessions, new_member_waiting_too_long_is_dropped_with_unknown_member_id) {
    coordinator_config cfg;
    cfg.initial_rebalance_delay_ms = 0;
    cfg.new_member_join_timeout_ms = 20000;
    make(cfg);
    auto ids = stable_group({"a"});
    std::string b;
    auto r = join_req("b");
    auto jb = join_new("b", &b, r);
    EXPECT_FALSE(jb->has_value());  // waits for a to rejoin
    for (int i = 0; i < 4; ++i) {
        clock.advance_ms(5000);
        heartbeat(ids[0], 1);  // a stays alive but does not rejoin
        coord->tick();
    }
    ASSERT_TRUE(jb->has_value());
    EXPECT_EQ((*jb)->error, error_code::unknown_member_id);
    EXPECT_FALSE(coord->find_group(kGroup)->has(b));
}

TEST_F(sessions, heartbeat_errors) {
    EXPECT_EQ(coord->heartbeat({"", 1, "m", {}}), error_code::invalid_group_id);
    EXPECT_EQ(coord->heartbeat({"nope", 1, "m", {}}), error_code::unknown_member_id);
    auto ids = stable_group({"a"});
    EXPECT_EQ(heartbeat("stranger", 1), error_code::unknown_member_id);
    EXPECT_EQ(heartbeat(ids[0], 7), error_code::illegal_generation);
    EXPECT_EQ(heartbeat(ids[0], 1), error_code::none);
}

TEST_F(sessions, sync_errors) {
    EXPECT_EQ((*sync("m", 1))->error, error_code::unknown_member_id);  // no such group
    auto ids = stable_group({"a", "b"});
    EXPECT_EQ((*sync("stranger", 1))->error, error_code::unknown_member_id);
    EXPECT_EQ((*sync(ids[1], 2))->error, error_code::illegal_generation);
    sync_group_request r;
    r.group_id = kGroup;
    r.generation_id = 1;
    r.member_id = ids[1];
    r.protocol_name = "roundrobin";
    auto out = std::make_shared<std::optional<sync_group_response>>();
    coord->sync_group(r, [out](sync_group_response s) { *out = s; });
    EXPECT_EQ((*out)->error, error_code::inconsistent_group_protocol);
    r.protocol_name = "range";
    r.protocol_type = "consumer";
    coord->sync_group(r, [out](sync_group_response s) { *out = s; });
    EXPECT_EQ((*out)->error, error_code::none);
    join(join_req("a", ids[0]));  // leader rejoins
    EXPECT_EQ((*sync(ids[1], 1))->error, error_code::rebalance_in_progress);
}

using leave = group_fixture;

TEST_F(leave, v0_single_member) {
    auto ids = stable_group({"a", "b"});
    auto resp = coord->leave_group({0, kGroup, {{ids[1], {}}}});
    EXPECT_EQ(resp.error, error_code::none);
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    auto ja = join(join_req("a", ids[0]));
    ASSERT_TRUE(ja->has_value());
    EXPECT_EQ((*ja)->members.size(), 1u);
    EXPECT_EQ((*ja)->generation_id, 2);

    EXPECT_EQ(coord->leave_group({0, kGroup, {{"stranger", {}}}}).error,
              error_code::unknown_member_id);
    EXPECT_EQ(coord->leave_group({0, "", {{"x", {}}}}).error, error_code::invalid_group_id);
    EXPECT_EQ(coord->leave_group({1, "nope", {{"x", {}}}}).error, error_code::unknown_member_id);

    // The last member leaving empties the group (a new, empty generation).
    EXPECT_EQ(coord->leave_group({0, kGroup, {{ids[0], {}}}}).error, error_code::none);
    EXPECT_EQ(state(), group_state::empty);
    EXPECT_EQ(generation(), 3);
    EXPECT_EQ(coord->find_group(kGroup)->size(), 0u);
}

TEST_F(leave, leaving_while_others_wait_completes_their_rebalance) {
    auto ids = stable_group({"a", "b"});
    auto ja = join(join_req("a", ids[0]));
    EXPECT_FALSE(ja->has_value());
    coord->leave_group({1, kGroup, {{ids[1], {}}}});
    ASSERT_TRUE(ja->has_value());
    EXPECT_EQ((*ja)->members.size(), 1u);
}

TEST_F(leave, v3_batch_with_per_member_errors) {
    auto sa = join(with_instance_id(join_req("a"), "inst-a"));
    std::string b, c;
    auto jb = join_new("b", &b);
    auto jc = join_new("c", &c);
    settle();
    ASSERT_TRUE(sa->has_value());
    std::string a = (*sa)->member_id;
    auto pending = join(join_req("d"));  // MEMBER_ID_REQUIRED: pending
    std::string d = (*pending)->member_id;

    auto resp = coord->leave_group({3,
                                    kGroup,
                                    {{b, {}},
                                     {"stranger", {}},
                                     {"", std::string("inst-a")},
                                     {"", std::string("inst-unknown")},
                                     {d, {}},
                                     {c, std::string("inst-not-c")}}});
    EXPECT_EQ(resp.error, error_code::none);
    ASSERT_EQ(resp.members.size(), 6u);
    EXPECT_EQ(resp.members[0].error, error_code::none);
    EXPECT_EQ(resp.members[1].error, error_code::unknown_member_id);
    EXPECT_EQ(resp.members[2].error, error_code::none);  // removed by instance id
    EXPECT_EQ(resp.members[3].error, error_code::unknown_member_id);
    EXPECT_EQ(resp.members[4].error, error_code::none);  // a pending member
    EXPECT_EQ(resp.members[5].error, error_code::none);  // c is dynamic: instance id unmapped
    EXPECT_EQ(resp.members[2].member.group_instance_id, "inst-a");
    EXPECT_EQ(coord->find_group(kGroup)->size(), 0u);
    EXPECT_FALSE(coord->find_group(kGroup)->is_pending(d));
    EXPECT_EQ(state(), group_state::empty);
}

TEST_F(leave, fenced_static_member_cannot_leave) {
    auto j1 = join(with_instance_id(join_req("a"), "inst-a"));
    clock.advance_ms(1000);
    coord->tick();
    ASSERT_TRUE(j1->has_value());
    std::string old_id = (*j1)->member_id;
    sync(old_id, 1, {});
    auto j2 = join(with_instance_id(join_req("a"), "inst-a"));
    ASSERT_TRUE(j2->has_value());
    auto resp = coord->leave_group({3, kGroup, {{old_id, std::string("inst-a")}}});
    EXPECT_EQ(resp.members[0].error, error_code::fenced_instance_id);
    EXPECT_EQ(coord->find_group(kGroup)->size(), 1u);
}

}  // namespace
}  // namespace cs::group::testing
