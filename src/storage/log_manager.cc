#include "storage/log_manager.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "base/log.h"
#include "storage/checkpoint.h"
#include "storage/file_io.h"
#include "storage/file_names.h"

namespace cs::storage {

namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto l = log::get("storage");
    return l;
}

}  // namespace

log_manager::log_manager(log_manager_options opts, clock& clk)
    : opts_(std::move(opts)), clock_(clk) {}

log_manager::~log_manager() {
    if (!shut_down_) {
        if (auto s = shutdown(); !s) {
            logger()->error("log manager shutdown: {}", s.message());
        }
    }
}

result<std::unique_ptr<log_manager>> log_manager::open(log_manager_options opts, clock& clk) {
    if (opts.log_dirs.empty()) {
        return error{errc::invalid_argument, "log manager: no log dirs given"};
    }
    std::unique_ptr<log_manager> m(new log_manager(std::move(opts), clk));
    for (const auto& dir : m->opts_.log_dirs) {
        if (auto s = m->load_dir(dir); !s) {
            m->shut_down_ = true;  // nothing to flush: loading failed
            m->flusher_.stop();
            return s.err();
        }
    }
    m->last_checkpoint_ms_ = clk.monotonic_ms();
    m->last_retention_check_ms_ = m->last_checkpoint_ms_;
    return m;
}

status log_manager::load_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    // A new directory has no shutdown to speak of: no partitions and no
    // checkpoint yet (the broker may have written its meta.properties).
    bool fresh = !std::filesystem::exists(dir / file_names::recovery_point_checkpoint, ec);
    for (const auto& de : std::filesystem::directory_iterator(dir, ec)) {
        fresh = fresh && !de.is_directory();
    }
    ec.clear();
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return error{errc::io, fmt::format("create log dir {}: {}", dir.string(), ec.message())};
    }
    const auto marker = dir / file_names::clean_shutdown_marker;
    const bool clean = std::filesystem::exists(marker);
    auto recovery = read_checkpoint(dir / file_names::recovery_point_checkpoint);
    if (!recovery) {
        return recovery.err();
    }
    auto starts = read_checkpoint(dir / file_names::log_start_offset_checkpoint);
    if (!starts) {
        return starts.err();
    }
    if (fresh) {
        logger()->info("new log dir {}", dir.string());
    } else {
        logger()->info("loading log dir {} ({} shutdown)", dir.string(),
                       clean ? "clean" : "unclean");
    }
    for (const auto& de : std::filesystem::directory_iterator(dir, ec)) {
        if (!de.is_directory()) {
            continue;
        }
        std::string name = de.path().filename().string();
        if (name.ends_with(file_names::deleted_suffix)) {
            std::filesystem::remove_all(de.path(), ec);
            continue;
        }
        auto tp = file_names::parse_partition_dir(name);
        if (!tp) {
            logger()->warn("{}: not a partition directory, ignored", de.path().string());
            continue;
        }
        std::lock_guard lock(mu_);
        if (logs_.contains(*tp)) {
            return error{errc::already_exists,
                         fmt::format("partition {} found twice (second copy in {})",
                                     tp->to_string(), de.path().string())};
        }
        open_options oo;
        oo.clean_shutdown = clean;
        if (auto it = recovery->find(*tp); it != recovery->end()) {
            oo.recovery_point = it->second;
        }
        if (auto it = starts->find(*tp); it != starts->end()) {
            oo.log_start_offset = it->second;
        }
        log_config cfg = opts_.config_for ? opts_.config_for(*tp) : log_config{};
        auto log = partition_log::open(de.path(), *tp, cfg, clock_, &flusher_, oo);
        if (!log) {
            return log.err();
        }
        logs_.emplace(*tp, entry{dir, std::move(*log)});
    }
    if (ec) {
        return error{errc::io, fmt::format("list log dir {}: {}", dir.string(), ec.message())};
    }
    if (clean) {
        std::lock_guard lock(mu_);
        clean_dirs_.push_back(dir);
        std::filesystem::remove(marker, ec);
        if (ec) {
            return error{errc::io, fmt::format("remove {}: {}", marker.string(), ec.message())};
        }
        return sync_directory(dir);
    }
    return {};
}

std::shared_ptr<partition_log> log_manager::get(const kafka::topic_partition& tp) const {
    std::lock_guard lock(mu_);
    auto it = logs_.find(tp);
    return it == logs_.end() ? nullptr : it->second.log;
}

std::vector<kafka::topic_partition> log_manager::partitions() const {
    std::lock_guard lock(mu_);
    std::vector<kafka::topic_partition> out;
    for (const auto& [tp, e] : logs_) {
        out.push_back(tp);
    }
    std::sort(out.begin(), out.end());
    return out;
}

result<std::shared_ptr<partition_log>> log_manager::create(const kafka::topic_partition& tp,
                                                           const log_config& cfg) {
    std::lock_guard lock(mu_);
    if (logs_.contains(tp)) {
        return error{errc::already_exists, fmt::format("partition {} exists", tp.to_string())};
    }
    // The dir with the fewest partitions, as Kafka places new partitions.
    const std::filesystem::path* best = &opts_.log_dirs.front();
    size_t best_count = SIZE_MAX;
    for (const auto& dir : opts_.log_dirs) {
        size_t n = static_cast<size_t>(std::count_if(
            logs_.begin(), logs_.end(), [&](const auto& kv) { return kv.second.log_dir == dir; }));
        if (n < best_count) {
            best = &dir;
            best_count = n;
        }
    }
    auto path = *best / file_names::partition_dir(tp);
    if (std::filesystem::exists(path)) {
        return error{errc::already_exists, fmt::format("create {}: directory {} already exists",
                                                       tp.to_string(), path.string())};
    }
    auto log = partition_log::open(path, tp, cfg, clock_, &flusher_, open_options{});
    if (!log) {
        return log.err();
    }
    logs_.emplace(tp, entry{*best, *log});
    logger()->debug("{}: created in {}", tp.to_string(), best->string());
    return *log;
}

