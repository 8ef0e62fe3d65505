#include "storage/time_index.h"

#include <algorithm>

#include "storage/index_file.h"

namespace cs::storage {

result<time_index> time_index::open(const std::filesystem::path& path, kafka::offset base,
                                    size_t max_bytes, kafka::offset log_end) {
    auto contents = read_index_file(path, entry_size);
    if (!contents) {
        return contents.take_error();
    }
    time_index idx(std::move(contents->f), base, max_bytes);
    const bytes& raw = contents->entries;
    size_t n = raw.size() / entry_size;
    for (size_t i = 0; i < n; ++i) {
        const std::byte* p = raw.data() + i * entry_size;
        int64_t ts = load_be<int64_t>(p);
        int32_t rel = load_be<int32_t>(p + 8);
        kafka::offset o = base + rel;
        bool increasing = idx.entries_.empty() ||
                          (ts > idx.entries_.back().timestamp && o >= idx.entries_.back().offset);
        if (rel < 0 || o >= log_end || !increasing) {
            break;
        }
        idx.entries_.push_back({ts, o});
    }
    if (auto s = keep_valid_prefix(idx.file_, "time index", idx.entries_.size() * entry_size,
                                   contents->file_size);
        !s) {
        return s.err();
    }
    return idx;
}

status time_index::maybe_append(int64_t ts, kafka::offset o) {
    if (!entries_.empty() && ts <= entries_.back().timestamp) {
        return {};
    }
    std::byte buf[entry_size];
    store_be<int64_t>(buf, ts);
    store_be<int32_t>(buf + 8, static_cast<int32_t>(o.value() - base_.value()));
    if (auto s = file_.pwrite_all(bytes_view(buf, entry_size), entries_.size() * entry_size); !s) {
        return s;
    }
    entries_.push_back({ts, o});
    return {};
}

std::optional<time_index::entry> time_index::lookup_before(int64_t target) const {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), target,
                               [](const entry& e, int64_t t) { return e.timestamp < t; });
    if (it == entries_.begin()) {
        return std::nullopt;
    }
    return *(it - 1);
}

status time_index::truncate_to(kafka::offset o) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), o,
                               [](const entry& e, kafka::offset t) { return e.offset < t; });
    entries_.erase(it, entries_.end());
    return file_.truncate(entries_.size() * entry_size);
}

}  // namespace cs::storage
