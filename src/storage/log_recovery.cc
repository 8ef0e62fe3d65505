// Opening a partition directory and recovering it after a crash
// (partition_log::load and partition_log::recover_unflushed).

#include <set>

#include <fmt/format.h>

#include "base/log.h"
#include "storage/file_names.h"
#include "storage/partition_log.h"

namespace cs::storage {

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = log::get("storage");
    return l;
}

void remove_file(const std::filesystem::path& p, const char* why) {
    std::error_code ec;
    std::filesystem::remove(p, ec);
    if (ec) {
        logger()->warn("cannot remove {} ({}): {}", p.string(), why, ec.message());
    } else {
        logger()->info("removed {} ({})", p.string(), why);
    }
}

}  // namespace

status partition_log::load(const open_options& opts) {
    std::error_code ec;
    bool existed = std::filesystem::exists(dir_, ec);
    std::filesystem::create_directories(dir_, ec);
    if (ec) {
        return error{errc::io, fmt::format("create {}: {}", dir_.string(), ec.message())};
    }
    if (!existed) {
        if (auto s = sync_directory(dir_.parent_path()); !s) {
            return s;
        }
    }

    if (auto s = finish_interrupted_cleaning(); !s) {
        return s;
    }

    // Sort out what is in the directory: segments, orphan indexes, leftovers
    // of deletions and checkpoint writes that a crash interrupted.
    std::set<kafka::offset> bases;
    std::vector<std::pair<kafka::offset, std::filesystem::path>> index_files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
        std::string name = entry.path().filename().string();
        if (name.ends_with(file_names::deleted_suffix) || name.ends_with(file_names::temp_suffix)) {
            remove_file(entry.path(), "left over from before a restart");
        } else if (auto b = file_names::parse_segment_file(name, file_names::log_suffix)) {
            bases.insert(*b);
        } else if (auto i = file_names::parse_segment_file(name, file_names::index_suffix)) {
            index_files.emplace_back(*i, entry.path());
        } else if (auto t = file_names::parse_segment_file(name, file_names::time_index_suffix)) {
            index_files.emplace_back(*t, entry.path());
        }
    }
    if (ec) {
        return error{errc::io, fmt::format("list {}: {}", dir_.string(), ec.message())};
    }
    for (const auto& [base, path] : index_files) {
        if (!bases.contains(base)) {
            remove_file(path, "index without a segment");
        }
    }

    if (bases.empty()) {
        auto seg = segment::create(dir_, opts.log_start_offset, cfg_, clock_.now_ms());
        if (!seg) {
            return seg.err();
        }
        segments_.emplace(opts.log_start_offset, std::move(*seg));
        next_offset_ = log_start_ = recovery_point_ = opts.log_start_offset;
        return {};
    }

    for (kafka::offset base : bases) {
        auto seg = segment::open(dir_, base, cfg_, clock_.now_ms());
        if (!seg) {
            return seg.err();
        }
        if (rebuild_indexes_.contains(base)) {
            if (auto r = (*seg)->recover(); !r) {
                return r.err();
            }
        }
        segments_.emplace(base, std::move(*seg));
    }
    rebuild_indexes_.clear();

    kafka::offset scan_from = opts.recovery_point;
    if (opts.clean_shutdown) {
        // Everything was flushed; only each segment's tail past its last
        // index entry is read, to learn offsets and timestamps.
        scan_from = kafka::offset(std::numeric_limits<int64_t>::max());
        for (auto& [base, seg] : segments_) {
            if (auto s = seg->load_tail(true); !s) {
                logger()->warn("{}: {} after a clean shutdown; recovering from offset {}",
                               tp_.to_string(), s.message(), base.value());
                scan_from = base;
                break;
            }
        }
    }
    if (scan_from.value() != std::numeric_limits<int64_t>::max()) {
        if (auto s = recover_unflushed(scan_from); !s) {
            return s;
        }
    }

    next_offset_ = active().next_offset();
    log_start_ = std::max(opts.log_start_offset, segments_.begin()->first);
    log_start_ = std::min(log_start_, next_offset_);
    recovery_point_ = next_offset_;  // recovered segments were fsynced
    logger()->info("{}: loaded {} segment(s), offsets [{}, {}){}", tp_.to_string(),
                   segments_.size(), log_start_.value(), next_offset_.value(),
                   opts.clean_shutdown ? "" : " after recovery");
    return {};
}

// Segments entirely below the recovery point were fsynced before the crash
// and are trusted (header scan of their tail only). From the segment that
// holds the recovery point on, every batch is read and its CRC checked; the
// first invalid byte ends the log: the file is cut there, the indexes
// rebuilt, and all later segments deleted (their offsets would follow a hole).
status partition_log::recover_unflushed(kafka::offset recovery_point) {
    for (auto it = segments_.begin(); it != segments_.end(); ++it) {
        segment& seg = *it->second;
        auto next_it = std::next(it);
        if (next_it != segments_.end() && next_it->first <= recovery_point) {
            if (auto s = seg.load_tail(false); s) {
                continue;
            } else {
                logger()->warn("{}: {}; verifying the whole segment", tp_.to_string(), s.message());
            }
        }
        auto outcome = seg.recover();
        if (!outcome) {
            return outcome.err();
        }
        // The scanned bytes may still be only in the page cache (a process
        // crash); make them durable before the recovery point moves past
        // them. Indexes need no fsync: they are checked or rebuilt on load.
        if (auto s = seg.flush(); !s) {
            return s;
        }
        if (outcome->truncated_bytes == 0) {
            logger()->info("{}: recovered {}: {} bytes valid, next offset {}", tp_.to_string(),
                           seg.log_path().string(), outcome->valid_bytes,
                           seg.next_offset().value());
            continue;
        }
        logger()->warn("{}: truncated {} at position {} (next offset {}), {} bytes removed: {}",
                       tp_.to_string(), seg.log_path().string(), outcome->valid_bytes,
                       seg.next_offset().value(), outcome->truncated_bytes, outcome->reason);
        while (next_it != segments_.end()) {
            auto& later = *next_it->second;
            logger()->warn(
                "{}: deleting segment {} (base offset {}, {} bytes): it follows the "
                "truncation point",
                tp_.to_string(), later.log_path().string(), next_it->first.value(), later.size());
            auto files = later.rename_to_deleted();
            if (!files) {
                return files.err();
            }
            for (const auto& f : *files) {
                remove_file(f, "after truncation");
            }
            next_it = segments_.erase(next_it);
        }
        return sync_directory(dir_);
    }
    return {};
}

}  // namespace cs::storage
