#pragma once

// Runs one persistent query (query_plan): a consumer group reads the source
// stream; each record is decoded, joined against in-memory tables, filtered,
// projected, encoded and produced to the sink topic. A record that fails at
// any step (decode, key evaluation, WHERE, projection, encode, a producer
// refusal) goes to the query's dead-letter topic instead, with its original
// key, value and headers plus headers naming the error (dlq_header_*).
//
// Delivery is at least once by default: processed offsets are stored after
// each batch and committed every commit_interval (as Kafka Streams does),
// only after every output and DLQ record sent so far is acknowledged
// (deliver_and_commit(), the single commit path). Meanwhile the next batches
// are read, processed and sent: the runner does not wait for
// acknowledgements per batch. A delivery failure stops the query in state
// failed without committing, so the uncommitted records are read again by
// whoever owns the partitions next; a crash repeats at most a commit
// interval's output. A commit the group refuses (mid-rebalance) is logged;
// the offsets stay stored for the next commit.
//
// With processing_guarantee::exactly_once_v2 (ksqlDB's
// processing.guarantee=exactly_once_v2) the output and DLQ records and the
// input offsets are committed together in one Kafka transaction
// (query_runner_txn.cc): a transaction begins with the first batch after a
// commit, and the same commit points end it (send_offsets_to_transaction
// with the group's metadata, then commit_transaction). The input is read
// read_committed through librdkafka, the output written by librdkafka's
// transactional producer. An abortable failure aborts the transaction and
// rewinds the input to the committed offsets, so the aborted input is
// processed again; a fatal one (fenced) stops the query; a refused record
// stops it as at least once does, with its transaction aborted.
//
// A stream record with a null value (a tombstone) passes through a
// projection and PARTITION BY as a record with a null value (the key as
// computed from the record key, the record's timestamp), as in ksqlDB; a
// query with WHERE or a join, or a source with a TIMESTAMP column, skips it
// (counters().skipped), as ksqlDB drops it there.
//
// A stream record whose join key is NULL is dropped by LEFT JOIN as by
// INNER JOIN, as in ksqlDB (ksql#2657, which logs it): counted in
// counters().filtered and join_misses, not sent to the DLQ (it is no error).
//
// GROUP BY (plan.aggregate) is run by query_runner_aggregate.cc: the
// repartition topic, per-partition state with its changelog topic, windows.
// Stream-stream and table-table joins (plan.two_source) by
// query_runner_join.cc: both topics in one group, state per partition; a
// stream joined on anything but its key goes through a repartition topic
// first (query_runner_repartition.cc).
//
// Differences from ksqlDB, on purpose:
//   - tables are loaded to their high watermark before the first stream
//     record is read (ksqlDB starts at once and joins see NULLs);
//   - table look-ups use the table's latest state, not the one as of the
//     stream record's timestamp.
//
// Threading: create() and prepare() on any thread; after that, step() on
// one thread at a time; or start() runs prepare() and step() on its own
// thread until stop(). counters() and state() may be read from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "client/admin.h"
#include "client/consumer.h"
#include "client/producer.h"
#include "client/settings.h"
#include "streams/query_plan.h"
#include "streams/serde.h"
#include "streams/table_store.h"

