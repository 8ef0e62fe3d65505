#include "storage/partition_log.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "base/log.h"
#include "storage/flusher.h"

namespace cs::storage {

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = log::get("storage");
    return l;
}

}  // namespace

partition_log::partition_log(std::filesystem::path dir, kafka::topic_partition tp, log_config cfg,
                             clock& clk, flusher* fl)
    : dir_(std::move(dir)), tp_(std::move(tp)), clock_(clk), flusher_(fl), cfg_(cfg) {}

result<std::shared_ptr<partition_log>> partition_log::open(std::filesystem::path dir,
                                                           kafka::topic_partition tp,
                                                           log_config cfg, clock& clk, flusher* fl,
                                                           open_options opts) {
    std::shared_ptr<partition_log> log(
        new partition_log(std::move(dir), std::move(tp), cfg, clk, fl));
    std::lock_guard lock(log->mu_);
    if (auto s = log->load(opts); !s) {
        return s.err();
    }
    log->last_flush_ms_ = clk.now_ms();
    return log;
}

result<append_result> partition_log::append(mutable_bytes_view batches, append_options opts) {
    std::unique_lock lock(mu_);
    if (failed_) {
        return error{errc::io, fmt::format("{} is offline after an I/O error: {}", tp_.to_string(),
                                           failed_->message)};
    }
    auto split = kafka::split_batches(batches);
    if (!split) {
        return error{split.err().code, tp_.to_string() + ": " + split.err().message};
    }
    if (!split->trailing.empty()) {
        return error{errc::corrupt, fmt::format("{}: {} trailing bytes are not a whole batch",
                                                tp_.to_string(), split->trailing.size())};
    }
    if (split->batches.empty()) {
        return error{errc::invalid_argument, tp_.to_string() + ": no record batch to append"};
    }
    const int64_t now = clock_.now_ms();
    const bool log_append_time = cfg_.timestamp_type == message_timestamp_type::log_append_time;
    std::vector<batch_meta> metas;
    metas.reserve(split->batches.size());
    kafka::offset next = next_offset_;
    int64_t messages = 0;
    for (bytes_view b : split->batches) {
        auto h = kafka::validate_batch(
            b, {.client_rules = opts.client_batch, .verify_crc = !opts.crc_verified});
        if (!h) {
            return error{h.err().code, tp_.to_string() + ": " + h.err().message};
        }
        if (h->total_size() > static_cast<size_t>(cfg_.max_message_bytes)) {
            return error{errc::too_large,
                         fmt::format("{}: batch of {} bytes exceeds max.message.bytes {}",
                                     tp_.to_string(), h->total_size(), cfg_.max_message_bytes)};
        }
        kafka::offset last = next + h->last_offset_delta;
        metas.push_back({next, last, log_append_time ? now : h->max_timestamp,
                         static_cast<uint32_t>(h->total_size())});
        messages += h->records_count;
        next = last + 1;
    }
    if (const char* reason = nullptr;
        active().should_roll(batches.size(), next - 1, now, &reason)) {
        if (auto s = roll(next_offset_, reason); !s) {
            return s.err();
        }
    }
    // Offsets and epoch live outside the CRC; LogAppendTime recomputes it.
    for (size_t i = 0; i < split->batches.size(); ++i) {
        auto at = static_cast<size_t>(split->batches[i].data() - batches.data());
        auto b = batches.subspan(at, split->batches[i].size());
        kafka::set_base_offset(b, metas[i].base);
        kafka::set_partition_leader_epoch(b, opts.epoch);
        if (log_append_time) {
            kafka::set_log_append_time(b, now);
        }
    }
    if (auto s = active().append(batches, metas); !s) {
        failed_ = s.err();
        logger()->error("{}: append at offset {} failed, log offline: {}", tp_.to_string(),
                        next_offset_.value(), s.message());
        return s.err();
    }
    append_result out{metas.front().base, metas.back().last,
                      log_append_time ? now : kafka::no_timestamp, log_start_};
    next_offset_ = next;
    unflushed_messages_ += messages;
    if (unflushed_messages_ >= cfg_.flush_messages) {
        if (flusher_ != nullptr) {
            request_flush_locked();
        } else {
            lock.unlock();
            if (auto s = sync_and_complete(false); !s) {
                return s.err();
            }
        }
    }
    return out;
}

