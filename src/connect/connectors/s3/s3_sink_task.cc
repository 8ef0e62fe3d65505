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
            "rotate.interval.ms is only used with a TimeBasedPartitioner and a Record or "
            "RecordField timestamp extractor; ignoring it");
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
    files_.clear();
    return {};
}

size_t s3_sink_task::total_buffered() const {
    size_t n = 0;
    for (const auto& [k, f] : files_) {
        n += f.writer->buffered_bytes();
    }
    return n;
}

status s3_sink_task::complete(file_key key) {
    auto it = files_.find(key);
    if (it == files_.end()) {
        return {};
    }
    const auto& [topic, partition, encoded] = key;
    auto body = it->second.writer->finish();
    const int64_t start = it->second.start_offset;
    files_.erase(it);
    if (!body) {
        return body.err();
    }
    const std::string name = fmt::format("{}/{}/{}/{}+{}+{:0{}}{}", topics_dir_, topic, encoded,
                                         topic, partition, start, zero_pad_, format_->extension());
    if (auto st = upload_object(*store_, name, *body, part_size_); !st) {
        return st;
    }
    ++objects_written_;
    log::get("s3-sink")->debug("{}-{}: completed {} ({} bytes)", topic, partition, name,
                               body->size());
    return {};
}

status s3_sink_task::complete_all() {
    while (!files_.empty()) {
        if (auto st = complete(files_.begin()->first); !st) {
            return st;
        }
    }
    return {};
}

status s3_sink_task::write_one(const record& r) {
    if (r.value.is_null()) {
        if (null_behavior_ == "ignore") {
            return {};
        }
        reporter_->report(r,
                          "null value (tombstone) and behavior.on.null.values=" + null_behavior_);
        return {};
    }
    auto encoded = partitioner_->encode_partition(r);
    if (!encoded) {
        reporter_->report(r, encoded.err().message);
        return {};
    }
    std::optional<int64_t> when;
    if (rotate_interval_ms_ > 0) {
        auto t = partitioner_->extractor()->extract(r);
        if (t) {
            when = *t;
        }
    }
    file_key key{r.topic, r.partition.value_or(0), std::move(*encoded)};
    auto it = files_.find(key);
    if (it != files_.end() && when && it->second.first_time_ms &&
        *when - *it->second.first_time_ms >= rotate_interval_ms_) {
        if (auto st = complete(key); !st) {
            return st;
        }
        it = files_.end();
    }
    if (it == files_.end()) {
        auto w = format_->open(r);
        if (!w) {
            reporter_->report(r, w.err().message);
            return {};
        }
        it = files_.emplace(key, open_file{r.kafka_offset, when, 0, std::move(*w)}).first;
    }
    auto ok = it->second.writer->write(r);
    if (ok && !*ok) {
        // Another schema: the open file ends here and a new one, with the
        // old schema widened by r, starts with r.
        auto w = format_->open(r, it->second.writer.get());
        if (!w) {
            reporter_->report(r, w.err().message);
            return {};
        }
        if (auto st = complete(key); !st) {
            return st;
        }
        it = files_.emplace(key, open_file{r.kafka_offset, when, 0, std::move(*w)}).first;
        ok = it->second.writer->write(r);
        if (ok && !*ok) {
            // Nothing was written: the new, empty file goes, r is errant.
            files_.erase(it);
            reporter_->report(r, "the record does not fit the schema derived from it");
            return {};
        }
    }
    if (!ok) {
        // The writer failed mid-row and its file is unusable. Not retriable:
        // the task fails and nothing of the batch is committed.
        files_.clear();
        return ok.err();
    }
    ++it->second.records;
    if (it->second.records >= flush_size_ ||
        it->second.writer->buffered_bytes() >= max_file_bytes_) {
        if (auto st = complete(key); !st) {
            return st;
        }
    }
    // Total cap: complete the largest files until under it.
    while (!files_.empty() && total_buffered() > max_total_bytes_) {
        auto largest = files_.begin();
        for (auto f = files_.begin(); f != files_.end(); ++f) {
            if (f->second.writer->buffered_bytes() > largest->second.writer->buffered_bytes()) {
                largest = f;
            }
        }
        if (auto st = complete(largest->first); !st) {
            return st;
        }
    }
    return {};
}

status s3_sink_task::put(std::span<const record> records) {
    status st;
    for (const auto& r : records) {
        st = write_one(r);
        if (!st) {
            break;
        }
    }
    if (st) {
        st = complete_all();
    }
    if (!st) {
        // The worker replays the whole batch: forget what was buffered.
        files_.clear();
        log::get("s3-sink")->warn("put of {} records failed: {}", records.size(), st.message());
    }
    return st;
}

void s3_sink_task::stop() {
    // Buffered records were never acknowledged; nothing to flush.
    files_.clear();
    store_.reset();
}

}  // namespace cs::connect::s3