namespace cs::streams {

// One group's aggregation state (query_runner_aggregate.cc).
struct aggregate_group;

// DLQ record headers (after the original record's headers).
inline constexpr std::string_view dlq_header_error = "__streams.error.message";
inline constexpr std::string_view dlq_header_stage = "__streams.error.stage";
inline constexpr std::string_view dlq_header_topic = "__streams.error.topic";
inline constexpr std::string_view dlq_header_partition = "__streams.error.partition";
inline constexpr std::string_view dlq_header_offset = "__streams.error.offset";
inline constexpr std::string_view dlq_header_query = "__streams.error.query";
// A table aggregation's repartition records: "add", "subtract" or
// "subtract-quiet" (query_runner_table_agg.cc).
inline constexpr std::string_view table_change_header = "__streams.table.change";

// A join's repartition topic of side 0 (left) or 1 (right), as ksqlDB names
// it: <group>-LeftSourceKeyed-SelectKey-repartition.
std::string join_repartition_topic(std::string_view group, int side);

// ksqlDB's consumer group of a persistent query:
// "_confluent-ksql-" + service id + "query_" + query id, where the default
// service id is "default_".
std::string query_group_id(std::string_view service_id, std::string_view query_id);

// ksqlDB's processing.guarantee (also ksql.streams.processing.guarantee).
enum class processing_guarantee { at_least_once, exactly_once_v2 };

// "at_least_once", "exactly_once_v2", or "exactly_once" (Kafka's deprecated
// name, run as v2 as Kafka Streams 3 does); anything else is an error naming
// `key` and the allowed values.
result<processing_guarantee> parse_processing_guarantee(std::string_view key,
                                                        std::string_view value);

// A transient query (a bare SELECT, transient_query.h) run by the runner:
// no topic is created and nothing is produced or committed. The source's
// partitions are assigned (no group membership) at offsets measured in
// prepare(): the low watermarks (from_beginning) or the high ones; with
// to_end the query ends at the high watermarks measured there (a pull
// query's scan). Each result row goes to emit(); a record that fails
// (decode, evaluation) is counted in counters().dlq and logged instead of
// going to a dead-letter topic. GROUP BY keeps its state in memory for the
// query's life (no changelog, no repartition topic: this one consumer
// reads every partition), see query_runner_aggregate.cc.
struct transient_output {
    bool from_beginning = false;
    bool to_end = false;
    // One row (the plan's sink columns in order), or, reading a TABLE or
    // aggregating, an empty row when the record's key (group) leaves the
    // result (a tombstone, a row WHERE or HAVING drops). m is the source
    // record. Returns false to end.
    std::function<bool(const client::message& m, std::span<const value* const> row)> emit;
};

struct runner_options {
    std::string service_id = "default_";  // ksql.service.id
    // Where a new group starts: ksqlDB's default is latest.
    std::string auto_offset_reset = "latest";
    size_t max_batch = 5000;
    std::chrono::milliseconds poll_timeout{100};
    std::chrono::milliseconds flush_timeout{std::chrono::seconds(60)};
    // How often processed input is committed (ksql.streams.commit.interval.ms,
    // ksqlDB's default 2000). Output is sent as it is produced; a commit
    // first waits until every output record so far is acknowledged. A query
    // also commits when a poll finds nothing new, before a rebalance takes
    // partitions away, and on stop().
    std::chrono::milliseconds commit_interval{2000};
    std::chrono::milliseconds table_load_timeout{std::chrono::minutes(10)};
    // Read the source with our own fetcher (client::consumer_options), where
    // the settings allow it; librdkafka keeps the group and the commits.
    bool builtin_fetch = true;
    // Write the output and the DLQ with our own Produce path
    // (client::producer_options), where the settings allow it.
    bool builtin_produce = true;
    timestamp_parser parse_timestamp;  // for the source's TIMESTAMP_FORMAT
    processing_guarantee guarantee = processing_guarantee::at_least_once;
    // Set: a transient query (see transient_output).
    std::shared_ptr<transient_output> transient;
};

struct query_counters {
    std::atomic<uint64_t> consumed{0};
    std::atomic<uint64_t> produced{0};  // acknowledged output records
    std::atomic<uint64_t> dlq{0};       // acknowledged DLQ records
    // WHERE false/NULL, INNER JOIN misses, NULL join keys (in a table query
    // a row WHERE drops is a tombstone: produced)
    std::atomic<uint64_t> filtered{0};
    std::atomic<uint64_t> skipped{0};  // null values dropped (WHERE, join, TIMESTAMP column)
    std::atomic<int64_t> lag{0};       // records behind the high watermarks
    std::atomic<uint64_t> batches{0};
    // exactly_once_v2: transactions committed, and aborted (their input was
    // read again, so consumed, filtered, skipped and join_misses count it
    // again; produced and dlq count committed records only).
    std::atomic<uint64_t> txn_committed{0};
    std::atomic<uint64_t> txn_aborted{0};
    std::vector<std::unique_ptr<std::atomic<uint64_t>>> join_misses;  // per join step
};

enum class query_state { created, loading_tables, running, stopped, failed };
const char* query_state_name(query_state s);

class query_runner {
  public:
    // tables: one reader per plan.joins entry, in the same order (readers may
    // be shared by several queries). Checks the plan's shape and formats.
    static result<std::unique_ptr<query_runner>> create(
        query_plan plan, std::vector<std::shared_ptr<table_reader>> tables,
        const client::client_settings& settings, runner_options options = {});
    ~query_runner();
    query_runner(const query_runner&) = delete;
    query_runner& operator=(const query_runner&) = delete;

