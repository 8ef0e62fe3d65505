#include "streams/stream_join.h"

#include <algorithm>

namespace cs::streams {

join_window_spec join_window_spec::make(two_way_join kind, int64_t before_ms, int64_t after_ms,
                                        std::optional<int64_t> grace_ms) {
    constexpr int64_t day = 86'400'000;
    join_window_spec s;
    s.kind = kind;
    s.before_ms = before_ms;
    s.after_ms = after_ms;
    s.spurious_fix = grace_ms.has_value();
    s.grace_ms = grace_ms ? *grace_ms : std::max<int64_t>(day - 2 * before_ms, 0);
    return s;
}

stream_join_state::stream_join_state(join_window_spec spec, stream_join_log* log)
    : spec_(spec), log_(log) {
    swapped_ = spec.kind == two_way_join::right;
    // Kafka side 0 is outer in LEFT (left.leftJoin), RIGHT (right.leftJoin)
    // and FULL joins; side 1 in FULL joins only.
    outer_[0] = spec.kind != two_way_join::inner;
    outer_[1] = spec.kind == two_way_join::full;
    // KStreamImplJoin: "this" looks [ts - before, ts + after], "other" the
    // mirror image.
    join_before_[0] = spec.before_ms;
    join_after_[0] = spec.after_ms;
    join_before_[1] = spec.after_ms;
    join_after_[1] = spec.before_ms;
}

size_t stream_join_state::buffered() const {
    return buffers_[0].size + buffers_[1].size;
}

size_t stream_join_state::pending_outer() const {
    size_t n = 0;
    for (const auto& [k, rows] : outer_store_) {
        n += rows.size();
    }
    return n;
}

void stream_join_state::emit_result(const join_emit& emit, int kside, const std::string* key,
                                    const row* mine, const row* other, int64_t ts) const {
    // Back to the query's sides: Kafka side 0 is the left source unless swapped.
    const bool mine_is_left = (kside == 0) != swapped_;
    emit(key, mine_is_left ? mine : other, mine_is_left ? other : mine, ts);
}

void stream_join_state::process(int side, const std::optional<std::string>& key, const row& values,
                                int64_t ts, const join_emit& emit) {
    const int ks = kafka_side(side);
    stream_time_ = std::max(stream_time_, ts);
    if (!key) {
        if (outer_[ks]) {
            emit_result(emit, ks, nullptr, &values, nullptr, ts);
        }
        return;
    }
    if (spec_.spurious_fix && ts == stream_time_) {
        emit_closed_outer(ks, emit);
    }
    const int64_t from = std::max<int64_t>(0, ts - join_before_[ks]);
    const int64_t to = std::max<int64_t>(0, ts + join_after_[ks]);
    buffer& other = buffers_[1 - ks];
    // Kafka's window store hides what its retention dropped.
    const int64_t actual_from = std::max(from, other.observed - spec_.retention_ms() + 1);
    bool matched = false;
    if (to >= actual_from) {
        if (auto it = other.by_key.find(*key); it != other.by_key.end()) {
            for (const entry& e : it->second) {
                if (e.ts < actual_from || e.ts > to) {
                    continue;
                }
                matched = true;
                if (spec_.spurious_fix) {
                    erase_outer(e.ts, ks == 0 ? 0 : 1, *key);
                }
                emit_result(emit, ks, &*key, &values, &e.values, std::max(ts, e.ts));
            }
        }
    }
    if (!matched && outer_[ks]) {
        if (!spec_.spurious_fix || to < stream_time_) {
            emit_result(emit, ks, &*key, &values, nullptr, ts);
        } else {
            min_time_ = std::min(min_time_, ts);
            const int side_byte = ks == 0 ? 1 : 0;
            auto& rows = outer_store_[{ts, side_byte, *key}];
            rows.push_back(values);
            if (log_ != nullptr) {
                log_->outer_changed(ts, side_byte, *key, &rows);
            }
        }
    }
    if (put(buffers_[ks], *key, values, ts) && log_ != nullptr) {
        log_->buffered(ks, *key, values, ts);
    }
}

void stream_join_state::erase_outer(int64_t ts, int side_byte, const std::string& key) {
    if (outer_store_.erase({ts, side_byte, key}) > 0 && log_ != nullptr) {
        log_->outer_changed(ts, side_byte, key, nullptr);
    }
}

void stream_join_state::restore_buffered(int kafka_side, const std::string& key, row values,
                                         int64_t ts) {
    (void)put(buffers_[kafka_side], key, values, ts);
}

void stream_join_state::restore_outer(int64_t ts, int side_byte, const std::string& key,
                                      std::vector<row> rows) {
    if (rows.empty()) {
        outer_store_.erase({ts, side_byte, key});
    } else {
        outer_store_[{ts, side_byte, key}] = std::move(rows);
    }
}

// Stream time goes on from the largest timestamp buffered (every keyed
// record is buffered), the held results' from their oldest.
void stream_join_state::restored() {
    stream_time_ = std::max({stream_time_, buffers_[0].observed, buffers_[1].observed});
    min_time_ = outer_store_.empty() ? INT64_MAX : std::get<0>(outer_store_.begin()->first);
}

// KStreamKStreamJoin.emitNonJoinedOuterRecords, its minTime bookkeeping
// included (which decides when the held records are looked at).
void stream_join_state::emit_closed_outer(int kside, const join_emit& emit) {
    if (min_time_ == INT64_MAX || min_time_ + join_after_[kside] + spec_.grace_ms >= stream_time_) {
        return;
    }
    min_time_ = INT64_MAX;
    bool left_open = false;
    bool right_open = false;
    for (auto it = outer_store_.begin(); it != outer_store_.end();) {
        const auto& [ts, side_byte, key] = it->first;
        min_time_ = ts;
        if (left_open && right_open) {
            break;
        }
        const bool kafka_left = side_byte == 1;
        // Left records look back by the window's after, right ones by its before.
        const int64_t look_back = kafka_left ? spec_.after_ms : spec_.before_ms;
        if (ts + look_back + spec_.grace_ms >= stream_time_) {
            (kafka_left ? left_open : right_open) = true;
            ++it;
            continue;
        }
        const int ks = kafka_left ? 0 : 1;
        for (const row& r : it->second) {
            emit_result(emit, ks, &key, &r, nullptr, ts);
        }
        if (log_ != nullptr) {
            log_->outer_changed(ts, side_byte, key, nullptr);
        }
        it = outer_store_.erase(it);
    }
}

bool stream_join_state::put(buffer& b, const std::string& key, const row& values, int64_t ts) {
    b.observed = std::max(b.observed, ts);
    const int64_t oldest = b.observed - spec_.retention_ms();  // at or below: never visible again
    const bool kept = ts > oldest;
    if (kept) {
        auto& list = b.by_key[key];
        auto pos = std::upper_bound(list.begin(), list.end(), ts,
                                    [](int64_t t, const entry& e) { return t < e.ts; });
        list.insert(pos, entry{ts, values});
        ++b.size;
    }
    if (b.observed < b.next_sweep) {
        return kept;
    }
    // Expired records go now and then (Kafka drops whole segments).
    for (auto it = b.by_key.begin(); it != b.by_key.end();) {
        auto& list = it->second;
        auto keep =
            std::find_if(list.begin(), list.end(), [&](const entry& e) { return e.ts > oldest; });
        b.size -= static_cast<size_t>(keep - list.begin());
        list.erase(list.begin(), keep);
        it = list.empty() ? b.by_key.erase(it) : std::next(it);
    }
    b.next_sweep = b.observed + std::max<int64_t>(spec_.retention_ms() / 2, 1000);
    return kept;
}

table_join_state::table_join_state(two_way_join kind) : kind_(kind) {
    outer_[0] = kind == two_way_join::left || kind == two_way_join::full;
    outer_[1] = kind == two_way_join::right || kind == two_way_join::full;
}

bool table_join_state::process(int side, const std::string& key, const row* values, int64_t ts,
                               const join_emit& emit) {
    auto& mine = tables_[side];
    const auto& theirs = tables_[1 - side];
    auto old = mine.find(key);
    const bool had = old != mine.end();
    if (values != nullptr) {
        auto& cur = mine[key];
        cur.values = *values;
        cur.ts = ts;
    } else if (had) {
        mine.erase(old);
    }
    auto other = theirs.find(key);
    const row* other_row = other == theirs.end() ? nullptr : &other->second.values;
    const int64_t out_ts = other_row != nullptr ? std::max(ts, other->second.ts) : ts;
    const row* mine_row = values;
    auto send = [&](const row* m, const row* o) {
        emit(&key, side == 0 ? m : o, side == 0 ? o : m, out_ts);
        return true;
    };
    if (!outer_[side]) {
        // KTableKTableInnerJoin / KTableKTableRightJoin: nothing without the other row.
        if (other_row == nullptr) {
            return false;
        }
        if (outer_[1 - side]) {
            return send(mine_row, other_row);  // the other side's row, padded
        }
        return mine_row != nullptr ? send(mine_row, other_row) : send(nullptr, nullptr);
    }
    // KTableKTableLeftJoin / KTableKTableOuterJoin (this side sends old values).
    if (other_row == nullptr && mine_row == nullptr && !had) {
        return false;
    }
    if (mine_row != nullptr) {
        return send(mine_row, other_row);
    }
    if (outer_[1 - side] && other_row != nullptr) {
        return send(nullptr, other_row);
    }
    return send(nullptr, nullptr);  // tombstone
}

}  // namespace cs::streams
