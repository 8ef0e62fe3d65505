#pragma once

// Shared fixtures for the group coordinator tests: an in-memory offset_log
// that can hold completions back, and helpers that capture asynchronous
// JoinGroup / SyncGroup / OffsetCommit responses.

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "broker/group/group_coordinator.h"

namespace cs::kafka {
// Readable failure messages: "27" instead of a byte dump.
inline void PrintTo(error_code e, std::ostream* os) {
    *os << static_cast<int>(e);
}
}  // namespace cs::kafka

namespace cs::group::testing {

inline bytes to_bytes(std::string_view s) {
    auto b = as_bytes(s);
    return bytes(b.begin(), b.end());
}

class fake_offset_log final : public offset_log {
  public:
    struct call {
        int32_t partition;
        std::vector<offsets_record> records;
    };

    void append(int32_t partition, std::vector<offsets_record> records,
                std::function<void(status)> done) override {
        calls.push_back({partition, records});
        if (hold) {
            held.push_back(std::move(done));
            return;
        }
        done(answer);
    }

    // Completes every held append with `s`.
    void release(status s = status::success()) {
        auto pending = std::move(held);
        held.clear();
        for (auto& d : pending) {
            d(s);
        }
    }

    // Every record ever appended, in order (what a replay would read).
    std::vector<offsets_record> all_records() const {
        std::vector<offsets_record> out;
        for (const auto& c : calls) {
            out.insert(out.end(), c.records.begin(), c.records.end());
        }
        return out;
    }

    std::vector<call> calls;
    bool hold = false;
    status answer = status::success();
    std::vector<std::function<void(status)>> held;
};

template <class T>
using capture = std::shared_ptr<std::optional<T>>;

class group_fixture : public ::testing::Test {
  protected:
    static constexpr const char* kGroup = "g";

    void make(coordinator_config cfg) {
        config = cfg;
        coord = std::make_unique<group_coordinator>(config, clock, &log);
    }
    // Default: a 1 s initial rebalance delay, so members joining together form
    // one generation. Tests of other settings call make() again.
    void SetUp() override {
        coordinator_config cfg;
        cfg.initial_rebalance_delay_ms = 1000;
        make(cfg);
    }

    static std::vector<join_protocol> protocols(std::vector<std::string> names,
                                                const std::string& who = "x") {
        std::vector<join_protocol> out;
        for (auto& n : names) {
            out.push_back({n, to_bytes(n + "-meta-" + who)});
        }
        return out;
    }

    join_group_request join_req(const std::string& client, const std::string& member_id = "",
                                int16_t version = 5) {
        join_group_request r;
        r.version = version;
        r.group_id = kGroup;
        r.session_timeout_ms = 10000;
        r.rebalance_timeout_ms = 30000;
        r.member_id = member_id;
        r.protocol_type = "consumer";
        r.protocols = protocols({"range", "roundrobin"}, client);
        r.client_id = client;
        r.client_host = "/127.0.0.1";
        return r;
    }

    capture<join_group_response> join(join_group_request r) {
        auto out = std::make_shared<std::optional<join_group_response>>();
        coord->join_group(std::move(r), [out](join_group_response resp) {
            EXPECT_FALSE(out->has_value()) << "join callback called twice";
            *out = std::move(resp);
        });
        return out;
    }

    // v4+ two-step join of a new dynamic member; returns its (waiting) join.
    capture<join_group_response> join_new(const std::string& client, std::string* member_id,
                                          join_group_request base = {}) {
        if (base.group_id.empty()) {
            base = join_req(client);
        }
        auto first = join(base);
        EXPECT_TRUE(first->has_value());
        EXPECT_EQ((*first)->error, error_code::member_id_required);
        *member_id = (*first)->member_id;
        base.member_id = *member_id;
        return join(base);
    }

    capture<sync_group_response> sync(const std::string& member_id, int32_t generation,
                                      std::vector<sync_group_assignment> assignments = {}) {
        sync_group_request r;
        r.group_id = kGroup;
        r.generation_id = generation;
        r.member_id = member_id;
        r.assignments = std::move(assignments);
        auto out = std::make_shared<std::optional<sync_group_response>>();
        coord->sync_group(std::move(r), [out](sync_group_response resp) {
            EXPECT_FALSE(out->has_value()) << "sync callback called twice";
            *out = std::move(resp);
        });
        return out;
    }

    error_code heartbeat(const std::string& member_id, int32_t generation,
                         std::optional<std::string> instance = std::nullopt) {
        return coord->heartbeat({kGroup, generation, member_id, std::move(instance)});
    }

    group_state state() const {
        const auto* g = coord->find_group(kGroup);
        return g == nullptr ? group_state::dead : g->state();
    }

    // Forms a Stable group of dynamic members (joined in this order, each via
    // MEMBER_ID_REQUIRED) with the leader assigning "assign-<client>".
    std::vector<std::string> stable_group(const std::vector<std::string>& clients) {
        // Everyone joins within the initial delay, so one rebalance takes them all.
        std::vector<std::string> ids(clients.size());
        std::vector<capture<join_group_response>> joins;
        for (size_t i = 0; i < clients.size(); ++i) {
            joins.push_back(join_new(clients[i], &ids[i]));
        }
        for (int i = 0; i < 40 && !(*joins[0]).has_value(); ++i) {
            clock.advance_ms(1000);
            coord->tick();
        }
        std::vector<sync_group_assignment> assignment;
        for (size_t i = 0; i < clients.size(); ++i) {
            EXPECT_TRUE(joins[i]->has_value());
            EXPECT_EQ((*joins[i])->error, error_code::none);
            assignment.push_back({ids[i], to_bytes("assign-" + clients[i])});
        }
        int32_t gen = (*joins[0])->generation_id;
        std::vector<capture<sync_group_response>> syncs;
        for (size_t i = 1; i < clients.size(); ++i) {
            syncs.push_back(sync(ids[i], gen));
        }
        syncs.push_back(sync(ids[0], gen, assignment));
        for (auto& s : syncs) {
            EXPECT_TRUE(s->has_value());
            EXPECT_EQ((*s)->error, error_code::none);
        }
        EXPECT_EQ(state(), group_state::stable);
        return ids;
    }

    static join_group_request with_instance_id(join_group_request r, const std::string& id) {
        r.group_instance_id = id;
        return r;
    }

    // Lets the initial rebalance delay (and its extensions) run out.
    void settle() {
        for (int i = 0; i < 40 && state() == group_state::preparing_rebalance; ++i) {
            clock.advance_ms(1000);
            coord->tick();
        }
    }

    int32_t generation() const { return coord->find_group(kGroup)->generation(); }

    manual_clock clock;
    fake_offset_log log;
    coordinator_config config;
    std::unique_ptr<group_coordinator> coord;
};

}  // namespace cs::group::testing