    // Creates the sink and DLQ topics when missing (an existing sink topic
    // with another partition count than the plan asks for is an error),
    // waits for the tables' load barrier, then joins the consumer group.
    status prepare();
    // One batch: poll, process, and commit what was processed when the
    // commit interval has passed or the poll found nothing new. Returns the
    // number of records read (0 when none arrived within the poll timeout).
    result<size_t> step();

    // prepare() and step() on a thread of the runner's own, until stop().
    void start();
    // Stops the thread (if any), commits what was processed, leaves the
    // group. Idempotent.
    void stop();
    // Ends the query as a crash would, for recovery tests: stops the thread,
    // leaves the group, and destroys the producer without committing or
    // aborting (an open transaction stays open on the broker until its
    // transaction.timeout.ms). State stopped.
    void abandon();

    const query_plan& plan() const { return plan_; }
    const query_counters& counters() const { return counters_; }
    query_state state() const { return state_.load(); }
    // The error that ended the query (state failed), else empty.
    std::string last_error() const;
    const std::string& group_id() const { return group_id_; }
    // A transient query reached its end offsets or emit() returned false.
    bool finished() const { return finished_; }
    processing_guarantee guarantee() const { return options_.guarantee; }

  private:
    query_runner() = default;
    struct batch_state {
        uint64_t outputs = 0;    // sent to the sink in this batch
        uint64_t dlq = 0;        // sent to the DLQ in this batch
        uint64_t regrouped = 0;  // sent to GROUP BY's repartition topic in this batch
        std::vector<std::shared_lock<std::shared_mutex>> locks;
    };
    void process_batch(std::span<const client::message> batch, batch_state& b);
    // process_batch with every joined table's read lock held.
    void process_under_table_locks(std::span<const client::message> batch, batch_state& b);
    void decode_batch(std::span<const client::message> batch, batch_state& b);
    void join_batch(size_t j, std::span<const client::message> batch, batch_state& b);
    void finish(const client::message& m, size_t i, batch_state& b);
    // The key of m (its key-only projections) with a null value.
    void send_tombstone(const client::message& m, const eval_context& ctx, batch_state& b);
    // The source is a TABLE (CREATE TABLE AS SELECT): records are upserts of
    // their key; a null value or a row WHERE drops is the key's tombstone,
    // a record with a NULL key is ignored.
    bool table_changelog() const { return plan_.source.kind == source_kind::table; }
    void process_null_value(const client::message& m, const eval_context& ctx, batch_state& b);
    // Produces key_buf_ (unless key_null) and value to the sink; a
    // transient aggregation hands out_refs_ (no value: an empty row) to
    // emit_transient instead.
    void send_output(const client::message& m, bool key_null, std::optional<std::string_view> value,
                     int64_t rowtime, batch_state& b);
    eval_context context_of(const client::message& m, size_t i) const;
    void send_to_dlq(const client::message& m, std::string_view stage, std::string_view error,
                     batch_state& b);
    status deliver_and_commit();
    // exactly_once_v2 (query_runner_txn.cc).
    bool exactly_once() const {
        return options_.guarantee == processing_guarantee::exactly_once_v2;
    }
    // Makes the consumer and producer settings transactional.
    void make_transactional(client::client_settings& consumer, client::client_settings& producer);
    status init_transactions();
    // Before a batch is processed: begins a transaction unless one is open,
    // and notes where it starts reading each partition.
    status begin_transaction(std::span<const client::message> batch);
    status commit_transaction();
    // Aborts the open transaction and rewinds the partitions it read (but
    // those being revoked) to the group's committed offsets.
    status abort_and_rewind(std::string_view why);
    // Whether a send() failed because the transaction takes no more records
    // (it failed asynchronously); notes why in txn_failed_.
    bool transaction_refused(const status& st);
    // Drops the records of rewound partitions that poll_batch had taken
    // before the rewind (they are read again).
    void drop_rewound(std::vector<client::message>& batch);
    void on_rebalance(const client::rebalance_event& e);
    // GROUP BY (query_runner_aggregate.cc): state per input partition of
    // the aggregation, written to a compacted changelog topic and restored
    // from it before a partition's first record is aggregated.
    struct aggregate_store;
    bool aggregating() const { return plan_.aggregate.has_value(); }
    status create_aggregate();
    // The changelog and repartition topics (prepare() creates them).
    std::vector<client::new_topic> aggregate_topics(int partitions, int replicas) const;
    std::vector<std::string> aggregate_topic_names() const;
    // Whether m was read from a repartition topic (GROUP BY's or a join's).
    bool from_repartition(const client::message& m) const;
    // Whether topic is one of the query's repartition topics.
    bool repartition_topic(std::string_view topic) const;
    status decode_repartitioned(const client::message& m, row& out, int64_t& rowtime);
    // After WHERE: the group key; the record goes to the repartition topic
    // or is aggregated here.
    void group_record(const client::message& m, const eval_context& ctx, batch_state& b);
    // A record of the aggregation's input (the repartition topic, or the
    // source when it is keyed by the group key).
    void aggregate_record(const client::message& m, const eval_context& ctx, batch_state& b);
    // The group key of ctx's row into agg_->key; false: the record goes to
    // no group (a NULL key, counted as filtered, or a failure sent to the
    // DLQ). report=false: neither counts nor sends (state being restored).
    bool eval_group(const client::message& m, const eval_context& ctx, batch_state& b,
                    bool report = true);
    void update_group(const client::message& m, const eval_context& ctx, batch_state& b);
    // One group (one window of it, when windowed): its state under key.
    using aggregate_groups = std::unordered_map<std::string, aggregate_group>;
    // A group it creates has its key appended to new_keys (when given).
    void update_window(const client::message& m, const eval_context& ctx, batch_state& b,
                       aggregate_groups& groups, const std::string& key,
                       std::optional<int64_t> window_start,
                       std::vector<std::string>* new_keys = nullptr);
    // The aggregate row of a group (one window of it) through HAVING, the
    // projection and the encoder (key_buf_, value_buf_).
    enum row_outcome { row_passed, row_rejected, row_failed };
    int render_row(const client::message& m, const eval_context& ctx, const row& group_values,
                   const std::vector<agg_state>& acc, std::optional<int64_t> window_start,
                   batch_state& b, std::optional<int64_t> session_end = std::nullopt);
    struct aggregate_partition;
    void update_session(const client::message& m, const eval_context& ctx, batch_state& b,
                        aggregate_partition& ps);
    // The group's state to the changelog; false: the query failed or the
    // record went to the DLQ.
    bool write_state(const client::message& m, const std::string& key, const aggregate_group& g,
                     batch_state& b);
    void emit_closed_windows(const client::message& m, const eval_context& ctx, batch_state& b,
                             aggregate_partition& ps);
    status restore_partition(int32_t partition);
    // Reads topic's partition from its beginning to offset end (-1: its high
    // watermark) with an assign-only consumer of its own, handing each
    // record to fn; fails if the read stalls (table_load_timeout).
    status read_partition(const std::string& topic, int32_t partition, int64_t end,
                          const std::function<void(const client::message&)>& fn);
    // GROUP BY over a TABLE (query_runner_table_agg.cc): the source
    // table's latest row per key and partition, restored from its topic up
    // to the committed offsets; each change goes to the repartition topic
    // as "take the old row out" and "add the new row" records.
    struct table_group_store;
    status create_table_grouping();
    enum class table_change : uint8_t { add, subtract, subtract_quiet };
    bool table_aggregation() const { return aggregating() && plan_.aggregate->table_source; }
    void process_table_grouping(std::span<const client::message> batch, batch_state& b);
    void regroup_table_row(const client::message& m, batch_state& b);
    status restore_table_rows(int32_t partition);
    void drop_table_rows(const std::vector<client::topic_partition_offset>& partitions, bool all);
    // To the repartition topic: ctx's row keyed by the group key that
    // eval_group() computed (agg_->key), with the change's header when a
    // table is aggregated; false: the query failed or m went to the DLQ.
    bool send_regrouped(const client::message& m, const eval_context& ctx, batch_state& b,
                        std::optional<table_change> change);
    std::string& group_key();
    void set_table_change(table_change c);
    // Stream-stream and table-table joins (query_runner_join.cc): both
    // topics are read by the query's group; state per partition.
    struct join_store;
    status create_source_join();
    // Partition p of both topics goes to one member: the range assignor
    // (any other configured strategy is refused).
    status co_partition(client::client_settings& consumer);
    void process_source_join(std::span<const client::message> batch, batch_state& b);
    // One join result (left/right null: that side's columns NULL; both
    // null: a tombstone of the current record's key) through WHERE, the
    // projection and the encoder to the sink.
    void emit_joined(const client::message& m, const std::string* key, const row* left,
                     const row* right, int64_t ts, batch_state& b);
    void send_tombstone_of(const client::message& m, const value& key, int64_t ts, batch_state& b);
    // The TABLEs joined after a stream-stream join into joined (ctx's row);
    // false: the result is dropped (an INNER miss, a NULL key) or went to
    // the DLQ.
    bool look_up_tables(const client::message& m, const eval_context& ctx, row& joined,
                        batch_state& b);
    status restore_tables(int32_t partition);
    // A stream-stream join's repartition step (query_runner_repartition.cc).
    struct join_rekey;
    status create_join_rekey();
    // The side whose repartition topic m was read from, else -1.
    int rekeyed_side(const client::message& m) const;
    int rekeyed_side(std::string_view topic) const;
    // Whether side 0 (left) or 1 (right) is repartitioned before the join.
    bool rekeys_source(int side) const;
    // The topic the join reads for a side: its repartition topic or its source.
    std::string join_read_topic(int side) const;
    status decode_rekeyed(const client::message& m, int side, row& out, int64_t& rowtime);
    // A record of a repartitioned source to its repartition topic.
    void rekey_join_record(const client::message& m, int side, batch_state& b);
    // The repartition topics to create (their partition counts), or the
    // error of sources that cannot be co-partitioned.
    result<std::vector<client::new_topic>> join_input_topics(int left_partitions,
                                                             int right_partitions,
                                                             int replicas) const;
    // A stream-stream join's window buffers and held outer results go to
    // changelog topics and are restored from them
    // (query_runner_join_state.cc).
    struct join_changelog;
    status create_join_changelog(const stream_join_state& probe);
    std::vector<std::string> join_topic_names() const;
    // The changelog topics (prepare() creates them).
    std::vector<client::new_topic> join_topics(int partitions, int replicas) const;
    // Where the state's changes of the record m being joined go.
    void log_join_changes(const client::message* m, batch_state* b);
    stream_join_log* join_log() const;
    status restore_windows(int32_t partition, stream_join_state& state);
    // Revoked partitions lose their join state; all = true (an aborted
    // transaction) drops every partition's.
    void drop_join_state(const std::vector<client::topic_partition_offset>& partitions, bool all);
    // Revoked partitions of the aggregation's input lose their state; all=
    // true (an aborted transaction) drops every partition's.
    void drop_state(const std::vector<client::topic_partition_offset>& partitions, bool all);
    // plan.where on ctx's row; nullopt: it failed and m went to the DLQ.
    std::optional<bool> passes_where(const client::message& m, const eval_context& ctx,
                                     batch_state& b);
    // The projection of ctx's row, encoded, to the sink stamped
    // ctx.record.rowtime (a table sink skips a NULL key).
    void send_projected(const client::message& m, const eval_context& ctx, batch_state& b);
    // Table functions (query_runner_flat_map.cc): one projected row per
    // element, the elements in the row's KSQL_SYNTH_<i> columns.
    void send_flat_mapped(const client::message& m, const eval_context& ctx, batch_state& b);
    // Evaluates the projections into out_/out_refs_; false: sent to the DLQ.
    bool project_row(const client::message& m, const eval_context& ctx, batch_state& b);
    void update_lag(std::span<const client::message> batch);
    void fail(const error& e);
    // Transient queries (query_runner_transient.cc).
    bool transient() const { return options_.transient != nullptr; }
    status prepare_transient(client::admin_client& admin, const client::cluster_metadata& md);
    result<size_t> step_transient();
    void emit_transient(const client::message& m, std::span<const value* const> r);
    bool transient_at_end();

