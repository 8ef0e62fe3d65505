#pragma once

// The state of a two-source join of one input partition, as Kafka Streams
// keeps it for ksqlDB, without Kafka: the query runner feeds it each decoded
// record of either side and gets the joined results back through a callback.
//
// stream_join_state: a stream-stream join (KStreamKStreamJoin, Kafka
// Streams 3.x/4.x). Each side keeps a window buffer of its records by join
// key (Kafka's window store, retention before + after + grace). A record
// joins the other side's buffered records of its key whose timestamps fall
// in [ts - before, ts + after] (the other side sees [ts - after, ts +
// before]), in timestamp order, each result stamped max(ts, other ts); it is
// then buffered itself. A buffered record is visible only while it is newer
// than its buffer's largest timestamp minus the retention (Kafka's
// getActualFrom), so records arriving later than that join nothing.
//
// An outer side's record that joined nothing:
//   - eager (no GRACE PERIOD: ksqlDB calls the deprecated JoinWindows.of,
//     which disables Kafka's spurious-result fix): its null-padded result at
//     once, with its own timestamp;
//   - with GRACE PERIOD (the fix): held until stream time (the largest
//     timestamp of both sides) passes its window end plus grace, then
//     emitted with its own timestamp unless a match arrived meanwhile; a
//     record whose window has already closed is emitted at once. Held
//     results go out, in (timestamp, right before left, key) order, when a
//     record arrives whose timestamp is the stream time, before that
//     record's own results. Kafka Streams additionally throttles this check
//     to once per second of wall-clock time; here it runs at every such
//     record.
// A RIGHT join is Kafka's leftJoin with the sides swapped (as ksqlDB builds
// it): the window is then relative to the right record.
//
// table_join_state: a primary-key table-table join (KTableKTable{Inner,
// Left,Right,Outer}Join): each side's current rows by key; every change of
// either side emits the key's joined row, or a tombstone, stamped with the
// larger timestamp of the two rows.
//
// Keys are the records' key bytes (both sides are keyed, and partitioned,
// by the join key in the same format). A stream_join_state tells its
// stream_join_log every record it buffers and every change of its held
// outer results, so that the query runner can write them to changelog
// topics (query_runner_join_state.cc) and restore them into a new state
// after a restart; a table_join_state is read back from its sources.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "streams/value.h"

namespace cs::streams {

enum class two_way_join { inner, left, right, full };

struct join_window_spec {
    two_way_join kind = two_way_join::inner;
    int64_t before_ms = 0;
    int64_t after_ms = 0;
    int64_t grace_ms = 0;
    bool spurious_fix = false;  // GRACE PERIOD given: outer results wait for the window to close

    // ksqlDB: GRACE PERIOD absent -> JoinWindows.of(before): grace
    // max(24 h - 2 * before, 0), eager outer results.
    static join_window_spec make(two_way_join kind, int64_t before_ms, int64_t after_ms,
                                 std::optional<int64_t> grace_ms);
    int64_t retention_ms() const { return before_ms + after_ms + grace_ms; }
};

// One result: the left and right rows in the query's order (nullptr: that
// side is missing, its columns NULL; both nullptr, from a table join only:
// a tombstone of the key); key nullptr: a null key.
using join_emit = std::function<void(const std::string* key, const row* left, const row* right,
                                     int64_t timestamp)>;

// What a stream_join_state changes, for its changelogs. Sides are Kafka's
// (0: "this", the left stream or the right one of a RIGHT join).
class stream_join_log {
  public:
    virtual ~stream_join_log() = default;
    // A record put into side's window buffer.
    virtual void buffered(int kafka_side, const std::string& key, const row& values,
                          int64_t ts) = 0;
    // The held outer results of (ts, side byte, key) are now rows (nullptr:
    // none left: emitted or matched). side byte: 1 Kafka's left, 0 its right.
    virtual void outer_changed(int64_t ts, int side_byte, const std::string& key,
                               const std::vector<row>* rows) = 0;
};

class stream_join_state {
  public:
    explicit stream_join_state(join_window_spec spec, stream_join_log* log = nullptr);

    // The query's side (0 left, 1 right) of a Kafka side, and back.
    int query_side(int kafka_side) const { return swapped_ ? 1 - kafka_side : kafka_side; }
    // Whether Kafka side 0 / 1 is an outer side (its unmatched records are
    // emitted null-padded).
    bool outer(int kafka_side) const { return outer_[kafka_side]; }

    // Restoring from the changelogs, before the first process(): a buffered
    // record, and the held outer results of a (ts, side byte, key), then
    // restored() once all are in.
    void restore_buffered(int kafka_side, const std::string& key, row values, int64_t ts);
    void restore_outer(int64_t ts, int side_byte, const std::string& key, std::vector<row> rows);
    void restored();

    // A record of side 0 (left, the FROM source) or 1 (right); key nullopt:
    // a null key (an outer side emits it null-padded, else it is dropped).
    void process(int side, const std::optional<std::string>& key, const row& values, int64_t ts,
                 const join_emit& emit);

    int64_t stream_time() const { return stream_time_; }
    // Records held in the window buffers and waiting as outer results.
    size_t buffered() const;
    size_t pending_outer() const;

  private:
    struct entry {
        int64_t ts;
        row values;
    };
    struct buffer {
        std::unordered_map<std::string, std::vector<entry>> by_key;  // by ts, then arrival
        int64_t observed = -1;                                       // largest ts put
        int64_t next_sweep = 0;
        size_t size = 0;
    };
    // Kafka's sides: 0 is "this" of KStreamImplJoin (the left stream, or the
    // right one for a RIGHT join).
    int kafka_side(int side) const { return swapped_ ? 1 - side : side; }
    void emit_result(const join_emit& emit, int kside, const std::string* key, const row* mine,
                     const row* other, int64_t ts) const;
    void emit_closed_outer(int kside, const join_emit& emit);
    // Whether the record was kept (not already past the retention).
    bool put(buffer& b, const std::string& key, const row& values, int64_t ts);
    void erase_outer(int64_t ts, int side_byte, const std::string& key);

    join_window_spec spec_;
    stream_join_log* log_ = nullptr;
    bool swapped_ = false;
    bool outer_[2] = {false, false};
    int64_t join_before_[2] = {0, 0};  // per Kafka side
    int64_t join_after_[2] = {0, 0};
    buffer buffers_[2];
    int64_t stream_time_ = -1;
    // Outer records waiting (spurious-result fix): (ts, 0 = Kafka's right /
    // 1 = left, key) -> rows in arrival order (Kafka's
    // TimestampedKeyAndJoinSide order).
    std::map<std::tuple<int64_t, int, std::string>, std::vector<row>> outer_store_;
    int64_t min_time_ = INT64_MAX;
};

class table_join_state {
  public:
    explicit table_join_state(two_way_join kind);

    // A change of side 0 or 1: the key's new row, or nullptr (a tombstone).
    // Null keys are the caller's to drop. Returns whether anything was
    // emitted.
    bool process(int side, const std::string& key, const row* values, int64_t ts,
                 const join_emit& emit);

    size_t rows(int side) const { return tables_[side].size(); }

  private:
    struct current {
        row values;
        int64_t ts = 0;
    };
    two_way_join kind_;
    bool outer_[2] = {false, false};
    std::unordered_map<std::string, current> tables_[2];
};

}  // namespace cs::streams
