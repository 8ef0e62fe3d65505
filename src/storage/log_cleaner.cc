// Log compaction (cleanup.policy=compact): partition_log::compact.
//
// One pass over a partition:
//  1. Under the lock, take the cleanable prefix: the non-active segments
//     whose newest record is older than min.compaction.lag.ms.
//  2. Outside the lock, read those segments and map every key to its
//     latest offset (a key updated in the active segment keeps its older
//     value in the cleaned part until a later pass: the same bound Kafka's
//     cleaner has with its first uncleanable offset).
//  3. Outside the lock, write cleaned copies: a record is kept when it is
//     the latest for its key, or has no key; a tombstone is kept only while
//     its segment is younger than delete.retention.ms. Consecutive segments
//     are merged into one output while it stays under segment.bytes and its
//     offsets fit the 32-bit index entries. Each output is written as
//     <first base>-<end base>.cleaned, where [first base, end base) are the
//     base offsets of the segments it replaces, then fsynced.
//  4. Under the lock, for each output: check the segments it replaces are
//     still there (retention or truncation may have run meanwhile; then the
//     pass is abandoned), rename it to <first>-<end>.swap (the commit point),
//     rename the replaced segments' files to *.deleted, rename the swap file
//     to <first base>.log, open it and rebuild its indexes.
//
// Crash recovery (partition_log::load): *.cleaned files are deleted (the
// originals are intact); a <first>-<end>.swap file means the swap was
// committed: every segment with a base in [first, end) is deleted and the
// swap file becomes <first>.log, whose indexes are then rebuilt.
//
// Readers are not disturbed: a read slice holds the old file open, and
// offsets never move (a compacted log has gaps, as Kafka's does).

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "base/log.h"
#include "storage/batch_filter.h"
#include "storage/file_names.h"
#include "storage/partition_log.h"

namespace cs::storage {

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = log::get("cleaner");
    return l;
}

// Walks the batches of a read slice, one pread per batch.
class batch_cursor {
  public:
    explicit batch_cursor(read_slice slice) : slice_(std::move(slice)) {}

    // The next whole batch, or an empty view at the end.
    result<bytes_view> next() {
        if (slice_.empty() || pos_ + kafka::batch_layout::log_overhead > slice_.length) {
            return bytes_view{};
        }
        std::byte head[kafka::batch_layout::log_overhead];
        if (auto s = slice_.log_file->pread_exact(head, slice_.position + pos_); !s) {
            return s.err();
        }
        auto len = load_be<int32_t>(head + kafka::batch_layout::batch_length);
        if (len < kafka::batch_layout::min_batch_length ||
            pos_ + kafka::batch_layout::log_overhead + static_cast<uint64_t>(len) > slice_.length) {
            return error{errc::corrupt, fmt::format("{}: bad batch length {} at byte {}",
                                                    slice_.log_file->path().string(), len,
                                                    slice_.position + pos_)};
        }
        buf_.resize(kafka::batch_layout::log_overhead + static_cast<size_t>(len));
        if (auto s = slice_.log_file->pread_exact(buf_, slice_.position + pos_); !s) {
            return s.err();
        }
        pos_ += buf_.size();
        return bytes_view(buf_);
    }

  private:
    read_slice slice_;
    uint64_t pos_ = 0;
    bytes buf_;
};

struct cleanable_segment {
    std::shared_ptr<segment> seg;
    read_slice data;
    int64_t max_ts;
    kafka::offset base;
};

// One cleaned output replacing segments [first, end).
struct cleaned_output {
    kafka::offset first;
    kafka::offset end;
    std::filesystem::path cleaned_path;
    uint64_t size = 0;
};

std::string range_name(kafka::offset first, kafka::offset end, std::string_view suffix) {
    return fmt::format("{:020d}-{:020d}{}", first.value(), end.value(), suffix);
}

status rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::rename(from, to, ec);
    if (ec) {
        return error{errc::io,
                     fmt::format("rename {} to {}: {}", from.string(), to.string(), ec.message())};
    }
    return {};
}

}  // namespace

bool partition_log::needs_compaction() const {
    double threshold = 0;
    {
        std::lock_guard lock(mu_);
        if (!cfg_.cleanup_compact || failed_ || segments_.size() < 2) {
            return false;
        }
        threshold = cfg_.min_cleanable_dirty_ratio;
    }
    return dirty_ratio() >= threshold;
}

double partition_log::dirty_ratio() const {
    std::lock_guard lock(mu_);
    uint64_t total = 0;
    uint64_t dirty = 0;
    for (auto it = segments_.begin(); it != segments_.end() && std::next(it) != segments_.end();
         ++it) {
        total += it->second->size();
        if (it->first >= cleaned_upto_) {
            dirty += it->second->size();
        }
    }
    return total == 0 ? 0.0 : static_cast<double>(dirty) / static_cast<double>(total);
}