status partition_log::roll(kafka::offset next_base, const char* reason) {
    segment& old = active();
    if (auto s = old.on_become_inactive(); !s) {
        return s;
    }
    auto seg = segment::create(dir_, next_base, cfg_, clock_.now_ms());
    if (!seg) {
        return seg.err();
    }
    logger()->info("{}: rolled to new segment {} ({}; previous {} bytes, offsets [{}, {}))",
                   tp_.to_string(), (*seg)->log_path().string(), reason, old.size(),
                   old.base_offset().value(), old.next_offset().value());
    segments_.emplace(next_base, std::move(*seg));
    return {};
}

// ---- durability ----

void partition_log::request_flush_locked() {
    if (!flush_queued_) {
        flush_queued_ = true;
        flusher_->request(shared_from_this());
    }
}

std::vector<std::shared_ptr<segment>> partition_log::unflushed_segments_locked() const {
    std::vector<std::shared_ptr<segment>> out;
    for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
        if (it->second->next_offset() <= recovery_point_ && it != segments_.rbegin()) {
            break;
        }
        out.push_back(it->second);
    }
    return out;
}

status partition_log::sync_and_complete(bool all_files) {
    std::unique_lock lock(mu_);
    flush_queued_ = false;
    status result;
    if (failed_) {
        result = *failed_;
    } else {
        const kafka::offset target = next_offset_;
        const int64_t messages = unflushed_messages_;
        std::vector<std::shared_ptr<segment>> segs;
        if (all_files) {
            for (auto& [base, seg] : segments_) {
                segs.push_back(seg);
            }
        } else if (target > recovery_point_) {
            segs = unflushed_segments_locked();
        }
        if (!segs.empty()) {
            lock.unlock();  // appends go on while the disk syncs
            for (auto& seg : segs) {
                result = all_files ? seg->flush_all() : seg->flush();
                if (!result) {
                    break;
                }
            }
            lock.lock();
        }
        if (result) {
            recovery_point_ = std::max(recovery_point_, target);
            unflushed_messages_ = std::max<int64_t>(0, unflushed_messages_ - messages);
            last_flush_ms_ = clock_.now_ms();
        } else {
            failed_ = result.err();
            logger()->error("{}: flush failed, log offline: {}", tp_.to_string(), result.message());
        }
    }
    // Complete every waiter now covered (all of them, with the error, on failure).
    std::vector<durable_callback> done;
    auto end = result ? waiters_.lower_bound(recovery_point_) : waiters_.end();
    for (auto it = waiters_.begin(); it != end; ++it) {
        done.push_back(std::move(it->second));
    }
    waiters_.erase(waiters_.begin(), end);
    lock.unlock();
    for (auto& cb : done) {
        cb(result);
    }
    return result;
}

void partition_log::flush_for_waiters() {
    (void)sync_and_complete(false);
}

void partition_log::wait_durable(kafka::offset last, durable_callback cb) {
    std::unique_lock lock(mu_);
    if (failed_) {
        status s = *failed_;
        lock.unlock();
        cb(s);
        return;
    }
    if (last < recovery_point_) {
        lock.unlock();
        cb(status{});
        return;
    }
    waiters_.emplace(last, std::move(cb));
    if (flusher_ != nullptr) {
        request_flush_locked();
        return;
    }
    lock.unlock();
    (void)sync_and_complete(false);
}

status partition_log::flush() {
    return sync_and_complete(false);
}

status partition_log::flush_all() {
    return sync_and_complete(true);
}

void partition_log::maybe_flush_periodically(int64_t now_ms) {
    std::unique_lock lock(mu_);
    if (cfg_.flush_ms == std::numeric_limits<int64_t>::max() || next_offset_ <= recovery_point_ ||
        now_ms - last_flush_ms_ < cfg_.flush_ms) {
        return;
    }
    if (flusher_ != nullptr) {
        request_flush_locked();
        return;
    }
    lock.unlock();
    (void)sync_and_complete(false);
}

// ---- reads ----

