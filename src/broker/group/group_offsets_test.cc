// OffsetCommit validation and durability, OffsetFetch, retention, the admin
// APIs (describe/list/delete) and replay of __consumer_offsets.

#include "broker/group/group_test_util.h"

namespace cs::group::testing {
namespace {

kafka::topic_partition tp(const std::string& topic, int32_t p) {
    return {topic, kafka::partition_id(p)};
}

class offsets : public group_fixture {
  protected:
    std::vector<offset_commit_partition_result> commit(
        const std::string& member, int32_t generation,
        std::vector<offset_commit_partition> parts = {{tp("clicks", 0), 42, 3, "m"}},
        std::optional<std::string> instance = std::nullopt, const std::string& group = kGroup) {
        offset_commit_request r{group, generation, member, std::move(instance), std::move(parts)};
        std::optional<std::vector<offset_commit_partition_result>> out;
        coord->commit_offsets(std::move(r), [&out](auto res) { out = std::move(res); });
        EXPECT_TRUE(out.has_value()) << "commit not answered";
        return out.value_or(std::vector<offset_commit_partition_result>{});
    }
    error_code commit_error(const std::string& member, int32_t generation,
                            std::optional<std::string> instance = std::nullopt) {
        auto r = commit(member, generation, {{tp("clicks", 0), 42, 3, "m"}}, std::move(instance));
        return r.empty() ? error_code::unknown_server_error : r[0].error;
    }
    int64_t fetched(const kafka::topic_partition& p, const std::string& group = kGroup) {
        auto r = coord->fetch_offsets({group, std::vector{p}});
        return r.partitions.at(0).offset;
    }
};

TEST_F(offsets, standalone_commit_creates_an_empty_group) {
    auto r = commit("", -1, {{tp("clicks", 0), 10, -1, {}}, {tp("clicks", 1), 20, 5, "meta"}});
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].error, error_code::none);
    EXPECT_EQ(r[1].error, error_code::none);
    EXPECT_EQ(state(), group_state::empty);
    auto f = coord->fetch_offsets({kGroup, std::nullopt});  // all partitions
    ASSERT_EQ(f.partitions.size(), 2u);
    EXPECT_EQ(f.partitions[1].tp, tp("clicks", 1));
    EXPECT_EQ(f.partitions[1].offset, 20);
    EXPECT_EQ(f.partitions[1].leader_epoch, 5);
    EXPECT_EQ(f.partitions[1].metadata, "meta");
    EXPECT_EQ(coord->stats().offsets_committed, 2);
    // An unknown group with a real generation is a stale member.
    EXPECT_EQ(commit("m", 3, {{tp("t", 0), 1, -1, {}}}, {}, "unknown")[0].error,
              error_code::illegal_generation);
    EXPECT_EQ(coord->find_group("unknown"), nullptr);
}

TEST_F(offsets, validation_matrix) {
    auto ids = stable_group({"a", "b"});
    EXPECT_EQ(commit_error(ids[0], 1), error_code::none);
    EXPECT_EQ(commit_error(ids[0], 0), error_code::illegal_generation);
    EXPECT_EQ(commit_error(ids[0], -1), error_code::illegal_generation);
    EXPECT_EQ(commit_error("stranger", 1), error_code::unknown_member_id);
    // Standalone commits are refused while the group has members.
    EXPECT_EQ(commit_error("", -1), error_code::unknown_member_id);

    // PreparingRebalance still accepts members' commits.
    auto ja = join(join_req("a", ids[0]));
    EXPECT_EQ(state(), group_state::preparing_rebalance);
    EXPECT_EQ(commit_error(ids[1], 1), error_code::none);
    // CompletingRebalance refuses them until the assignment is out.
    auto jb = join(join_req("b", ids[1]));
    ASSERT_EQ(state(), group_state::completing_rebalance);
    EXPECT_EQ(commit_error(ids[1], 2), error_code::rebalance_in_progress);
    EXPECT_EQ(commit_error(ids[1], 1), error_code::illegal_generation);
}