result<compaction_stats> partition_log::compact(int64_t now_ms) {
    compaction_stats stats;
    std::vector<cleanable_segment> cleanable;
    log_config cfg;
    kafka::offset first_uncleanable{0};
    std::shared_ptr<const txn_view> txns;
    {
        std::lock_guard lock(mu_);
        if (!cfg_.cleanup_compact || failed_ || segments_.size() < 2) {
            return stats;
        }
        cfg = cfg_;
        txns = txn_view_;
        // Kafka cleans below the last stable offset only.
        const std::optional<int64_t> unstable = txns ? txns->first_unstable() : std::nullopt;
        for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) {
            segment& s = *it->second;
            int64_t ts = s.max_timestamp() >= 0 ? s.max_timestamp() : s.created_ms();
            if (now_ms - ts < cfg.min_compaction_lag_ms) {
                break;
            }
            if (unstable && s.next_offset().value() > *unstable) {
                break;
            }
            auto slice = s.read(s.base_offset(), std::numeric_limits<uint64_t>::max(), true,
                                std::numeric_limits<uint64_t>::max());
            if (!slice) {
                return slice.take_error();
            }
            cleanable.push_back({it->second, std::move(*slice), ts, it->first});
        }
        first_uncleanable =
            cleanable.size() < segments_.size()
                ? std::next(segments_.begin(), static_cast<std::ptrdiff_t>(cleanable.size()))->first
                : next_offset_;
    }
    if (cleanable.empty()) {
        return stats;
    }

    // A data batch of an aborted transaction: dropped whole, and not a
    // key's latest value.
    auto aborted = [&](bytes_view batch) {
        if (!txns) {
            return false;
        }
        auto h = kafka::read_header(batch);
        return h.ok() && h->is_transactional() && !h->is_control() &&
               txns->aborted(h->producer_id, h->base_offset);
    };

    // Pass 1: key -> latest offset.
    std::unordered_map<std::string, int64_t> latest;
    for (const auto& c : cleanable) {
        batch_cursor cur(c.data);
        while (true) {
            auto b = cur.next();
            if (!b) {
                return b.take_error();
            }
            if (b->empty()) {
                break;
            }
            if (aborted(*b)) {
                continue;
            }
            auto st = for_each_record(*b, [&](const record_ref& r) {
                if (r.key) {
                    latest[std::string(as_string_view(*r.key))] = r.offset.value();
                }
            });
            if (!st) {
                return st.err();
            }
        }
    }

    // Pass 2: write cleaned outputs.
    std::vector<cleaned_output> outputs;
    std::optional<file> out_file;
    cleaned_output current;
    auto finish_output = [&]() -> status {
        if (!out_file) {
            return {};
        }
        if (auto s = out_file->datasync(); !s) {
            return s;
        }
        out_file.reset();
        outputs.push_back(current);
        return {};
    };
    for (size_t i = 0; i < cleanable.size(); ++i) {
        const auto& c = cleanable[i];
        kafka::offset end = i + 1 < cleanable.size() ? cleanable[i + 1].base : first_uncleanable;
        bool tombstones_expire = now_ms - c.max_ts > cfg.delete_retention_ms;
        bool fits = out_file && current.size + c.data.length <=
                                    static_cast<uint64_t>(std::max<int64_t>(cfg.segment_bytes, 0));
        fits = fits && end.value() - current.first.value() <= std::numeric_limits<int32_t>::max();
        if (!fits) {
            if (auto s = finish_output(); !s) {
                return s.err();
            }
            current = cleaned_output{.first = c.base, .end = end, .cleaned_path = {}, .size = 0};
            current.cleaned_path = dir_ / range_name(c.base, end, ".cleaned");
            auto f = file::open(current.cleaned_path, true);
            if (!f) {
                return f.take_error();
            }
            if (auto s = f->truncate(0); !s) {
                return s.err();
            }
            out_file.emplace(std::move(*f));
        }
        current.end = end;
        stats.bytes_before += c.data.length;
        ++stats.segments_in;
        batch_cursor cur(c.data);
        while (true) {
            auto b = cur.next();
            if (!b) {
                return b.take_error();
            }
            if (b->empty()) {
                break;
            }
            const bool drop = aborted(*b);
            auto filtered = filter_batch(*b, [&](const record_ref& r) {
                if (drop) {
                    return false;
                }
                if (!r.key) {
                    return true;
                }
                auto it = latest.find(std::string(as_string_view(*r.key)));
                bool newest = it == latest.end() || it->second == r.offset.value();
                return newest && !(r.tombstone && tombstones_expire);
            });
            if (!filtered) {
                return filtered.take_error();
            }
            stats.records_kept += filtered->kept_records;
            stats.records_removed += filtered->removed_records;
            bytes_view keep;
            if (filtered->outcome == filter_outcome::kept_all) {
                keep = *b;
            } else if (filtered->outcome == filter_outcome::rewritten) {
                keep = filtered->data;
            }
            if (!keep.empty()) {
                if (auto s = out_file->pwrite_all(keep, current.size); !s) {
                    return s.err();
                }
                current.size += keep.size();
            }
        }
    }
    if (auto s = finish_output(); !s) {
        return s.err();
    }
    if (auto s = sync_directory(dir_); !s) {
        return s.err();
    }

    // Swap, output by output.
    std::lock_guard lock(mu_);
    for (const auto& o : outputs) {
        auto first_it = segments_.find(o.first);
        auto end_it = segments_.lower_bound(o.end);
        bool intact = first_it != segments_.end();
        for (auto it = first_it; intact && it != end_it; ++it) {
            intact = std::any_of(cleanable.begin(), cleanable.end(),
                                 [&](const cleanable_segment& c) { return c.seg == it->second; });
        }
        if (!intact || end_it == segments_.end()) {
            logger()->info("{}: segments changed during cleaning; abandoning this pass",
                           tp_.to_string());
            for (const auto& left : outputs) {
                std::error_code ec;
                std::filesystem::remove(left.cleaned_path, ec);
            }
            return stats;
        }
        auto swap_path = dir_ / range_name(o.first, o.end, ".swap");
        if (auto s = rename_file(o.cleaned_path, swap_path); !s) {
            return s.err();
        }
        if (auto s = sync_directory(dir_); !s) {
            return s.err();
        }
        for (auto it = first_it; it != end_it;) {
            auto files = it->second->rename_to_deleted();
            if (!files) {
                failed_ = files.err();
                return files.take_error();
            }
            pending_deletes_.push_back({now_ms + cfg_.file_delete_delay_ms, std::move(*files)});
            it = segments_.erase(it);
        }
        auto log_path = dir_ / file_names::segment_file(o.first, file_names::log_suffix);
        if (auto s = rename_file(swap_path, log_path); !s) {
            failed_ = s.err();
            return s.err();
        }
        if (auto s = sync_directory(dir_); !s) {
            return s.err();
        }
        auto seg = segment::open(dir_, o.first, cfg_, now_ms);
        if (!seg) {
            failed_ = seg.err();
            return seg.take_error();
        }
        if (auto r = (*seg)->recover(); !r) {
            failed_ = r.err();
            return r.take_error();
        }
        if (auto s = (*seg)->flush_all(); !s) {
            return s.err();
        }
        stats.bytes_after += o.size;
        ++stats.segments_out;
        segments_.emplace(o.first, std::move(*seg));
        cleaned_upto_ = std::max(cleaned_upto_, o.end);
    }
    logger()->info(
        "{}: compacted {} segment(s) into {}: {} -> {} bytes, {} record(s) removed, {} kept",
        tp_.to_string(), stats.segments_in, stats.segments_out, stats.bytes_before,
        stats.bytes_after, stats.records_removed, stats.records_kept);
    return stats;
}

