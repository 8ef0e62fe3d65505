#include "storage/offset_index.h"

#include <algorithm>

#include "storage/index_file.h"

namespace cs::storage {

result<offset_index> offset_index::open(const std::filesystem::path& path, kafka::offset base,
                                        size_t max_bytes, uint64_t log_size) {
    auto contents = read_index_file(path, entry_size);
    if (!contents) {
        return contents.take_error();
    }
    offset_index idx(std::move(contents->f), base, max_bytes);
    const bytes& raw = contents->entries;
    size_t n = raw.size() / entry_size;
    for (size_t i = 0; i < n; ++i) {
        const std::byte* p = raw.data() + i * entry_size;
        int32_t rel = load_be<int32_t>(p);
        uint32_t pos = load_be<uint32_t>(p + 4);
        bool increasing =
            idx.entries_.empty() || (base.value() + rel > idx.entries_.back().offset.value() &&
                                     pos > idx.entries_.back().position);
        if (rel < 0 || pos >= log_size || !increasing) {
            break;
        }
        idx.entries_.push_back({base + rel, pos});
    }
    if (auto s = keep_valid_prefix(idx.file_, "offset index", idx.entries_.size() * entry_size,
                                   contents->file_size);
        !s) {
        return s.err();
    }
    return idx;
}

status offset_index::append(kafka::offset o, uint32_t position) {
    std::byte buf[entry_size];
    store_be<int32_t>(buf, static_cast<int32_t>(o.value() - base_.value()));
    store_be<uint32_t>(buf + 4, position);
    if (auto s = file_.pwrite_all(bytes_view(buf, entry_size), entries_.size() * entry_size); !s) {
        return s;
    }
    entries_.push_back({o, position});
    return {};
}

std::optional<offset_index::entry> offset_index::lookup(kafka::offset target) const {
    auto it = std::upper_bound(entries_.begin(), entries_.end(), target,
                               [](kafka::offset t, const entry& e) { return t < e.offset; });
    if (it == entries_.begin()) {
        return std::nullopt;
    }
    return *(it - 1);
}

std::optional<offset_index::entry> offset_index::lookup_position(uint64_t pos) const {
    auto it = std::upper_bound(entries_.begin(), entries_.end(), pos,
                               [](uint64_t p, const entry& e) { return p < e.position; });
    if (it == entries_.begin()) {
        return std::nullopt;
    }
    return *(it - 1);
}

status offset_index::truncate_to(kafka::offset o) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), o,
                               [](const entry& e, kafka::offset t) { return e.offset < t; });
    entries_.erase(it, entries_.end());
    return file_.truncate(entries_.size() * entry_size);
}

}  // namespace cs::storage