TEST_F(offsets, fenced_static_member_and_oversized_metadata) {
    auto j1 = join(with_instance_id(join_req("a"), "inst-a"));
    clock.advance_ms(1000);
    coord->tick();
    std::string old_id = (*j1)->member_id;
    sync(old_id, 1, {});
    auto j2 = join(with_instance_id(join_req("a"), "inst-a"));
    std::string new_id = (*j2)->member_id;
    EXPECT_EQ(commit_error(old_id, 1, "inst-a"), error_code::fenced_instance_id);
    EXPECT_EQ(commit_error(new_id, 1, "inst-a"), error_code::none);

    auto r = commit(new_id, 1,
                    {{tp("clicks", 0), 1, -1, std::string(4097, 'x')},
                     {tp("clicks", 1), 2, -1, std::string(4096, 'x')}},
                    "inst-a");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].error, error_code::offset_metadata_too_large);
    EXPECT_EQ(r[1].error, error_code::none);
    EXPECT_EQ(fetched(tp("clicks", 0)), 42);  // the earlier commit stands
    EXPECT_EQ(fetched(tp("clicks", 1)), 2);
}

TEST_F(offsets, acknowledged_only_once_durable) {
    log.hold = true;
    std::optional<std::vector<offset_commit_partition_result>> out;
    coord->commit_offsets({kGroup, -1, "", {}, {{tp("clicks", 0), 7, -1, {}}}},
                          [&out](auto r) { out = std::move(r); });
    EXPECT_FALSE(out.has_value());
    EXPECT_EQ(fetched(tp("clicks", 0)), -1);
    ASSERT_EQ(log.calls.size(), 1u);
    EXPECT_EQ(log.calls[0].partition, coord->partition_for(kGroup));
    // The record is Kafka's offset commit key v1 / value v3.
    const auto& rec = log.calls[0].records.at(0);
    auto key = decode_offsets_record_key(rec.key);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(std::get<offset_commit_key>(*key), (offset_commit_key{kGroup, "clicks", 0}));
    auto value = decode_offset_commit_value(*rec.value);
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(value->offset, 7);
    EXPECT_EQ(value->commit_timestamp_ms, clock.now_ms());

    log.release();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ((*out)[0].error, error_code::none);
    EXPECT_EQ(fetched(tp("clicks", 0)), 7);

    // A failed append fails the commit and leaves the old offset.
    out.reset();
    coord->commit_offsets({kGroup, -1, "", {}, {{tp("clicks", 0), 8, -1, {}}}},
                          [&out](auto r) { out = std::move(r); });
    log.release(status(errc::io, "disk gone"));
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ((*out)[0].error, error_code::coordinator_not_available);
    EXPECT_EQ(fetched(tp("clicks", 0)), 7);
    out.reset();
    coord->commit_offsets({kGroup, -1, "", {}, {{tp("clicks", 0), 9, -1, {}}}},
                          [&out](auto r) { out = std::move(r); });
    log.release(status(errc::too_large, "batch too large"));
    EXPECT_EQ((*out)[0].error, error_code::invalid_commit_offset_size);
}

TEST_F(offsets, fetch_unknown_partitions_and_groups) {
    commit("", -1, {{tp("clicks", 0), 5, -1, {}}});
    auto r = coord->fetch_offsets({kGroup, std::vector{tp("clicks", 0), tp("clicks", 9)}});
    ASSERT_EQ(r.partitions.size(), 2u);
    EXPECT_EQ(r.partitions[0].offset, 5);
    EXPECT_EQ(r.partitions[1].offset, -1);
    EXPECT_EQ(r.partitions[1].leader_epoch, -1);
    EXPECT_EQ(r.partitions[1].metadata, "");
    EXPECT_EQ(fetched(tp("clicks", 0), "other"), -1);
    EXPECT_TRUE(coord->fetch_offsets({"other", std::nullopt}).partitions.empty());
}

TEST_F(offsets, standalone_offsets_expire_after_retention) {
    coordinator_config cfg;
    cfg.offsets_retention_ms = 100000;
    cfg.offsets_retention_check_interval_ms = 1;
    make(cfg);
    commit("", -1, {{tp("clicks", 0), 5, -1, {}}});
    clock.advance_ms(50000);
    commit("", -1, {{tp("clicks", 1), 6, -1, {}}});
    clock.advance_ms(49999);
    coord->tick();
    EXPECT_EQ(fetched(tp("clicks", 0)), 5);
    clock.advance_ms(1);  // 100 s since the first commit
    coord->tick();
    EXPECT_EQ(fetched(tp("clicks", 0)), -1);
    EXPECT_EQ(fetched(tp("clicks", 1)), 6);
    EXPECT_EQ(coord->stats().offsets_expired, 1);
    // A tombstone went to the log.
    auto last = log.calls.back().records;
    ASSERT_EQ(last.size(), 1u);
    EXPECT_FALSE(last[0].value.has_value());
    clock.advance_ms(50000);
    coord->tick();
    // No offsets left in an Empty group: the group itself goes.
    EXPECT_EQ(coord->find_group(kGroup), nullptr);
    EXPECT_FALSE(log.calls.back().records.back().value.has_value());
}

