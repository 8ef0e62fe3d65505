#pragma once

// The transaction coordinator (Kafka's TransactionCoordinator) for the one
// node: transactional ids, their producer ids and epochs, and the two-phase
// end of each transaction.
//
//   InitProducerId(id)   gives the id's producer id and a new epoch (fencing
//                        the previous producer of the id); an open
//                        transaction of the old epoch is aborted first.
//   AddPartitionsToTxn,  put partitions / a consumer group into the open
//   AddOffsetsToTxn      transaction (it opens with the first of them).
//   TxnOffsetCommit      keeps offsets that the group receives on commit.
//   EndTxn(commit|abort) PrepareCommit/PrepareAbort is made durable and the
//                        client answered (Kafka's order); then a commit or
//                        abort marker is written to every partition of the
//                        transaction and, on commit, the offsets become the
//                        groups' committed offsets; then CompleteCommit/
//                        CompleteAbort. The id's next request waits until
//                        markers and offsets are durable and the Complete
//                        record written (the id is busy meanwhile).
//
//   DescribeTransactions, ListTransactions (KIP-664) read the ids' state.
//
// A transaction open longer than its timeout is aborted by the coordinator
// (its epoch bumped, so the late producer is fenced), as Kafka does.
//
// State is durable in the internal compacted topic __transaction_state
// (created with the first transactional producer)
// (txn/txn_records.h), replayed at start-up: a transaction found prepared is
// completed then, an open one keeps running (or times out).
//
// Threading: the coordinator's state lives on its own thread (serial
// executor, "cs:txn"); request entry points post there and answer through
// their callbacks. The requests of one transactional id run one after
// another: one that arrives while a write of the id is in flight waits for
// it (librdkafka sends AddPartitionsToTxn and TxnOffsetCommit at once, on
// two connections) instead of failing with CONCURRENT_TRANSACTIONS. check_produce() and
// has_pending_offsets() may be called from any thread: they read a view published under a mutex.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "broker/serial_executor.h"
#include "broker/txn/txn_metadata.h"
#include "protocol/error_code.h"
#include "protocol/messages/add_offsets_to_txn.h"
#include "protocol/messages/add_partitions_to_txn.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/end_txn.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/list_transactions.h"
#include "protocol/messages/txn_offset_commit.h"

namespace cs::broker {

class broker_state;

inline constexpr const char* kTransactionStateTopic = "__transaction_state";

struct txn_counters {
    int64_t committed = 0;
    int64_t aborted = 0;
    int64_t timed_out = 0;  // of the aborted: by the coordinator (transaction.timeout.ms)
    int64_t open = 0;       // transactions open now
};

class txn_service {
  public:
    explicit txn_service(broker_state& broker);
    ~txn_service();
    txn_service(const txn_service&) = delete;
    txn_service& operator=(const txn_service&) = delete;

    // Replays __transaction_state if it exists, aborts what
    // partitions hold open for producers the coordinator no longer knows, and
    // (asynchronously) completes prepared transactions.
    status start();
    void stop();
    // Aborts timed-out transactions, forgets idle ids.
    void tick();

    using init_callback = std::function<void(kafka::error_code, int64_t pid, int16_t epoch)>;
    using error_callback = std::function<void(kafka::error_code)>;

    void init_producer_id(kafka::init_producer_id_request req, int16_t version, init_callback done);
    void add_partitions(kafka::add_partitions_to_txn_request req, int16_t version,
                        std::function<void(kafka::add_partitions_to_txn_response)> done);
    void add_offsets(kafka::add_offsets_to_txn_request req, int16_t version, error_callback done);
    void end_txn(kafka::end_txn_request req, int16_t version, error_callback done);
    // The group coordinator has checked the member and generation already.
    void txn_offset_commit(kafka::txn_offset_commit_request req,
                           std::function<void(kafka::txn_offset_commit_response)> done);

