#pragma once

// The consumer-group coordinator for Kafka's classic group protocol
// (JoinGroup/SyncGroup/Heartbeat/LeaveGroup) and committed offsets, modelled
// on Apache Kafka's GroupCoordinator: states Empty -> PreparingRebalance ->
// CompletingRebalance -> Stable (and Dead), generations, protocol selection,
// MEMBER_ID_REQUIRED for v4+ joins, static membership with fencing, the
// initial rebalance delay, session and rebalance timeouts.
//
// Pure logic: no sockets, no threads, no timers of its own. Time comes from the
// injected clock; the broker calls tick() periodically (tests call it after
// advancing a manual_clock) to expire sessions, pending members, rebalance
// timeouts, the initial delay and old offsets.
//
// Threading: NOT thread-safe and holds no lock. Every call, including the
// offset_log's completion callbacks, must happen on one thread/strand; the
// broker serializes them.
//
// Completion: JoinGroup, SyncGroup and OffsetCommit answer through callbacks,
// which may be held until a rebalance completes or an append is durable. A
// callback is never invoked while the coordinator's state is half-updated:
// completions are queued and run at the end of the public call (or of the
// tick / durability callback) that produced them, so a callback may call back
// into the coordinator. Every callback is invoked exactly once, except for
// those still waiting when the coordinator is destroyed (they are dropped).
// The offset_log must not complete an append after the coordinator is gone:
// the broker stops the log's completions before destroying the coordinator.
//
// Durability: offset commits and group metadata are written to
// __consumer_offsets through offset_log (records from offsets_records.h); a
// commit is acknowledged only after its append is durable, and the leader's
// assignment is handed out only after the group record is. load() replays the
// topic at start-up. With no offset_log, state is in memory only.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "broker/group/group_metadata.h"
#include "broker/group/offset_log.h"
#include "broker/group/offsets_records.h"
#include "broker/group/types.h"

namespace cs::group {

// Kafka's broker properties of the same meaning (names in the comments).
struct coordinator_config {
    int32_t min_session_timeout_ms = 6000;        // group.min.session.timeout.ms
    int32_t max_session_timeout_ms = 1800000;     // group.max.session.timeout.ms
    int32_t initial_rebalance_delay_ms = 3000;    // group.initial.rebalance.delay.ms
    int32_t new_member_join_timeout_ms = 300000;  // Kafka's fixed NewMemberJoinTimeoutMs
    int64_t offsets_retention_ms = 7LL * 24 * 60 * 60 * 1000;  // offsets.retention.minutes
    int64_t offsets_retention_check_interval_ms = 600000;  // offsets.retention.check.interval.ms
    int32_t offset_metadata_max_bytes = 4096;              // offset.metadata.max.bytes
    int32_t offsets_topic_num_partitions = 50;             // offsets.topic.num.partitions
    int32_t group_max_size = 2147483647;                   // group.max.size
};

struct load_summary {
    int64_t offsets = 0;  // offset records applied (including tombstones)
    int64_t groups = 0;   // group metadata records applied (including tombstones)
    int64_t skipped = 0;  // records that failed to decode or had unknown versions
};

class group_coordinator {
  public:
    // `log` may be null (in-memory only); otherwise it must outlive the coordinator.
    group_coordinator(coordinator_config config, cs::clock& clock, offset_log* log);
    group_coordinator(const group_coordinator&) = delete;
    group_coordinator& operator=(const group_coordinator&) = delete;

    void join_group(join_group_request req, join_group_callback done);
    void sync_group(sync_group_request req, sync_group_callback done);
    error_code heartbeat(const heartbeat_request& req);
    leave_group_response leave_group(const leave_group_request& req);

    void commit_offsets(offset_commit_request req, offset_commit_callback done);
    // TxnOffsetCommit v3+ names the consumer's member and generation (KIP-447):
    // a zombie of an earlier generation is refused before its offsets join a
    // transaction. none when they match, or when the request names no member.
    error_code check_txn_offset_commit(const offset_commit_request& req) const;
    // The offsets of a committed transaction become the group's committed
    // offsets (Kafka: the commit marker in __consumer_offsets), whatever the
    // group's membership is now; the group is created if need be.
    void commit_transactional_offsets(offset_commit_request req, offset_commit_callback done);
    offset_fetch_response fetch_offsets(const offset_fetch_request& req) const;

    described_group describe_group(const std::string& group_id) const;
    // All groups, by id; only those in `states` when it is not empty.
    std::vector<listed_group> list_groups(const std::vector<group_state>& states = {}) const;
    std::vector<delete_group_result> delete_groups(const std::vector<std::string>& group_ids);

    // A deleted topic's committed offsets go with it (Kafka's
    // onPartitionsDeleted): every group's offsets of the topic are removed
    // (tombstones in __consumer_offsets), and a group left Empty without
    // offsets is removed, so a consumer of a re-created topic of the same
    // name starts from auto.offset.reset, not from the old offsets.
    void remove_topic_offsets(const std::string& topic);

