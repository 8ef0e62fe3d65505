#include "storage/segment.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <unistd.h>

#include "protocol/compression.h"
#include "storage/file_names.h"

namespace cs::storage {

namespace L = kafka::batch_layout;

namespace {

constexpr uint64_t max_segment_position = std::numeric_limits<uint32_t>::max();

std::filesystem::path path_of(const std::filesystem::path& dir, kafka::offset base,
                              std::string_view suffix) {
    return dir / file_names::segment_file(base, suffix);
}

// The first record of `batch` at offset >= from with timestamp >= target;
// compressed record sections are decompressed first.
result<std::optional<timestamp_offset>> first_record_at_or_after(bytes_view batch,
                                                                 const kafka::batch_header& hdr,
                                                                 int64_t target,
                                                                 kafka::offset from) {
    constexpr size_t max_decompressed = 256u << 20;
    bytes_view records = batch.subspan(L::header_size);
    bytes inflated;
    if (hdr.compression() != kafka::compression_codec::none) {
        auto d = kafka::decompress(hdr.compression(), records, max_decompressed);
        if (!d) {
            return std::move(d).take_error();
        }
        inflated = std::move(*d);
        records = inflated;
    }
    kafka::record_reader reader(records, hdr.records_count);
    while (true) {
        auto r = reader.next();
        if (!r) {
            return std::move(r).take_error();
        }
        if (!r->has_value()) {
            return std::optional<timestamp_offset>{};
        }
        kafka::offset o = hdr.first_offset() + (*r)->offset_delta;
        int64_t ts = hdr.base_timestamp + (*r)->timestamp_delta;
        if (o >= from && ts >= target) {
            return std::optional<timestamp_offset>{timestamp_offset{ts, o}};
        }
    }
}

}  // namespace

result<bytes> read_slice::read_bytes() const {
    bytes out(length);
    if (length == 0) {
        return out;
    }
    if (auto s = log_file->pread_exact(out, position); !s) {
        return s.err();
    }
    return out;
}

segment::segment(std::filesystem::path dir, kafka::offset base, const log_config& cfg,
                 std::shared_ptr<file> log, offset_index idx, time_index tidx, int64_t now_ms)
    : dir_(std::move(dir)),
      base_(base),
      cfg_(cfg),
      log_(std::move(log)),
      index_(std::move(idx)),
      time_index_(std::move(tidx)),
      next_offset_(base),
      max_ts_offset_(base),
      created_ms_(now_ms) {}

result<std::unique_ptr<segment>> segment::create(const std::filesystem::path& dir,
                                                 kafka::offset base, const log_config& cfg,
                                                 int64_t now_ms) {
    auto log = file::open(path_of(dir, base, file_names::log_suffix), true);
    if (!log) {
        return std::move(log).take_error();
    }
    auto size = log->size();
    if (!size) {
        return std::move(size).take_error();
    }
    if (*size != 0) {
        return error{errc::already_exists, fmt::format("segment {} already exists with {} bytes",
                                                       log->path().string(), *size)};
    }
    // Stale index files (a segment deleted before its indexes) must not survive.
    auto idx = offset_index::open(path_of(dir, base, file_names::index_suffix), base,
                                  static_cast<size_t>(cfg.segment_index_bytes), 0);
    if (!idx) {
        return std::move(idx).take_error();
    }
    auto tidx = time_index::open(path_of(dir, base, file_names::time_index_suffix), base,
                                 static_cast<size_t>(cfg.segment_index_bytes), base);
    if (!tidx) {
        return std::move(tidx).take_error();
    }
    if (auto s = sync_directory(dir); !s) {
        return s.err();
    }
    return std::unique_ptr<segment>(new segment(dir, base, cfg,
                                                std::make_shared<file>(std::move(*log)),
                                                std::move(*idx), std::move(*tidx), now_ms));
}

result<std::unique_ptr<segment>> segment::open(const std::filesystem::path& dir, kafka::offset base,
                                               const log_config& cfg, int64_t now_ms) {
    auto log = file::open(path_of(dir, base, file_names::log_suffix), false);
    if (!log) {
        return std::move(log).take_error();
    }
    auto size = log->size();
    if (!size) {
        return std::move(size).take_error();
    }
    auto idx = offset_index::open(path_of(dir, base, file_names::index_suffix), base,
                                  static_cast<size_t>(cfg.segment_index_bytes), *size);
    if (!idx) {
        return std::move(idx).take_error();
    }
    auto tidx = time_index::open(path_of(dir, base, file_names::time_index_suffix), base,
                                 static_cast<size_t>(cfg.segment_index_bytes),
                                 kafka::offset(std::numeric_limits<int64_t>::max()));
    if (!tidx) {
        return std::move(tidx).take_error();
    }
    auto seg = std::unique_ptr<segment>(new segment(dir, base, cfg,
                                                    std::make_shared<file>(std::move(*log)),
                                                    std::move(*idx), std::move(*tidx), now_ms));
    seg->size_ = *size;
    return seg;
}

result<std::optional<kafka::batch_header>> segment::header_at(uint64_t pos, uint64_t end) const {
    if (pos >= end) {
        return std::optional<kafka::batch_header>{};
    }
    if (end - pos < L::header_size) {
        return error{errc::corrupt, fmt::format("{}: partial batch header at position {}",
                                                log_->path().string(), pos)};
    }
    std::byte buf[L::header_size];
    if (auto s = log_->pread_exact(mutable_bytes_view(buf, L::header_size), pos); !s) {
        return s.err();
    }
    auto h = kafka::decode_header(bytes_view(buf, L::header_size));
    if (h.batch_length < L::min_batch_length || h.total_size() > end - pos ||
        h.magic != kafka::record_batch_magic_v2) {
        return error{errc::corrupt,
                     fmt::format("{}: invalid batch header at position {} (batchLength {}, "
                                 "magic {}, {} bytes left)",
                                 log_->path().string(), pos, h.batch_length, h.magic, end - pos)};
    }
    return std::optional<kafka::batch_header>{h};
}

void segment::note_batch(const batch_meta& m, uint64_t position) {
    if (m.max_timestamp > max_ts_) {
        max_ts_ = m.max_timestamp;
        max_ts_offset_ = m.base;
    }
    next_offset_ = m.last + 1;
    size_ = position + m.size;
}

status segment::index_batch(const batch_meta& m, uint64_t position) {
    // Kafka's rule: an entry for the first batch after more than
    // index.interval.bytes since the previous entry.
    if (bytes_since_index_ > static_cast<uint64_t>(cfg_.index_interval_bytes) && !index_.full() &&
        !time_index_.full()) {
        if (auto s = index_.append(m.base, static_cast<uint32_t>(position)); !s) {
            return s;
        }
        if (auto s = time_index_.maybe_append(max_ts_, max_ts_offset_); !s) {
            return s;
        }
        bytes_since_index_ = 0;
    }
    bytes_since_index_ += m.size;
    return {};
}

status segment::reset_state() {
    size_ = 0;
    next_offset_ = base_;
    max_ts_ = kafka::no_timestamp;
    max_ts_offset_ = base_;
    bytes_since_index_ = 0;
    if (auto s = index_.reset(); !s) {
        return s;
    }
    return time_index_.reset();
}

status segment::load_tail(bool indexes_flushed) {
    uint64_t file_size = size_;
    uint64_t pos = 0;
    next_offset_ = base_;
    std::optional<offset_index::entry> from = index_.last();
    if (auto last = time_index_.last()) {
        max_ts_ = last->timestamp;
        max_ts_offset_ = last->offset;
        if (!indexes_flushed) {
            from = index_.lookup(last->offset);
        }
    } else if (!indexes_flushed) {
        from.reset();
    }
    if (from) {
        pos = from->position;
        next_offset_ = from->offset;
    }
    bytes_since_index_ = 0;
    while (true) {
        auto h = header_at(pos, file_size);
        if (!h) {
            return h.err();
        }
        if (!h->has_value()) {
            break;
        }
        const auto& hdr = **h;
        batch_meta m{hdr.first_offset(), hdr.last_offset(), hdr.max_timestamp,
                     static_cast<uint32_t>(hdr.total_size())};
        note_batch(m, pos);
        bytes_since_index_ += m.size;
        pos += hdr.total_size();
    }
    size_ = file_size;
    return {};
}

result<recovery_outcome> segment::recover() {
    auto file_size = log_->size();
    if (!file_size) {
        return std::move(file_size).take_error();
    }
    if (auto s = reset_state(); !s) {
        return s.err();
    }
    recovery_outcome out;
    uint64_t pos = 0;
    bytes buf;
    while (pos < *file_size) {
        uint64_t left = *file_size - pos;
        if (left < L::header_size) {
            out.reason = fmt::format("partial batch header ({} bytes)", left);
            break;
        }
        buf.resize(L::header_size);
        if (auto s = log_->pread_exact(buf, pos); !s) {
            return s.err();
        }
        auto hdr = kafka::decode_header(buf);
        if (hdr.batch_length < L::min_batch_length) {
            out.reason = fmt::format("batchLength {} below minimum", hdr.batch_length);
            break;
        }
        if (hdr.total_size() > left) {
            out.reason =
                fmt::format("torn batch: needs {} bytes, {} present", hdr.total_size(), left);
            break;
        }
        buf.resize(hdr.total_size());
        if (auto s = log_->pread_exact(buf, pos); !s) {
            return s.err();
        }
        auto valid = kafka::validate_batch(buf, {.client_rules = false, .verify_crc = true});
        if (!valid) {
            out.reason = valid.err().message;
            break;
        }
        if (hdr.base_offset < next_offset_.value() ||
            hdr.base_offset + hdr.last_offset_delta - base_.value() >
                std::numeric_limits<int32_t>::max() ||
            pos + hdr.total_size() > max_segment_position) {
            out.reason = fmt::format(
                "batch offsets [{}, {}] out of order or range (expected >= {})", hdr.base_offset,
                hdr.base_offset + hdr.last_offset_delta, next_offset_.value());
            break;
        }
        batch_meta m{hdr.first_offset(), hdr.last_offset(), hdr.max_timestamp,
                     static_cast<uint32_t>(hdr.total_size())};
        note_batch(m, pos);
        if (auto s = index_batch(m, pos); !s) {
            return s.err();
        }
        pos += hdr.total_size();
    }
    out.valid_bytes = pos;
    out.truncated_bytes = *file_size - pos;
    size_ = pos;
    if (out.truncated_bytes > 0) {
        if (auto s = log_->truncate(pos); !s) {
            return s.err();
        }
    }
    return out;
}

status segment::append(bytes_view data, std::span<const batch_meta> metas) {
    uint64_t start = size_;
    if (auto s = log_->pwrite_all(data, start); !s) {
        // Leave no partial batch behind; if even this fails, recovery will.
        (void)log_->truncate(start);
        return s;
    }
    uint64_t pos = start;
    for (const auto& m : metas) {
        note_batch(m, pos);
        if (auto s = index_batch(m, pos); !s) {
            return s;
        }
        pos += m.size;
    }
    return {};
}

result<uint64_t> segment::position_of(kafka::offset target) const {
    uint64_t pos = 0;
    if (auto e = index_.lookup(target)) {
        pos = e->position;
    }
    while (true) {
        auto h = header_at(pos, size_);
        if (!h) {
            return h.err();
        }
        if (!h->has_value()) {
            return size_;
        }
        if ((*h)->last_offset() >= target) {
            return pos;
        }
        pos += (*h)->total_size();
    }
}

result<read_slice> segment::read(kafka::offset start, uint64_t max_bytes, bool min_one,
                                 uint64_t max_position) const {
    uint64_t end = std::min(size_, max_position);
    auto pos = position_of(start);
    if (!pos) {
        return std::move(pos).take_error();
    }
    read_slice out;
    out.log_file = log_;
    out.position = *pos;
    if (*pos >= end) {
        return out;
    }
    auto first = header_at(*pos, end);
    if (!first) {
        return std::move(first).take_error();
    }
    uint64_t first_size = (*first)->total_size();
    if (first_size > max_bytes) {
        out.length = min_one ? first_size : 0;
        return out;
    }
    // Extend by whole batches while they fit; jump ahead with the index when
    // it knows a batch boundary closer to the limit.
    uint64_t limit = *pos + std::min(max_bytes, end - *pos);
    uint64_t cur = *pos + first_size;
    if (auto e = index_.lookup_position(limit); e && e->position > cur) {
        cur = e->position;
    }
    while (true) {
        auto h = header_at(cur, end);
        if (!h) {
            return std::move(h).take_error();
        }
        if (!h->has_value() || cur + (*h)->total_size() > limit) {
            break;
        }
        cur += (*h)->total_size();
    }
    out.length = cur - *pos;
    return out;
}

result<std::optional<timestamp_offset>> segment::find_offset_by_timestamp(
    int64_t target, kafka::offset from) const {
    using none = std::optional<timestamp_offset>;
    if (max_ts_ < target || from >= next_offset_) {
        return none{};
    }
    kafka::offset start = std::max(from, base_);
    if (auto e = time_index_.lookup_before(target); e && e->offset > start) {
        start = e->offset;
    }
    auto pos = position_of(start);
    if (!pos) {
        return std::move(pos).take_error();
    }
    uint64_t cur = *pos;
    bytes buf;
    while (true) {
        auto h = header_at(cur, size_);
        if (!h) {
            return std::move(h).take_error();
        }
        if (!h->has_value()) {
            return none{};
        }
        const auto& hdr = **h;
        if (hdr.max_timestamp >= target && hdr.last_offset() >= from) {
            kafka::offset batch_first = std::max(from, hdr.first_offset());
            // LogAppendTime: every record carries the batch's maxTimestamp.
            if (hdr.ts_type() == kafka::timestamp_type::log_append_time) {
                return none{timestamp_offset{hdr.max_timestamp, batch_first}};
            }
            buf.resize(hdr.total_size());
            if (auto s = log_->pread_exact(buf, cur); !s) {
                return s.err();
            }
            auto match = first_record_at_or_after(buf, hdr, target, from);
            if (!match) {
                return error{match.err().code,
                             fmt::format("{} at position {}: {}", log_->path().string(), cur,
                                         match.err().message)};
            }
            if (match->has_value()) {
                return *match;
            }
        }
        cur += hdr.total_size();
    }
}

status segment::truncate_to(kafka::offset o) {
    if (o >= next_offset_) {
        return {};
    }
    auto pos = position_of(o);
    if (!pos) {
        return pos.err();
    }
    if (auto s = log_->truncate(*pos); !s) {
        return s;
    }
    auto r = recover();  // rebuilds indexes and counters for what is left
    if (!r) {
        return r.err();
    }
    return {};
}

status segment::flush_all() const {
    if (auto s = log_->datasync(); !s) {
        return s;
    }
    if (auto s = index_.flush(); !s) {
        return s;
    }
    return time_index_.flush();
}

status segment::on_become_inactive() {
    if (max_ts_ >= 0) {
        if (auto s = time_index_.maybe_append(max_ts_, max_ts_offset_); !s) {
            return s;
        }
    }
    return {};
}

result<std::vector<std::filesystem::path>> segment::rename_to_deleted() {
    std::vector<std::filesystem::path> out;
    auto rename_one = [&](file& f) -> status {
        std::filesystem::path to = f.path();
        to += std::string(file_names::deleted_suffix);
        if (::rename(f.path().c_str(), to.c_str()) != 0) {
            return error{errc::io, fmt::format("rename {} to {}: {}", f.path().string(),
                                               to.string(), std::strerror(errno))};
        }
        f.set_path(to);
        out.push_back(to);
        return {};
    };
    if (auto s = rename_one(*log_); !s) {
        return s.err();
    }
    if (auto s = rename_one(index_.backing_file()); !s) {
        return s.err();
    }
    if (auto s = rename_one(time_index_.backing_file()); !s) {
        return s.err();
    }
    return out;
}

bool segment::should_roll(uint64_t incoming_bytes, kafka::offset last, int64_t now_ms,
                          const char** reason) const {
    if (size_ == 0) {
        return false;
    }
    if (size_ + incoming_bytes > static_cast<uint64_t>(cfg_.segment_bytes)) {
        *reason = "segment.bytes reached";
    } else if (size_ + incoming_bytes > max_segment_position) {
        *reason = "file position would overflow the index";
    } else if (now_ms - created_ms_ > cfg_.segment_ms) {
        *reason = "segment.ms elapsed";
    } else if (index_.full() || time_index_.full()) {
        *reason = "index full";
    } else if (last.value() - base_.value() > std::numeric_limits<int32_t>::max()) {
        *reason = "relative offset would overflow int32";
    } else {
        return false;
    }
    return true;
}

}  // namespace cs::storage