status log_manager::remove(const kafka::topic_partition& tp) {
    entry e;
    {
        std::lock_guard lock(mu_);
        auto it = logs_.find(tp);
        if (it == logs_.end()) {
            return error{errc::not_found, fmt::format("partition {} not found", tp.to_string())};
        }
        e = std::move(it->second);
        logs_.erase(it);
    }
    // Rename first so a crash mid-removal never leaves a half-deleted
    // partition that would be loaded again.
    auto from = e.log->dir();
    auto to = from.parent_path() / file_names::deleted_partition_dir(tp, clock_.now_ms());
    std::error_code ec;
    std::filesystem::rename(from, to, ec);
    if (ec) {
        return error{errc::io,
                     fmt::format("rename {} to {}: {}", from.string(), to.string(), ec.message())};
    }
    if (auto s = sync_directory(e.log_dir); !s) {
        return s;
    }
    std::filesystem::remove_all(to, ec);
    if (ec) {
        logger()->warn("remove {}: {} (retried at next start-up)", to.string(), ec.message());
    }
    logger()->info("{}: deleted ({})", tp.to_string(), from.string());
    return {};
}

void log_manager::tick(int64_t now_ms) {
    std::vector<std::shared_ptr<partition_log>> logs;
    {
        std::lock_guard lock(mu_);
        for (const auto& [tp, e] : logs_) {
            logs.push_back(e.log);
        }
    }
    const int64_t mono = clock_.monotonic_ms();
    const bool retention_due = mono - last_retention_check_ms_ >= opts_.retention_check_interval_ms;
    if (retention_due) {
        last_retention_check_ms_ = mono;
    }
    for (auto& log : logs) {
        if (retention_due) {
            if (auto r = log->apply_retention(now_ms); !r) {
                logger()->error("{}: retention: {}", log->topic_partition().to_string(),
                                r.err().message);
            }
        }
        log->purge_deleted(now_ms);
        log->maybe_flush_periodically(now_ms);
    }
    if (opts_.cleaner_enable) {
        std::shared_ptr<partition_log> dirtiest;
        double worst = 0;
        for (auto& log : logs) {
            if (log->needs_compaction()) {
                double r = log->dirty_ratio();
                if (!dirtiest || r > worst) {
                    dirtiest = log;
                    worst = r;
                }
            }
        }
        if (dirtiest) {
            if (auto r = dirtiest->compact(now_ms); !r) {
                logger()->error("{}: compaction: {}", dirtiest->topic_partition().to_string(),
                                r.err().message);
            }
        }
    }
    if (mono - last_checkpoint_ms_ >= opts_.checkpoint_interval_ms) {
        last_checkpoint_ms_ = mono;
        if (auto s = checkpoint(); !s) {
            logger()->error("checkpoint: {}", s.message());
        }
    }
}

status log_manager::checkpoint() {
    std::map<std::filesystem::path, std::pair<offset_map, offset_map>> per_dir;
    {
        std::lock_guard lock(mu_);
        for (const auto& dir : opts_.log_dirs) {
            per_dir[dir];
        }
        for (const auto& [tp, e] : logs_) {
            auto& [recovery, starts] = per_dir[e.log_dir];
            recovery[tp] = e.log->recovery_point();
            starts[tp] = e.log->log_start_offset();
        }
    }
    for (const auto& [dir, maps] : per_dir) {
        if (auto s = write_checkpoint(dir / file_names::recovery_point_checkpoint, maps.first);
            !s) {
            return s;
        }
        if (auto s = write_checkpoint(dir / file_names::log_start_offset_checkpoint, maps.second);
            !s) {
            return s;
        }
    }
    return {};
}

status log_manager::shutdown() {
    if (shut_down_) {
        return {};
    }
    shut_down_ = true;
    flusher_.stop();
    std::vector<std::pair<std::filesystem::path, std::shared_ptr<partition_log>>> logs;
    {
        std::lock_guard lock(mu_);
        for (const auto& [tp, e] : logs_) {
            logs.emplace_back(e.log_dir, e.log);
        }
    }
    status first_error;
    std::vector<std::filesystem::path> failed_dirs;
    for (auto& [dir, log] : logs) {
        if (auto s = log->flush_all(); !s) {
            logger()->error("{}: flush at shutdown: {}", log->topic_partition().to_string(),
                            s.message());
            failed_dirs.push_back(dir);
            if (first_error.ok()) {
                first_error = s;
            }
        }
    }
    if (auto s = checkpoint(); !s) {
        return s;
    }
    for (const auto& dir : opts_.log_dirs) {
        if (std::find(failed_dirs.begin(), failed_dirs.end(), dir) != failed_dirs.end()) {
            continue;  // next start-up must recover this dir
        }
        if (auto s = write_file_atomically(dir / file_names::clean_shutdown_marker, ""); !s) {
            return s;
        }
    }
    logger()->info("log manager shut down cleanly ({} partitions)", logs.size());
    return first_error;
}

bool log_manager::was_clean(const std::filesystem::path& dir) const {
    std::lock_guard lock(mu_);
    return std::find(clean_dirs_.begin(), clean_dirs_.end(), dir) != clean_dirs_.end();
}

}  // namespace cs::storage