    // Expires sessions and pending members, completes timed-out rebalances and
    // initial delays, and (every offsets_retention_check_interval_ms) drops
    // expired offsets and empty groups without offsets.
    void tick();

    // Replays __consumer_offsets records in log order (a partition at a time,
    // before serving requests): rebuilds committed offsets (tombstones delete)
    // and groups with their generation, protocol and members (as Stable, their
    // sessions restarting now). Undecodable records are skipped and counted.
    load_summary load(std::span<const offsets_record> records);

    // The __consumer_offsets partition that stores this group.
    int32_t partition_for(std::string_view group_id) const;

    coordinator_stats stats() const;
    // For tests and status pages; nullptr when the group does not exist.
    const group_metadata* find_group(const std::string& group_id) const;

  private:
    using group_ptr = std::unique_ptr<group_metadata>;

    group_metadata* find(const std::string& group_id) const;
    group_metadata& get_or_create(const std::string& group_id);
    int64_t now() const { return clock_.monotonic_ms(); }
    int64_t wall() const { return clock_.now_ms(); }

    // --- membership (group_coordinator.cc: JoinGroup and rebalancing;
    //     group_coordinator_members.cc: SyncGroup, Heartbeat, LeaveGroup, timers) ---
    void do_new_member_join(group_metadata& g, join_group_request& req, join_group_callback& done);
    void do_current_member_join(group_metadata& g, join_group_request& req,
                                join_group_callback& done);
    void update_static_member_and_rebalance(group_metadata& g, const std::string& old_id,
                                            const std::string& new_id, join_group_request& req,
                                            join_group_callback& done);
    void add_member_and_rebalance(group_metadata& g, join_group_request& req,
                                  const std::string& member_id, join_group_callback& done);
    void update_member_and_rebalance(group_metadata& g, member_metadata& m, join_group_request& req,
                                     join_group_callback& done);
    bool accept_joining_member(const group_metadata& g, const std::string& member_id) const;
    void maybe_prepare_rebalance(group_metadata& g, const std::string& reason);
    void prepare_rebalance(group_metadata& g, const std::string& reason);
    void try_complete_join(group_metadata& g);
    void on_initial_delay_expired(group_metadata& g);
    void on_complete_join(group_metadata& g);
    void remove_member_and_update_group(group_metadata& g, const std::string& member_id,
                                        const std::string& reason);
    void remove_pending_member_and_update_group(group_metadata& g, const std::string& member_id);
    void reset_and_propagate_assignment_error(group_metadata& g, error_code err);
    void set_and_propagate_assignment(group_metadata& g,
                                      const std::map<std::string, bytes>& assignment);
    void schedule_heartbeat(member_metadata& m);
    void invoke_join(member_metadata& m, join_group_response resp);
    void invoke_sync(member_metadata& m, sync_group_response resp);
    join_group_response current_generation_response(const group_metadata& g,
                                                    const member_metadata& m,
                                                    bool with_members) const;
    void expire_members(group_metadata& g);
    std::string generate_member_id(const std::string& client_id);

    // --- persistence and offsets (group_coordinator_offsets.cc; replay in
    //     group_coordinator_admin.cc) ---
    // Writes the group's metadata record (members with `assignment`, or their
    // current assignments when null) and calls done with the mapped error.
    void store_group(group_metadata& g, const std::map<std::string, bytes>* assignment,
                     std::function<void(error_code)> done);
    void append(const std::string& group_id, std::vector<offsets_record> records,
                std::function<void(status)> done);
    void do_commit(group_metadata& g, offset_commit_request& req, offset_commit_callback& done);
    void expire_offsets();
    // Removes the offsets of g that `gone` selects (tombstones appended) and
    // kills g when that leaves it Empty with nothing; true if g died.
    bool remove_offsets(const std::string& id, group_metadata& g,
                        const std::vector<kafka::topic_partition>& gone);
    void apply_group_record(const std::string& group_id, const group_metadata_value* value);

    // Queues a completion; run by flush() when the outermost call is done.
    void post(std::function<void()> fn) { ready_.push_back(std::move(fn)); }
    void flush();
    // Marks a public call (or an asynchronous log completion) in progress;
    // the outermost one drains the queue on exit.
    struct flush_on_exit {
        explicit flush_on_exit(group_coordinator& coord) : c(coord) { ++c.depth_; }
        ~flush_on_exit() {
            if (--c.depth_ == 0) {
                c.flush();
            }
        }
        flush_on_exit(const flush_on_exit&) = delete;
        flush_on_exit& operator=(const flush_on_exit&) = delete;
        group_coordinator& c;
    };

    coordinator_config config_;
    cs::clock& clock_;
    offset_log* log_;
    std::map<std::string, group_ptr> groups_;
    std::deque<std::function<void()>> ready_;
    bool flushing_ = false;
    int depth_ = 0;  // nesting of flush_on_exit
    std::mt19937_64 rng_;
    int64_t next_retention_check_ms_;
    int64_t rebalances_completed_ = 0;
    int64_t offsets_committed_ = 0;
    int64_t offsets_expired_ = 0;
};

}  // namespace cs::group