result<fetch_result> partition_log::read(kafka::offset start, uint64_t max_bytes, bool min_one,
                                         isolation iso) {
    std::lock_guard lock(mu_);
    fetch_result out;
    static_cast<log_offsets&>(out) = offsets_locked();
    if (start < log_start_ || start > next_offset_) {
        return error{errc::out_of_range,
                     fmt::format("{}: offset {} outside [{}, {}]", tp_.to_string(), start.value(),
                                 log_start_.value(), next_offset_.value())};
    }
    const kafka::offset end =
        iso == isolation::read_committed ? out.last_stable_offset : out.high_watermark;
    if (start >= end) {
        return out;
    }
    auto it = segments_.upper_bound(start);
    if (it != segments_.begin()) {
        --it;
    }
    for (; it != segments_.end() && it->first < end; ++it) {
        uint64_t max_position = std::numeric_limits<uint64_t>::max();
        if (it->second->next_offset() > end) {
            auto pos = it->second->position_of(end);
            if (!pos) {
                return error{pos.err().code, tp_.to_string() + ": " + pos.err().message};
            }
            max_position = *pos;
        }
        auto slice = it->second->read(start, max_bytes, min_one, max_position);
        if (!slice) {
            return error{slice.err().code, tp_.to_string() + ": " + slice.err().message};
        }
        if (!slice->empty() || (it->second->next_offset() > start && !min_one)) {
            out.slice = std::move(*slice);
            return out;
        }
    }
    return out;
}

result<std::optional<timestamp_offset>> partition_log::offset_for_timestamp(int64_t ts,
                                                                            isolation iso) {
    constexpr int64_t latest = -1;
    constexpr int64_t earliest = -2;
    std::lock_guard lock(mu_);
    const kafka::offset end =
        iso == isolation::read_committed ? offsets_locked().last_stable_offset : next_offset_;
    if (ts == latest) {
        return std::optional<timestamp_offset>{timestamp_offset{-1, end}};
    }
    if (ts == earliest) {
        return std::optional<timestamp_offset>{timestamp_offset{-1, log_start_}};
    }
    if (ts < 0) {
        return error{errc::unsupported, fmt::format("{}: ListOffsets timestamp {} not supported",
                                                    tp_.to_string(), ts)};
    }
    for (auto& [base, seg] : segments_) {
        if (seg->max_timestamp() < ts || seg->next_offset() <= log_start_) {
            continue;
        }
        auto r = seg->find_offset_by_timestamp(ts, log_start_);
        if (!r) {
            return error{r.err().code, tp_.to_string() + ": " + r.err().message};
        }
        if (r->has_value()) {
            // Not visible to this reader: nothing later is either.
            return (*r)->offset < end ? *r : std::optional<timestamp_offset>{};
        }
    }
    return std::optional<timestamp_offset>{};
}

// ---- state ----

void partition_log::set_config(const log_config& cfg) {
    std::lock_guard lock(mu_);
    cfg_ = cfg;
    for (auto& [base, seg] : segments_) {
        seg->set_config(cfg);
    }
}

void partition_log::set_txn_view(std::shared_ptr<const txn_view> view) {
    std::lock_guard lock(mu_);
    txn_view_ = std::move(view);
}

log_config partition_log::config() const {
    std::lock_guard lock(mu_);
    return cfg_;
}

kafka::offset partition_log::high_watermark() const {
    std::lock_guard lock(mu_);
    return next_offset_;
}

kafka::offset partition_log::log_start_offset() const {
    std::lock_guard lock(mu_);
    return log_start_;
}

log_offsets partition_log::offsets() const {
    std::lock_guard lock(mu_);
    return offsets_locked();
}

log_offsets partition_log::offsets_locked() const {
    // The high watermark first, then the open transactions (see txn_view).
    log_offsets o{log_start_, next_offset_, next_offset_};
    if (txn_view_) {
        if (auto first = txn_view_->first_unstable(); first && *first < next_offset_.value()) {
            o.last_stable_offset = kafka::offset(*first);
        }
    }
    return o;
}

kafka::offset partition_log::recovery_point() const {
    std::lock_guard lock(mu_);
    return recovery_point_;
}

uint64_t partition_log::size_bytes() const {
    std::lock_guard lock(mu_);
    uint64_t total = 0;
    for (const auto& [base, seg] : segments_) {
        total += seg->size();
    }
    return total;
}

size_t partition_log::segment_count() const {
    std::lock_guard lock(mu_);
    return segments_.size();
}

}  // namespace cs::storage