TEST_F(offsets, consumer_group_offsets_expire_from_when_it_became_empty) {
    coordinator_config cfg;
    cfg.initial_rebalance_delay_ms = 1000;
    cfg.offsets_retention_ms = 100000;
    cfg.offsets_retention_check_interval_ms = 1;
    make(cfg);
    auto ids = stable_group({"a"});
    EXPECT_EQ(commit_error(ids[0], 1), error_code::none);
    // Stable for longer than the retention: offsets of an active group stay.
    for (int i = 0; i < 30; ++i) {
        clock.advance_ms(5000);
        heartbeat(ids[0], 1);
        coord->tick();
    }
    EXPECT_EQ(fetched(tp("clicks", 0)), 42);
    coord->leave_group({3, kGroup, {{ids[0], {}}}});
    EXPECT_EQ(state(), group_state::empty);
    clock.advance_ms(99999);
    coord->tick();
    EXPECT_EQ(fetched(tp("clicks", 0)), 42);
    clock.advance_ms(1);
    coord->tick();
    EXPECT_EQ(fetched(tp("clicks", 0)), -1);
    EXPECT_EQ(coord->find_group(kGroup), nullptr);
}

TEST_F(offsets, describe_list_and_delete) {
    auto ids = stable_group({"a", "b"});
    auto d = coord->describe_group(kGroup);
    EXPECT_EQ(d.error, error_code::none);
    EXPECT_EQ(d.state, "Stable");
    EXPECT_EQ(d.protocol_type, "consumer");
    EXPECT_EQ(d.protocol, "range");
    ASSERT_EQ(d.members.size(), 2u);
    EXPECT_EQ(d.members[1].member_id, ids[1]);
    EXPECT_EQ(d.members[1].client_id, "b");
    EXPECT_EQ(d.members[1].client_host, "/127.0.0.1");
    EXPECT_EQ(d.members[1].metadata, to_bytes("range-meta-b"));
    EXPECT_EQ(d.members[1].assignment, to_bytes("assign-b"));
    EXPECT_EQ(coord->describe_group("nope").state, "Dead");
    EXPECT_EQ(coord->describe_group("").error, error_code::invalid_group_id);

    commit("", -1, {{tp("t", 0), 1, -1, {}}}, {}, "standalone");
    auto all = coord->list_groups();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].group_id, kGroup);
    EXPECT_EQ(all[0].protocol_type, "consumer");
    EXPECT_EQ(all[0].state, "Stable");
    EXPECT_EQ(all[1].group_id, "standalone");
    EXPECT_EQ(all[1].protocol_type, "");
    auto st = coord->stats();
    EXPECT_EQ(st.groups, 2);
    EXPECT_EQ(st.groups_by_state[static_cast<int>(group_state::stable)], 1);
    EXPECT_EQ(st.groups_by_state[static_cast<int>(group_state::empty)], 1);
    EXPECT_EQ(st.members, 2);
    auto empties = coord->list_groups({group_state::empty});
    ASSERT_EQ(empties.size(), 1u);
    EXPECT_EQ(empties[0].group_id, "standalone");
    EXPECT_EQ(parse_group_state("stable"), group_state::stable);
    EXPECT_EQ(parse_group_state("CompletingRebalance"), group_state::completing_rebalance);
    EXPECT_EQ(parse_group_state("bogus"), std::nullopt);

    auto del = coord->delete_groups({kGroup, "standalone", "nope", ""});
    ASSERT_EQ(del.size(), 4u);
    EXPECT_EQ(del[0].error, error_code::non_empty_group);
    EXPECT_EQ(del[1].error, error_code::none);
    EXPECT_EQ(del[2].error, error_code::group_id_not_found);
    EXPECT_EQ(del[3].error, error_code::invalid_group_id);
    EXPECT_EQ(coord->find_group("standalone"), nullptr);
    EXPECT_EQ(fetched(tp("t", 0), "standalone"), -1);
    // Tombstones for the offset and the group.
    const auto& last = log.calls.back().records;
    ASSERT_EQ(last.size(), 2u);
    EXPECT_FALSE(last[0].value.has_value());
    EXPECT_TRUE(
        std::holds_alternative<group_metadata_key>(*decode_offsets_record_key(last[1].key)));
    EXPECT_EQ(coord->delete_groups({"standalone"})[0].error, error_code::group_id_not_found);
}

