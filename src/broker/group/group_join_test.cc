// JoinGroup / SyncGroup: the full cycle, MEMBER_ID_REQUIRED, direct joins,
// the initial rebalance delay, protocol selection and static membership.

#include "broker/group/group_test_util.h"

namespace cs::group::testing {
namespace {

// "<client>-" + a version-4 UUID as Java prints it (8-4-4-4-12 lowercase hex).
// (Hand-written: std::regex trips GCC 12's -Wmaybe-uninitialized under ASan.)
bool is_client_uuid(const std::string& id, const std::string& client) {
    std::string prefix = client + "-";
    if (id.rfind(prefix, 0) != 0 || id.size() != prefix.size() + 36) {
        return false;
    }
    std::string u = id.substr(prefix.size());
    for (size_t i = 0; i < u.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        bool hex = (u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f');
        if (dash ? u[i] != '-' : !hex) {
            return false;
        }
    }
    return u[14] == '4' && (u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b');
}

using full_cycle = group_fixture;

TEST_F(full_cycle, three_members_join_sync_and_heartbeat) {
    std::string a, b, c;
    auto ja = join_new("client-a", &a);
    auto jb = join_new("client-b", &b);
    auto jc = join_new("client-c", &c);
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    // The initial delay (1 s) restarts once because b and c arrived during it.
    clock.advance_ms(1000);
    coord->tick();
    EXPECT_FALSE(ja->has_value());
    clock.advance_ms(1000);
    coord->tick();
    ASSERT_TRUE(ja->has_value() && jb->has_value() && jc->has_value());
    EXPECT_EQ(state(), group_state::completing_rebalance);

    for (auto* j : {ja.get(), jb.get(), jc.get()}) {
        EXPECT_EQ((*j)->error, error_code::none);
        EXPECT_EQ((*j)->generation_id, 1);
        EXPECT_EQ((*j)->protocol_type, "consumer");
        EXPECT_EQ((*j)->protocol_name, "range");
        EXPECT_EQ((*j)->leader, a);  // the first to join leads
    }
    EXPECT_EQ((*ja)->member_id, a);
    EXPECT_EQ((*jb)->member_id, b);
    EXPECT_EQ((*jc)->member_id, c);
    ASSERT_EQ((*ja)->members.size(), 3u);
    EXPECT_EQ((*ja)->members[1].member_id, b);
    EXPECT_EQ((*ja)->members[1].metadata, to_bytes("range-meta-client-b"));
    EXPECT_TRUE((*jb)->members.empty());
    EXPECT_TRUE((*jc)->members.empty());

    // Followers wait for the leader's assignment.
    auto sb = sync(b, 1);
    auto sc = sync(c, 1);
    EXPECT_FALSE(sb->has_value());
    EXPECT_FALSE(sc->has_value());
    EXPECT_EQ(heartbeat(a, 1), error_code::none);
    auto sa = sync(a, 1, {{a, to_bytes("pa")}, {b, to_bytes("pb")}, {c, to_bytes("pc")}});
    ASSERT_TRUE(sa->has_value() && sb->has_value() && sc->has_value());
    EXPECT_EQ((*sa)->assignment, to_bytes("pa"));
    EXPECT_EQ((*sb)->assignment, to_bytes("pb"));
    EXPECT_EQ((*sc)->assignment, to_bytes("pc"));
    EXPECT_EQ((*sb)->protocol_name, "range");
    EXPECT_EQ(state(), group_state::stable);

    for (const auto& m : {a, b, c}) {
        EXPECT_EQ(heartbeat(m, 1), error_code::none);
    }
    // A SyncGroup in Stable returns the member's current assignment.
    auto again = sync(c, 1);
    ASSERT_TRUE(again->has_value());
    EXPECT_EQ((*again)->assignment, to_bytes("pc"));

    auto st = coord->stats();
    EXPECT_EQ(st.members, 3);
    EXPECT_EQ(st.rebalances_completed, 1);
    EXPECT_EQ(st.groups_by_state[static_cast<int>(group_state::stable)], 1);
    // The leader's SyncGroup wrote the group (with assignments) to __consumer_offsets.
    ASSERT_FALSE(log.calls.empty());
    EXPECT_EQ(log.calls.back().partition, coord->partition_for(kGroup));
}

TEST_F(full_cycle, members_the_leader_did_not_assign_get_empty_bytes) {
    auto ids = stable_group({"a", "b"});
    const auto* g = coord->find_group(kGroup);
    ASSERT_NE(g, nullptr);
    // Rebalance; the leader assigns only itself.
    auto ja = join(join_req("a", ids[0]));
    auto jb = join(join_req("b", ids[1]));
    ASSERT_TRUE(ja->has_value() && jb->has_value());
    int32_t gen = (*ja)->generation_id;
    EXPECT_EQ(gen, 2);
    auto sb = sync(ids[1], gen);
    auto sa = sync(ids[0], gen, {{ids[0], to_bytes("all")}, {"stranger", to_bytes("x")}});
    ASSERT_TRUE(sb->has_value());
    EXPECT_EQ((*sb)->error, error_code::none);
    EXPECT_TRUE((*sb)->assignment.empty());
    EXPECT_EQ((*sa)->assignment, to_bytes("all"));
}

TEST_F(full_cycle, sync_held_until_the_group_record_is_durable) {
    std::string a;
    auto ja = join_new("a", &a);
    clock.advance_ms(1000);
    coord->tick();
    ASSERT_TRUE(ja->has_value());
    log.hold = true;
    auto sa = sync(a, 1, {{a, to_bytes("x")}});
    EXPECT_FALSE(sa->has_value());
    EXPECT_EQ(state(), group_state::completing_rebalance);
    log.release();
    ASSERT_TRUE(sa->has_value());
    EXPECT_EQ((*sa)->error, error_code::none);
    EXPECT_EQ(state(), group_state::stable);
}

TEST_F(full_cycle, failed_group_write_fails_the_sync_and_rebalances) {
    std::string a;
    auto ja = join_new("a", &a);
    clock.advance_ms(1000);
    coord->tick();
    ASSERT_TRUE(ja->has_value());
    log.answer = status(errc::io, "disk full");
    auto sa = sync(a, 1, {{a, to_bytes("x")}});
    ASSERT_TRUE(sa->has_value());
    EXPECT_EQ((*sa)->error, error_code::coordinator_not_available);
    EXPECT_EQ(state(), group_state::preparing_rebalance);
}

TEST_F(full_cycle, callbacks_may_call_back_into_the_coordinator) {
    // Each member syncs from inside its join callback, as a client library
    // running on the broker's strand would; the leader assigns everyone.
    std::vector<std::string> ids(2);
    std::vector<std::optional<sync_group_response>> synced(2);
    for (int i = 0; i < 2; ++i) {
        auto first = join(join_req("c" + std::to_string(i)));
        ids[static_cast<size_t>(i)] = (*first)->member_id;
    }
    for (int i = 0; i < 2; ++i) {
        auto r = join_req("c" + std::to_string(i), ids[static_cast<size_t>(i)]);
        coord->join_group(r, [this, i, &synced](join_group_response j) {
            std::vector<sync_group_assignment> assignment;
            for (const auto& m : j.members) {
                assignment.push_back({m.member_id, to_bytes("for-" + m.member_id)});
            }
            sync_group_request sr{3, kGroup, j.generation_id, j.member_id, {}, {}, {}, assignment};
            coord->sync_group(sr, [i, &synced](sync_group_response s) {
                synced[static_cast<size_t>(i)] = std::move(s);
            });
        });
    }
    settle();
    ASSERT_TRUE(synced[0].has_value() && synced[1].has_value());
    EXPECT_EQ(synced[1]->assignment, to_bytes("for-" + ids[1]));
    EXPECT_EQ(state(), group_state::stable);
}

using member_id_required = group_fixture;

TEST_F(member_id_required, v4_new_member_gets_an_id_then_joins_with_it) {
    auto first = join(join_req("client-a", "", 4));
    ASSERT_TRUE(first->has_value());
    EXPECT_EQ((*first)->error, error_code::member_id_required);
    std::string id = (*first)->member_id;
    EXPECT_TRUE(is_client_uuid(id, "client-a")) << id;
    const auto* g = coord->find_group(kGroup);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->size(), 0u);
    EXPECT_TRUE(g->is_pending(id));
    EXPECT_EQ(state(), group_state::empty);

    auto second = join(join_req("client-a", id, 4));
    EXPECT_FALSE(second->has_value());  // waits for the initial delay
    clock.advance_ms(1000);
    coord->tick();
    ASSERT_TRUE(second->has_value());
    EXPECT_EQ((*second)->error, error_code::none);
    EXPECT_EQ((*second)->member_id, id);
    EXPECT_EQ((*second)->leader, id);
    EXPECT_FALSE(g->is_pending(id));
}

TEST_F(member_id_required, ids_are_unique) {
    auto a = join(join_req("c", "", 4));
    auto b = join(join_req("c", "", 4));
    EXPECT_NE((*a)->member_id, (*b)->member_id);
}

TEST_F(member_id_required, pending_member_holds_the_rebalance_until_its_session_lapses) {
    auto ids = stable_group({"a"});
    // b asks for an id but never comes back.
    auto pending = join(join_req("b", "", 4));
    ASSERT_EQ((*pending)->error, error_code::member_id_required);
    // a rejoins as leader (forcing a rebalance); the pending id holds it open.
    auto ja = join(join_req("a", ids[0]));
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    EXPECT_FALSE(ja->has_value());
    clock.advance_ms(9999);
    coord->tick();
    EXPECT_FALSE(ja->has_value());
    clock.advance_ms(1);  // b's session timeout (10 s) has passed
    coord->tick();
    ASSERT_TRUE(ja->has_value());
    EXPECT_EQ((*ja)->generation_id, 2);
    EXPECT_EQ((*ja)->members.size(), 1u);
    EXPECT_FALSE(coord->find_group(kGroup)->is_pending((*pending)->member_id));
    // The lapsed id is now unknown.
    auto late = join(join_req("b", (*pending)->member_id, 4));
    EXPECT_EQ((*late)->error, error_code::unknown_member_id);
}

TEST_F(member_id_required, versions_0_to_3_join_directly) {
    for (int16_t v = 0; v <= 3; ++v) {
        SCOPED_TRACE(v);
        coordinator_config cfg;
        cfg.initial_rebalance_delay_ms = 0;
        make(cfg);
        auto r = join_req("old", "", v);
        r.rebalance_timeout_ms = 30000;
        auto j = join(r);
        ASSERT_TRUE(j->has_value());  // delay 0: completes at once
        EXPECT_EQ((*j)->error, error_code::none);
        EXPECT_FALSE((*j)->member_id.empty());
        EXPECT_EQ((*j)->generation_id, 1);
        EXPECT_EQ((*j)->leader, (*j)->member_id);
        const auto* m = coord->find_group(kGroup)->find((*j)->member_id);
        ASSERT_NE(m, nullptr);
        // v0 has no rebalance timeout: the session timeout stands in.
        EXPECT_EQ(m->rebalance_timeout_ms, v == 0 ? 10000 : 30000);
    }
}

TEST_F(member_id_required, validation_errors) {
    auto r = join_req("a");
    r.group_id = "";
    EXPECT_EQ((*join(r))->error, error_code::invalid_group_id);
    r = join_req("a");
    r.session_timeout_ms = 5999;
    EXPECT_EQ((*join(r))->error, error_code::invalid_session_timeout);
    r.session_timeout_ms = 1800001;
    EXPECT_EQ((*join(r))->error, error_code::invalid_session_timeout);
    r.session_timeout_ms = 6000;
    EXPECT_EQ((*join(r))->error, error_code::member_id_required);
    // A member id the coordinator never issued.
    EXPECT_EQ((*join(join_req("a", "made-up")))->error, error_code::unknown_member_id);
    auto other = join_req("a", "made-up");
    other.group_id = "no-such-group";
    EXPECT_EQ((*join(other))->error, error_code::unknown_member_id);
}

TEST_F(member_id_required, group_max_size_refuses_newcomers) {
    coordinator_config cfg;
    cfg.initial_rebalance_delay_ms = 1000;
    cfg.group_max_size = 2;
    make(cfg);
    auto ids = stable_group({"a", "b"});
    auto c = join(join_req("c"));
    ASSERT_TRUE(c->has_value());
    EXPECT_EQ((*c)->error, error_code::group_max_size_reached);
    EXPECT_EQ(state(), group_state::stable);
    // Members already in may still rejoin.
    auto jb = join(join_req("b", ids[1]));
    EXPECT_EQ((*jb)->error, error_code::none);
    EXPECT_EQ(coord->find_group(kGroup)->size(), 2u);
}

using initial_delay = group_fixture;

TEST_F(initial_delay, first_rebalance_waits_for_the_delay) {
    coordinator_config cfg;
    cfg.initial_rebalance_delay_ms = 3000;
    make(cfg);
    auto j = join(join_req("a", "", 3));
    clock.advance_ms(2999);
    coord->tick();
    EXPECT_FALSE(j->has_value());
    clock.advance_ms(1);
    coord->tick();
    ASSERT_TRUE(j->has_value());
    EXPECT_EQ((*j)->generation_id, 1);
}

TEST_F(initial_delay, extended_while_members_arrive) {
    coordinator_config cfg;
    cfg.initial_rebalance_delay_ms = 3000;
    make(cfg);
    auto ja = join(join_req("a", "", 3));
    clock.advance_ms(1000);
    auto jb = join(join_req("b", "", 3));
    clock.advance_ms(2000);  // t = 3000: b arrived, wait another 3 s
    coord->tick();
    EXPECT_FALSE(ja->has_value());
    clock.advance_ms(2999);
    coord->tick();
    EXPECT_FALSE(ja->has_value());
    clock.advance_ms(1);  // t = 6000
    coord->tick();
    ASSERT_TRUE(ja->has_value() && jb->has_value());
    EXPECT_EQ((*ja)->members.size(), 2u);
}

TEST_F(initial_delay, capped_by_the_rebalance_timeout) {
    coordinator_config cfg;
    cfg.initial_rebalance_delay_ms = 3000;
    make(cfg);
    auto r = join_req("a", "", 3);
    r.rebalance_timeout_ms = 5000;  // 2 s left after the first delay
    auto ja = join(r);
    clock.advance_ms(1000);
    auto jb = join(join_req("b", "", 3));  // rebalance timeout 30 s, but the cap is fixed
    clock.advance_ms(2000);                // t = 3000: extended by min(3000, 2000)
    coord->tick();
    EXPECT_FALSE(ja->has_value());
    clock.advance_ms(1000);
    auto jc = join(join_req("c", "", 3));  // t = 4000: nothing left to extend by
    clock.advance_ms(1000);                // t = 5000
    coord->tick();
    ASSERT_TRUE(ja->has_value() && jb->has_value() && jc->has_value());
    EXPECT_EQ((*ja)->members.size(), 3u);
}

TEST_F(initial_delay, zero_delay_completes_at_once_and_later_joins_rebalance) {
    coordinator_config cfg;
    cfg.initial_rebalance_delay_ms = 0;
    make(cfg);
    auto ja = join(join_req("a", "", 3));
    ASSERT_TRUE(ja->has_value());
    EXPECT_EQ((*ja)->generation_id, 1);
    auto sa = sync((*ja)->member_id, 1, {});
    EXPECT_EQ(state(), group_state::stable);
    auto jb = join(join_req("b", "", 3));
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    EXPECT_FALSE(jb->has_value());
    EXPECT_EQ(heartbeat((*ja)->member_id, 1), error_code::rebalance_in_progress);
    auto ja2 = join(join_req("a", (*ja)->member_id, 3));
    ASSERT_TRUE(ja2->has_value() && jb->has_value());
    EXPECT_EQ((*jb)->generation_id, 2);
}

using protocol_selection = group_fixture;

TEST_F(protocol_selection, most_votes_among_protocols_everyone_supports) {
    std::string a, b, c;
    auto ra = join_req("a");
    ra.protocols = protocols({"range", "roundrobin", "sticky"});
    auto rb = join_req("b");
    rb.protocols = protocols({"roundrobin", "range", "sticky"});
    auto rc = join_req("c");
    rc.protocols = protocols({"sticky", "roundrobin"});  // no range
    auto ja = join_new("a", &a, ra);
    join_new("b", &b, rb);
    join_new("c", &c, rc);
    settle();
    ASSERT_TRUE(ja->has_value());
    // Candidates {roundrobin, sticky}: votes a->roundrobin, b->roundrobin, c->sticky.
    EXPECT_EQ((*ja)->protocol_name, "roundrobin");
    EXPECT_EQ((*ja)->members[2].metadata, to_bytes("roundrobin-meta-x"));
}

TEST_F(protocol_selection, ties_go_to_the_first_members_preference) {
    std::string a, b;
    auto ra = join_req("a");
    ra.protocols = protocols({"roundrobin", "range"});
    auto rb = join_req("b");
    rb.protocols = protocols({"range", "roundrobin"});
    auto ja = join_new("a", &a, ra);
    join_new("b", &b, rb);
    settle();
    ASSERT_TRUE(ja->has_value());
    EXPECT_EQ((*ja)->protocol_name, "roundrobin");
}

TEST_F(protocol_selection, inconsistent_protocols_are_refused) {
    auto ids = stable_group({"a"});
    auto r = join_req("b");
    r.protocol_type = "connect";
    EXPECT_EQ((*join(r))->error, error_code::inconsistent_group_protocol);
    r = join_req("b");
    r.protocols = protocols({"sticky"});
    EXPECT_EQ((*join(r))->error, error_code::inconsistent_group_protocol);
    // A current member switching to protocols nobody else has is fine alone...
    r = join_req("a", ids[0]);
    r.protocols = protocols({"sticky"});
    auto ok = join(r);
    ASSERT_TRUE(ok->has_value());
    EXPECT_EQ((*ok)->protocol_name, "sticky");

    // ...and an empty group takes anything non-empty, but not nothing.
    auto e = join_req("z");
    e.group_id = "other";
    e.protocols.clear();
    EXPECT_EQ((*join(e))->error, error_code::inconsistent_group_protocol);
    e = join_req("z");
    e.group_id = "other";
    e.protocol_type = "";
    EXPECT_EQ((*join(e))->error, error_code::inconsistent_group_protocol);
}

using rejoin = group_fixture;

TEST_F(rejoin, joining_a_stable_group_rebalances_everyone) {
    auto ids = stable_group({"a", "b"});
    std::string c;
    auto jc = join_new("c", &c);
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    EXPECT_FALSE(jc->has_value());
    EXPECT_EQ(heartbeat(ids[0], 1), error_code::rebalance_in_progress);
    EXPECT_EQ(heartbeat(ids[1], 1), error_code::rebalance_in_progress);
    auto ja = join(join_req("a", ids[0]));
    EXPECT_FALSE(ja->has_value());
    auto jb = join(join_req("b", ids[1]));
    ASSERT_TRUE(ja->has_value() && jb->has_value() && jc->has_value());
    EXPECT_EQ((*jc)->generation_id, 2);
    EXPECT_EQ((*ja)->leader, ids[0]);  // the leader stays the leader
    EXPECT_EQ((*ja)->members.size(), 3u);
    EXPECT_EQ(coord->stats().rebalances_completed, 2);
}

TEST_F(rejoin, follower_with_same_metadata_gets_the_current_generation) {
    auto ids = stable_group({"a", "b"});
    auto jb = join(join_req("b", ids[1]));
    ASSERT_TRUE(jb->has_value());
    EXPECT_EQ((*jb)->error, error_code::none);
    EXPECT_EQ((*jb)->generation_id, 1);
    EXPECT_EQ((*jb)->leader, ids[0]);
    EXPECT_EQ(state(), group_state::stable);
    // Changed metadata does rebalance.
    auto changed = join_req("b", ids[1]);
    changed.protocols = protocols({"range", "roundrobin"}, "new-subscription");
    join(changed);
    EXPECT_EQ(state(), group_state::preparing_rebalance);
}

TEST_F(rejoin, lost_join_response_is_repeated_while_completing) {
    std::string a, b;
    auto ja = join_new("a", &a);
    join_new("b", &b);
    settle();
    ASSERT_TRUE(ja->has_value());
    EXPECT_EQ(state(), group_state::completing_rebalance);
    auto again = join(join_req("a", a));
    ASSERT_TRUE(again->has_value());
    EXPECT_EQ((*again)->generation_id, 1);
    EXPECT_EQ((*again)->members.size(), 2u);  // a leads: it gets the members again
    EXPECT_EQ(state(), group_state::completing_rebalance);
}

TEST_F(rejoin, new_member_during_completing_fails_waiting_syncs) {
    std::string a, b;
    auto ja = join_new("a", &a);
    join_new("b", &b);
    settle();
    auto sb = sync(b, 1);
    EXPECT_FALSE(sb->has_value());
    std::string c;
    join_new("c", &c);
    ASSERT_TRUE(sb->has_value());
    EXPECT_EQ((*sb)->error, error_code::rebalance_in_progress);
    EXPECT_EQ((*sync(a, 1))->error, error_code::rebalance_in_progress);
}

using static_membership = group_fixture;

join_group_request with_instance(join_group_request r, const std::string& instance) {
    r.group_instance_id = instance;
    return r;
}

TEST_F(static_membership, restart_replaces_the_member_without_rebalance) {
    auto ja = join(with_instance(join_req("a"), "inst-a"));  // no MEMBER_ID_REQUIRED
    auto jb = join(with_instance(join_req("b"), "inst-b"));
    settle();
    ASSERT_TRUE(ja->has_value() && jb->has_value());
    std::string a = (*ja)->member_id, b = (*jb)->member_id;
    EXPECT_EQ((*ja)->members[0].group_instance_id, "inst-a");
    sync(b, 1);
    sync(a, 1, {{a, to_bytes("pa")}, {b, to_bytes("pb")}});
    ASSERT_EQ(state(), group_state::stable);

    // a restarts: same instance id, no member id.
    auto again = join(with_instance(join_req("a"), "inst-a"));
    ASSERT_TRUE(again->has_value());
    EXPECT_EQ((*again)->error, error_code::none);
    std::string a2 = (*again)->member_id;
    EXPECT_NE(a2, a);
    EXPECT_EQ((*again)->generation_id, 1);
    // The old leader id comes back so the restarted leader does not reassign.
    EXPECT_EQ((*again)->leader, a);
    EXPECT_TRUE((*again)->members.empty());
    EXPECT_EQ(state(), group_state::stable);
    EXPECT_EQ(coord->find_group(kGroup)->leader_id(), a2);

    // The old incarnation is fenced everywhere.
    EXPECT_EQ(heartbeat(a, 1, "inst-a"), error_code::fenced_instance_id);
    sync_group_request sr{3, kGroup, 1, a, "inst-a", {}, {}, {}};
    capture<sync_group_response> s = std::make_shared<std::optional<sync_group_response>>();
    coord->sync_group(sr, [s](sync_group_response r) { *s = r; });
    EXPECT_EQ((*s)->error, error_code::fenced_instance_id);
    // The new one keeps the assignment.
    EXPECT_EQ(heartbeat(a2, 1, "inst-a"), error_code::none);
    EXPECT_EQ((*sync(a2, 1))->assignment, to_bytes("pa"));
}

TEST_F(static_membership, rejoin_while_preparing_fences_the_waiting_join) {
    auto ja = join(with_instance(join_req("a"), "inst-a"));
    auto jb = join(with_instance(join_req("b"), "inst-b"));
    auto jc = join(with_instance(join_req("c"), "inst-c"));
    settle();
    std::string a = (*ja)->member_id, b = (*jb)->member_id, c = (*jc)->member_id;
    sync(b, 1);
    sync(c, 1);
    sync(a, 1, {});
    // b rejoins with new metadata (rebalance); a's old incarnation rejoins too.
    auto rb = with_instance(join_req("b", b), "inst-b");
    rb.protocols = protocols({"range"}, "changed");
    auto jb2 = join(rb);
    auto ja_old = join(with_instance(join_req("a", a), "inst-a"));
    EXPECT_FALSE(ja_old->has_value());  // c has not rejoined yet
    // a restarts before the rebalance ends: the waiting old join is fenced.
    auto ja_new = join(with_instance(join_req("a"), "inst-a"));
    ASSERT_TRUE(ja_old->has_value());
    EXPECT_EQ((*ja_old)->error, error_code::fenced_instance_id);
    EXPECT_FALSE(ja_new->has_value());
    auto jc2 = join(with_instance(join_req("c", c), "inst-c"));
    ASSERT_TRUE(ja_new->has_value() && jb2->has_value() && jc2->has_value());
    EXPECT_EQ((*ja_new)->generation_id, 2);
    EXPECT_NE((*ja_new)->member_id, a);
    EXPECT_EQ((*ja_new)->leader, (*ja_new)->member_id);  // leadership followed the instance
    EXPECT_EQ((*ja_new)->members.size(), 3u);
}

TEST_F(static_membership, static_member_that_does_not_rejoin_stays_until_its_session_ends) {
    auto ra = with_instance(join_req("a"), "inst-a");
    auto rb = with_instance(join_req("b"), "inst-b");
    ra.rebalance_timeout_ms = rb.rebalance_timeout_ms = 12000;
    auto ja = join(ra);
    auto jb = join(rb);
    settle();
    std::string a = (*ja)->member_id, b = (*jb)->member_id;
    sync(b, 1);
    sync(a, 1, {});
    ra.member_id = a;
    auto ja2 = join(ra);  // the leader rejoins: rebalance; b keeps heartbeating, never rejoins
    clock.advance_ms(6000);
    EXPECT_EQ(heartbeat(b, 1, "inst-b"), error_code::rebalance_in_progress);
    clock.advance_ms(6000);  // the rebalance timeout
    coord->tick();
    ASSERT_TRUE(ja2->has_value());
    EXPECT_EQ((*ja2)->members.size(), 2u);  // b kept: static members are not dropped here
    EXPECT_EQ((*ja2)->generation_id, 2);
    // b is removed once its session runs out.
    clock.advance_ms(10000);
    EXPECT_EQ(heartbeat(a, 2, "inst-a"), error_code::none);
    coord->tick();
    EXPECT_EQ(heartbeat(b, 2, "inst-b"), error_code::unknown_member_id);
    EXPECT_EQ(state(), group_state::preparing_rebalance);
}

}  // namespace
}  // namespace cs::group::testing
