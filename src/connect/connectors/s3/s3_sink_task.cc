#include "connect/connectors/s3/s3_sink_task.h"

#include <fmt/format.h>

#include "base/log.h"
#include "connect/connectors/s3/s3_store.h"

namespace cs::connect::s3 {
namespace {

std::string get(const config_map& c, const std::string& key, std::string def = {}) {
    auto it = c.find(key);
    return it == c.end() ? def : it->second;
}

result<int64_t> get_long(const config_map& c, const std::string& key, int64_t def) {
    auto it = c.find(key);
    if (it == c.end() || it->second.empty()) {
        return def;
    }
    try {
        size_t used = 0;
        int64_t v = std::stoll(it->second, &used);
        if (used != it->second.size()) {
            throw std::invalid_argument(key);
        }
        return v;
    } catch (const std::exception&) {
        return error{errc::invalid_argument,
                     fmt::format("{} '{}' is not an integer", key, it->second)};
    }
}

}  // namespace

result<std::unique_ptr<object_store>> open_store_from_config(const config_map& config) {
    const std::string url = get(config, "store.url");
    if (url.starts_with("file://")) {
        std::string root = url.substr(7);
        const std::string bucket = get(config, "s3.bucket.name");
        if (!bucket.empty()) {
            root += "/" + bucket;
        }
        return open_local_store(root);
    }
    auto options = s3_options_from_config(config);
    if (!options) {
        return options.err();
    }
    return open_s3_store(std::move(*options));
}

status s3_sink_task::start(const config_map& config, errant_record_reporter& reporter) {
    reporter_ = &reporter;
    auto flush = get_long(config, "flush.size", -1);
    if (!flush) {
        return flush.err();
    }
    if (*flush < 1) {
        return error{errc::invalid_argument, "flush.size is required and must be >= 1"};
    }
    flush_size_ = static_cast<uint64_t>(*flush);
    auto rotate = get_long(config, "rotate.interval.ms", -1);
    auto schedule = get_long(config, "rotate.schedule.interval.ms", -1);
    if (!schedule) {
        return schedule.err();
    }
    rotate_schedule_ms_ = *schedule > 0 ? *schedule : -1;
    auto part = get_long(config, "s3.part.size", 25 << 20);
    auto pad = get_long(config, "filename.offset.zero.pad.width", 10);
    if (!rotate || !part || !pad) {
        return !rotate ? rotate.err() : !part ? part.err() : pad.err();
    }
    if (*part < (5 << 20)) {
        return error{errc::invalid_argument, "s3.part.size must be at least 5242880"};
    }
    rotate_interval_ms_ = *rotate;
    part_size_ = static_cast<size_t>(*part);
    zero_pad_ = static_cast<int>(*pad);
    auto file_cap = get_long(config, "s3.max.buffered.bytes.per.file", *part);
    auto total_cap = get_long(config, "s3.max.buffered.bytes", int64_t{256} << 20);
    if (!file_cap || !total_cap) {
        return !file_cap ? file_cap.err() : total_cap.err();
    }
    max_file_bytes_ = static_cast<size_t>(std::max<int64_t>(*file_cap, 1));
    max_total_bytes_ = static_cast<size_t>(std::max<int64_t>(*total_cap, 1));
    topics_dir_ = get(config, "topics.dir", "topics");
    null_behavior_ = get(config, "behavior.on.null.values", "fail");

    auto p = make_partitioner(config, clock_);
    if (!p) {
        return p.err();
    }
    partitioner_ = std::move(*p);
    if (rotate_interval_ms_ > 0 && partitioner_->extractor() == nullptr) {
        log::get("s3-sink")->warn(
            "rotate.interval.ms is only used with a TimeBasedPartitioner (as Confluent's); "
            "ignoring it");
        rotate_interval_ms_ = -1;
    }
    auto f = make_record_format(config);
    if (!f) {
        return f.err();
    }
    format_ = std::move(*f);
    auto s = stores_(config);
    if (!s) {
        return s.err();
    }
    store_ = std::move(*s);
    parts_.clear();
    total_buffered_ = 0;
    uploads_waiting_ = false;
    return {};
}

void s3_sink_task::forget(partition_state& ps) {
    total_buffered_ -= ps.buffered;
    ps.files.clear();
    ps.buffered = 0;
    ps.set_start = -1;
    ps.set_records = 0;
    ps.base_time_ms.reset();
    ps.next_scheduled_ms = -1;
}

status s3_sink_task::complete_set(const kafka_partition& tp, partition_state& ps) {
    if (ps.files.empty()) {
        forget(ps);
        return {};
    }
    if (ps.uploads.empty()) {
        ps.uploads_start = ps.set_start;
    }
    const auto& [topic, partition] = tp;
    for (auto& [encoded, f] : ps.files) {
        auto body = f.writer->finish();
        if (!body) {
            forget(ps);
            return body.err();
        }
        ps.uploads.push_back(
            {fmt::format("{}/{}/{}/{}+{}+{:0{}}{}", topics_dir_, topic, encoded, topic, partition,
                         f.start_offset, zero_pad_, format_->extension()),
             std::move(*body)});
    }
    log::get("s3-sink")->debug("{}-{}: completed {} file(s) of {} records from offset {}", topic,
                               partition, ps.files.size(), ps.set_records, ps.set_start);
    forget(ps);
    uploads_waiting_ = true;
    return {};
}

status s3_sink_task::drain_uploads() {
    if (!uploads_waiting_) {
        return {};
    }
    for (auto& [tp, ps] : parts_) {
        while (!ps.uploads.empty()) {
            const auto& obj = ps.uploads.front();
            if (auto st = upload_object(*store_, obj.name, obj.body, part_size_); !st) {
                return st;
            }
            ++objects_written_;
            log::get("s3-sink")->debug("uploaded {} ({} bytes)", obj.name, obj.body.size());
            ps.uploads.pop_front();
        }
        ps.uploads_start = -1;
    }
    uploads_waiting_ = false;
    return {};
}

status s3_sink_task::enforce_total_cap() {
    while (total_buffered_ > max_total_bytes_) {
        auto largest = parts_.end();
        for (auto it = parts_.begin(); it != parts_.end(); ++it) {
            if (largest == parts_.end() || it->second.buffered > largest->second.buffered) {
                largest = it;
            }
        }
        if (largest == parts_.end() || largest->second.buffered == 0) {
            break;
        }
        if (auto st = complete_set(largest->first, largest->second); !st) {
            return st;
        }
    }
    return {};
}

status s3_sink_task::rotate_on_schedule() {
    if (rotate_schedule_ms_ <= 0) {
        return {};
    }
    const int64_t now = clock_.now_ms();
    for (auto& [tp, ps] : parts_) {
        if (ps.set_records > 0 && ps.next_scheduled_ms >= 0 && now >= ps.next_scheduled_ms) {
            if (auto st = complete_set(tp, ps); !st) {
                return st;
            }
        }
    }
    return {};
}

status s3_sink_task::add_to_file(partition_state& ps, const std::string& encoded, const record& r,
                                 std::unique_ptr<record_writer> writer) {
    auto it = ps.files.emplace(encoded, open_file{r.kafka_offset, std::move(writer), 0}).first;
    auto ok = it->second.writer->write(r);
    if (!ok) {
        return ok.err();
    }
    if (!*ok) {
        // A new file refuses the record its schema was derived from.
        ps.files.erase(it);
        reporter_->report(r, "the record does not fit the schema derived from it");
        return {};
    }
    if (ps.set_start < 0) {
        ps.set_start = r.kafka_offset;
    }
    account(ps, it->second);
    return {};
}

void s3_sink_task::account(partition_state& ps, open_file& f) {
    const size_t now = f.writer->buffered_bytes();
    ps.buffered += now - f.bytes;
    total_buffered_ += now - f.bytes;
    f.bytes = now;
    ++ps.set_records;
}

status s3_sink_task::write_one(partition_state& ps, const record& r) {
    if (r.value.is_null()) {
        if (null_behavior_ != "ignore") {
            reporter_->report(
                r, "null value (tombstone) and behavior.on.null.values=" + null_behavior_);
        }
        return {};
    }
    auto encoded = partitioner_->encode_partition(r);
    if (!encoded) {
        reporter_->report(r, encoded.err().message);
        return {};
    }
    const kafka_partition tp{r.topic, r.partition.value_or(0)};
    std::optional<int64_t> when;
    if (rotate_interval_ms_ > 0) {
        if (auto t = partitioner_->extractor()->extract(r)) {
            when = *t;
        }
    }
    if (when && ps.base_time_ms && *when - *ps.base_time_ms >= rotate_interval_ms_) {
        if (auto st = complete_set(tp, ps); !st) {
            return st;
        }
    }
    std::unique_ptr<record_writer> fresh;
    auto it = ps.files.find(*encoded);
    if (it == ps.files.end()) {
        auto w = format_->open(r);
        if (!w) {
            reporter_->report(r, w.err().message);
            return {};
        }
        fresh = std::move(*w);
    } else if (auto fits = it->second.writer->write(r); !fits) {
        // The writer failed mid-row and its file is unusable. Not retriable:
        // the task fails and nothing of the set is committed.
        forget(ps);
        return fits.err();
    } else if (!*fits) {
        // Another schema: the set ends here and a new file starts with r
        // (its layout from its own records only: a replay that starts at the
        // new set builds the same file).
        auto w = format_->open(r);
        if (!w) {
            reporter_->report(r, w.err().message);
            return {};
        }
        fresh = std::move(*w);
        if (auto st = complete_set(tp, ps); !st) {
            return st;
        }
    } else {
        account(ps, it->second);  // written by the probe above
    }
    if (fresh) {
        const bool new_set = ps.set_records == 0;
        if (auto st = add_to_file(ps, *encoded, r, std::move(fresh)); !st) {
            forget(ps);
            return st;
        }
        if (new_set && ps.set_records > 0) {
            ps.base_time_ms = when;
            if (rotate_schedule_ms_ > 0) {
                const int64_t now = clock_.now_ms();
                ps.next_scheduled_ms = (now / rotate_schedule_ms_ + 1) * rotate_schedule_ms_;
            }
        }
    }
    bool full = ps.set_records >= flush_size_;
    if (auto f = ps.files.find(*encoded);
        f != ps.files.end() && f->second.bytes >= max_file_bytes_) {
        full = true;
    }
    if (full) {
        return complete_set(tp, ps);
    }
    return {};
}

status s3_sink_task::put(std::span<const record> records) {
    auto run = [&]() -> status {
        if (auto st = drain_uploads(); !st) {
            return st;
        }
        for (const auto& r : records) {
            auto& ps = parts_[{r.topic, r.partition.value_or(0)}];
            if (ps.next_offset >= 0 && r.kafka_offset < ps.next_offset) {
                continue;  // taken before a failed upload; the worker redelivers
            }
            ps.next_offset = r.kafka_offset + 1;
            if (auto st = write_one(ps, r); !st) {
                return st;
            }
            if (auto st = enforce_total_cap(); !st) {
                return st;
            }
            if (auto st = drain_uploads(); !st) {
                return st;
            }
        }
        if (auto st = rotate_on_schedule(); !st) {
            return st;
        }
        return drain_uploads();
    };
    status st = run();
    if (!st) {
        log::get("s3-sink")->warn("put of {} records failed{}: {}", records.size(),
                                  st.code() == errc::io || st.code() == errc::timed_out
                                      ? " (the finished objects are kept and uploaded on retry)"
                                      : "",
                                  st.message());
    }
    return st;
}

std::map<kafka_partition, int64_t> s3_sink_task::pre_commit(
    const std::map<kafka_partition, int64_t>& current) {
    std::map<kafka_partition, int64_t> out;
    for (const auto& [tp, offset] : current) {
        auto it = parts_.find(tp);
        if (it == parts_.end()) {
            out.emplace(tp, offset);
        } else if (it->second.uploads_start >= 0) {
            out.emplace(tp, it->second.uploads_start);
        } else if (it->second.set_start >= 0) {
            out.emplace(tp, it->second.set_start);
        } else {
            out.emplace(tp, offset);
        }
    }
    return out;
}

void s3_sink_task::close(const std::vector<kafka_partition>& partitions) {
    for (const auto& tp : partitions) {
        if (auto it = parts_.find(tp); it != parts_.end()) {
            forget(it->second);
            parts_.erase(it);
        }
    }
}

void s3_sink_task::stop() {
    // Buffered records were never committed; the next owner replays them.
    parts_.clear();
    total_buffered_ = 0;
    uploads_waiting_ = false;
    store_.reset();
}

}  // namespace cs::connect::s3