TEST_F(offsets, replay_rebuilds_offsets_and_groups) {
    // Build state through the API, then replay the log into a new coordinator.
    auto ids = stable_group({"a", "b"});
    commit(ids[0], 1, {{tp("clicks", 0), 100, 2, "x"}, {tp("clicks", 1), 200, 2, ""}});
    commit(ids[0], 1, {{tp("clicks", 0), 150, 3, "y"}});
    commit("", -1, {{tp("t", 0), 1, -1, {}}}, {}, "gone");
    coord->delete_groups({"gone"});
    commit("", -1, {{tp("t", 0), 7, -1, {}}}, {}, "solo");

    auto records = log.all_records();
    records.push_back({to_bytes("garbage"), to_bytes("x")});  // skipped, not fatal
    group_coordinator fresh(config, clock, nullptr);
    auto sum = fresh.load(records);
    EXPECT_EQ(sum.skipped, 1);
    EXPECT_GT(sum.offsets, 0);
    EXPECT_GT(sum.groups, 0);

    auto f = fresh.fetch_offsets({kGroup, std::nullopt});
    ASSERT_EQ(f.partitions.size(), 2u);
    EXPECT_EQ(f.partitions[0].offset, 150);
    EXPECT_EQ(f.partitions[0].leader_epoch, 3);
    EXPECT_EQ(f.partitions[0].metadata, "y");
    EXPECT_EQ(f.partitions[1].offset, 200);
    EXPECT_EQ(fresh.find_group("gone"), nullptr);
    EXPECT_EQ(fresh.fetch_offsets({"solo", std::nullopt}).partitions.at(0).offset, 7);

    auto d = fresh.describe_group(kGroup);
    EXPECT_EQ(d.state, "Stable");
    EXPECT_EQ(d.protocol, "range");
    ASSERT_EQ(d.members.size(), 2u);
    EXPECT_EQ(d.members[0].member_id, ids[0]);
    EXPECT_EQ(d.members[1].assignment, to_bytes("assign-b"));
    EXPECT_EQ(fresh.find_group(kGroup)->leader_id(), ids[0]);
    // Members carry on with the restored generation...
    clock.advance_ms(5000);
    EXPECT_EQ(fresh.heartbeat({kGroup, 1, ids[0], {}}), error_code::none);
    // ...and b, silent since the restart, expires after its session.
    clock.advance_ms(5000);
    fresh.tick();
    EXPECT_FALSE(fresh.find_group(kGroup)->has(ids[1]));
    EXPECT_EQ(fresh.find_group(kGroup)->state(), group_state::preparing_rebalance);
}

TEST_F(offsets, replay_applies_tombstones_in_order) {
    auto key = [](const std::string& g, int32_t p) {
        return encode_offset_commit_key({g, "clicks", p});
    };
    auto val = [](int64_t o) { return encode_offset_commit_value({o, -1, "", 1000, -1}); };
    std::vector<offsets_record> recs = {
        {key("g1", 0), val(1)},
        {key("g1", 1), val(2)},
        {key("g1", 0), std::nullopt},  // deletes p0
        {key("g1", 1), val(3)},        // newer p1
        {key("g2", 0), val(9)},
        {key("g2", 0), std::nullopt},  // g2 ends with nothing
        {encode_group_metadata_key({"g3"}),
         encode_group_metadata_value({"consumer", 4, std::nullopt, std::nullopt, 500, {}})},
    };
    group_coordinator fresh(config, clock, nullptr);
    auto sum = fresh.load(recs);
    EXPECT_EQ(sum.offsets, 6);
    EXPECT_EQ(sum.groups, 1);
    auto f = fresh.fetch_offsets({"g1", std::nullopt});
    ASSERT_EQ(f.partitions.size(), 1u);
    EXPECT_EQ(f.partitions[0].tp, tp("clicks", 1));
    EXPECT_EQ(f.partitions[0].offset, 3);
    EXPECT_EQ(fresh.find_group("g2"), nullptr);
    const auto* g3 = fresh.find_group("g3");
    ASSERT_NE(g3, nullptr);
    EXPECT_EQ(g3->state(), group_state::empty);
    EXPECT_EQ(g3->generation(), 4);
    EXPECT_EQ(g3->state_timestamp_ms(), 500);
    EXPECT_EQ(g3->protocol_type(), "consumer");
}

}  // namespace
}  // namespace cs::group::testing