    // DescribeTransactions / ListTransactions (KIP-664): the coordinator's
    // state as it stands (a transaction being ended shows as prepared),
    // answered on its thread without waiting for the ids' writes.
    void describe(std::vector<std::string> ids,
                  std::function<void(kafka::describe_transactions_response)> done);
    void list(kafka::list_transactions_request req,
              std::function<void(kafka::list_transactions_response)> done);

    // Any thread. For a transactional batch of (pid, epoch) to tp: none when
    // tp is in the producer's open transaction.
    kafka::error_code check_produce(int64_t pid, int16_t epoch,
                                    const kafka::topic_partition& tp) const;
    // Any thread. Whether an open or committing transaction holds offsets
    // for the group's partition (OffsetFetch with require_stable).
    bool has_pending_offsets(const std::string& group, const kafka::topic_partition& tp) const;
    txn_counters counters() const;

  private:
    using txn_metadata = txn::txn_metadata;

    // --- on the coordinator thread ---
    txn_metadata* find(const std::string& id);
    // The error for a request of (pid, epoch) on m, none when it may go on.
    kafka::error_code check_producer(const txn_metadata* m, int64_t pid, int16_t epoch,
                                     bool producer_fenced_supported) const;
    // Runs task on the coordinator thread, after the id's writes in flight.
    void on_id(const std::string& id, std::function<void()> task);
    // Runs task now, or after the id's writes in flight complete.
    void run_for(const std::string& id, std::function<void()> task);
    void acquire(const std::string& id);
    void release(const std::string& id);
    bool busy(const std::string& id) const;
    // Writes m's record; `done` runs on the coordinator thread once durable.
    void persist(const txn_metadata& m, std::function<void(status)> done);
    // Makes `next` the id's state once durable, then calls done(none), or
    // done(error) with the state unchanged.
    void update(txn_metadata next, error_callback done);
    // Prepare (durably) then complete m's transaction, on the coordinator
    // thread: `prepared` once the prepared state is durable (or with the
    // error that stopped it), `completed` (optional) once complete or with
    // the error that stopped the completion. The id stays busy until then.
    void end(const std::string& id, bool commit, error_callback prepared,
             error_callback completed = {});
    // Markers + offsets of a prepared transaction, then its Complete state.
    // only_open (recovery): markers only where the producer's transaction is
    // still open, as a marker may have been written before.
    void complete(const std::string& id, bool only_open, error_callback done);
    void abort_timed_out();
    void expire_ids();
    // Creates __transaction_state unless it exists (blocking: once).
    status ensure_topic();
    status load();
    status abort_orphans();
    void publish(const txn_metadata& m);
    int64_t now() const;

    broker_state& broker_;
    serial_executor exec_{"cs:txn"};
    std::map<std::string, txn_metadata> txns_;  // coordinator thread only
    // Requests of one transactional id run one at a time: while a write or
    // an end is in flight for it (busy_ counts them), later requests wait
    // in waiting_ and run in order when it completes.
    std::map<std::string, int> busy_;
    std::map<std::string, std::deque<std::function<void()>>> waiting_;

    // Published for other threads (view_mu_).
    struct producer_view {
        int16_t epoch = 0;
        txn::txn_state state = txn::txn_state::empty;
        std::set<kafka::topic_partition> partitions;
    };
    mutable std::mutex view_mu_;
    std::unordered_map<int64_t, producer_view> by_pid_;
    std::map<std::string, int64_t> pid_of_;  // transactional id -> its pid in by_pid_
    // transactional id -> group -> partitions with pending offsets
    std::map<std::string, std::map<std::string, std::set<kafka::topic_partition>>> pending_;

    std::atomic<int64_t> committed_{0};
    std::atomic<int64_t> aborted_{0};
    std::atomic<int64_t> timed_out_{0};
    bool topic_ready_ = false;  // coordinator thread (start() before it runs)
    bool stopped_ = false;
};

}  // namespace cs::broker