    query_plan plan_;
    std::vector<std::shared_ptr<table_reader>> tables_;
    client::client_settings settings_;
    runner_options options_;
    std::string group_id_;

    std::shared_ptr<aggregate_store> agg_;           // GROUP BY only
    std::shared_ptr<join_store> join_;               // two-source joins only
    std::shared_ptr<join_rekey> rekey_;              // a join that repartitions only
    std::shared_ptr<join_changelog> join_log_;       // stream-stream joins only
    std::shared_ptr<table_group_store> table_rows_;  // GROUP BY over a TABLE only
    std::unique_ptr<row_decoder> decoder_;
    std::unique_ptr<row_encoder> encoder_;
    std::unique_ptr<client::consumer> consumer_;
    std::unique_ptr<client::producer> producer_;
    bool source_headers_ = false;

    // Per-batch scratch (index i: record i of the batch), reused so a record
    // allocates only its strings.
    std::vector<row> rows_;          // the joined rows
    std::vector<int64_t> rowtimes_;  // ROWTIME of each
    enum record_state : uint8_t {
        done,       // sent to the DLQ, filtered or skipped
        live,       // on its way to the sink
        keyed,      // live, with a join key to look up (in join_batch)
        tombstone,  // a null value to pass on (process_null_value)
        regrouped,  // read from the repartition topic: to aggregate
    };
    std::vector<uint8_t> live_;                        // record_state
    std::vector<value> key_values_;                    // a computed join key
    std::vector<std::string> key_bytes_;               // its look-up bytes when not its own
    std::vector<std::string_view> keys_;               // the look-up key of the current join
    std::vector<uint64_t> hashes_;                     // and its hash
    std::vector<std::vector<uint32_t>> join_columns_;  // per join: table columns read
    row out_;
    std::vector<const value*> out_refs_;  // what finish() encodes: into out_ or lent
    std::string key_buf_;
    std::string value_buf_;
    std::vector<client::header_view> header_scratch_;
    std::vector<client::message> batch_;
    std::vector<client::topic_partition_offset> positions_;  // next offset of each read

