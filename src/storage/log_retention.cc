// Removing data from a partition log: retention, DeleteRecords, truncation.

#include <fmt/format.h>

#include "base/log.h"
#include "storage/partition_log.h"

namespace cs::storage {

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = log::get("storage");
    return l;
}

void unlink_all(const std::vector<std::filesystem::path>& files) {
    for (const auto& f : files) {
        std::error_code ec;
        std::filesystem::remove(f, ec);
        if (ec) {
            logger()->warn("cannot remove {}: {}", f.string(), ec.message());
        }
    }
}

}  // namespace

status partition_log::delete_segment_locked(
    std::map<kafka::offset, std::shared_ptr<segment>>::iterator it, int64_t now_ms,
    const char* reason) {
    segment& seg = *it->second;
    logger()->info("{}: deleting segment {} (offsets [{}, {}), {} bytes, largest timestamp {}): {}",
                   tp_.to_string(), seg.log_path().string(), seg.base_offset().value(),
                   seg.next_offset().value(), seg.size(), seg.max_timestamp(), reason);
    auto files = seg.rename_to_deleted();
    if (!files) {
        return files.err();
    }
    segments_.erase(it);
    if (cfg_.file_delete_delay_ms <= 0) {
        unlink_all(*files);
    } else {
        pending_deletes_.push_back({now_ms + cfg_.file_delete_delay_ms, std::move(*files)});
    }
    return {};
}

result<size_t> partition_log::apply_retention(int64_t now_ms) {
    std::lock_guard lock(mu_);
    size_t deleted = 0;
    // Only a prefix of the log is ever deleted, and never the active segment.
    while (segments_.size() > 1) {
        auto it = segments_.begin();
        const segment& seg = *it->second;
        const char* reason = nullptr;
        if (seg.next_offset() <= log_start_) {
            reason = "below the log start offset";
        } else if (cfg_.cleanup_delete && cfg_.retention_ms >= 0) {
            int64_t ts = seg.max_timestamp() >= 0 ? seg.max_timestamp() : seg.created_ms();
            if (now_ms - ts > cfg_.retention_ms) {
                reason = "retention.ms exceeded";
            }
        }
        if (reason == nullptr && cfg_.cleanup_delete && cfg_.retention_bytes >= 0) {
            uint64_t total = 0;
            for (const auto& [base, s] : segments_) {
                total += s->size();
            }
            if (total - seg.size() >= static_cast<uint64_t>(cfg_.retention_bytes)) {
                reason = "retention.bytes exceeded";
            }
        }
        if (reason == nullptr) {
            break;
        }
        if (auto s = delete_segment_locked(it, now_ms, reason); !s) {
            return s.err();
        }
        ++deleted;
    }
    log_start_ = std::max(log_start_, segments_.begin()->first);
    return deleted;
}

void partition_log::purge_deleted(int64_t now_ms) {
    std::lock_guard lock(mu_);
    std::erase_if(pending_deletes_, [&](const pending_delete& p) {
        if (p.due_ms > now_ms) {
            return false;
        }
        unlink_all(p.files);
        return true;
    });
}

status partition_log::delete_records_before(kafka::offset new_start) {
    std::lock_guard lock(mu_);
    if (new_start > next_offset_) {
        return error{errc::out_of_range,
                     fmt::format("{}: cannot delete records before {}, high watermark is {}",
                                 tp_.to_string(), new_start.value(), next_offset_.value())};
    }
    if (new_start > log_start_) {
        logger()->info("{}: log start offset {} -> {} (delete records)", tp_.to_string(),
                       log_start_.value(), new_start.value());
        log_start_ = new_start;
    }
    return {};
}

status partition_log::truncate_to(kafka::offset o) {
    std::lock_guard lock(mu_);
    if (o >= next_offset_) {
        return {};
    }
    if (o < log_start_) {
        return error{errc::out_of_range,
                     fmt::format("{}: cannot truncate to {} below the log start offset {}",
                                 tp_.to_string(), o.value(), log_start_.value())};
    }
    while (segments_.size() > 1 && std::prev(segments_.end())->first >= o) {
        if (auto s =
                delete_segment_locked(std::prev(segments_.end()), clock_.now_ms(), "truncation");
            !s) {
            return s;
        }
    }
    if (auto s = active().truncate_to(o); !s) {
        return s;
    }
    next_offset_ = active().next_offset();
    recovery_point_ = std::min(recovery_point_, next_offset_);
    logger()->info("{}: truncated to offset {} (next offset now {})", tp_.to_string(), o.value(),
                   next_offset_.value());
    return {};
}

}  // namespace cs::storage