// Called by load() for the leftovers of a pass a crash interrupted.
status partition_log::finish_interrupted_cleaning() {
    std::error_code ec;
    std::vector<std::pair<kafka::offset, kafka::offset>> swaps;
    std::vector<std::filesystem::path> swap_paths;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
        std::string name = entry.path().filename().string();
        if (name.ends_with(".cleaned")) {
            logger()->info("{}: removing {} (cleaning interrupted before its swap)",
                           tp_.to_string(), name);
            std::filesystem::remove(entry.path(), ec);
        } else if (name.ends_with(".swap") && name.size() == 20 + 1 + 20 + 5) {
            auto first = file_names::parse_segment_file(name.substr(0, 20), "");
            auto end = file_names::parse_segment_file(name.substr(21, 20), "");
            if (first && end) {
                swaps.emplace_back(*first, *end);
                swap_paths.push_back(entry.path());
            }
        }
    }
    if (ec) {
        return error{errc::io, fmt::format("list {}: {}", dir_.string(), ec.message())};
    }
    for (size_t i = 0; i < swaps.size(); ++i) {
        auto [first, end] = swaps[i];
        for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
            std::string name = entry.path().filename().string();
            for (auto suffix : {file_names::log_suffix, file_names::index_suffix,
                                file_names::time_index_suffix}) {
                if (auto b = file_names::parse_segment_file(name, suffix);
                    b && *b >= first && *b < end) {
                    std::filesystem::remove(entry.path(), ec);
                }
            }
        }
        auto log_path = dir_ / file_names::segment_file(first, file_names::log_suffix);
        if (auto s = rename_file(swap_paths[i], log_path); !s) {
            return s;
        }
        logger()->info("{}: completed an interrupted compaction swap into {}", tp_.to_string(),
                       log_path.filename().string());
        rebuild_indexes_.insert(first);
    }
    if (!swaps.empty()) {
        return sync_directory(dir_);
    }
    return {};
}

}  // namespace cs::storage