    // Processed and stored since the last commit (deliver_and_commit).
    struct uncommitted {
        uint64_t records = 0;
        uint64_t outputs = 0;  // sent to the sink
        uint64_t dlq = 0;      // sent to the DLQ
        std::chrono::steady_clock::time_point since;
    } uncommitted_;
    uint64_t failed_at_commit_ = 0;  // the producer's failed records then

    // exactly_once_v2: a transaction is open since the first batch after
    // the last commit; txn_start_ holds the first offset it read of each
    // topic partition it read (both sources of a join), where an abort rewinds to when the
    // group has no committed offset.
    bool txn_open_ = false;
    std::string txn_failed_;  // why the open transaction takes no records
    std::vector<client::topic_partition_offset> txn_start_;
    // The topic partitions a revocation is taking away (every topic read).
    std::vector<client::topic_partition_offset> revoking_;
    // Rewound inside poll_batch (a rebalance callback): these partitions'
    // records among the first rewound_before_ of the batch predate the rewind.
    std::vector<client::topic_partition_offset> rewound_;
    size_t rewound_before_ = 0;

    query_counters counters_;
    std::atomic<query_state> state_{query_state::created};
    mutable std::mutex error_mu_;
    std::string last_error_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    // Transient: where each partition ends (to_end), and whether it ended.
    std::vector<client::topic_partition_offset> end_offsets_;
    std::vector<int64_t> start_offsets_;  // same order
    bool finished_ = false;
};

}  // namespace cs::streams
