#include "storage/offset_index.h"

#include <algorithm>

#include "base/log.h"

namespace cs::storage {

result<offset_index> offset_index::open(const std::filesystem::path& path, kafka::offset base,
                                        size_t max_bytes, uint64_t log_size) {
    auto f = file::open(path, true);
    if (!f) {
        return std::move(f).take_error();
    }
    auto size = f->size();
    if (!size) {
        return std::move(size).take_error();
    }
    offset_index idx(std::move(*f), base, max_bytes);
    size_t n = *size / entry_size;
    bytes raw(n * entry_size);
    if (auto s = idx.file_.pread_exact(raw, 0); !s) {
        return s.err();
    }
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
    if (idx.entries_.size() * entry_size != *size) {
        log::get("storage")->info("offset index {}: keeping {} of {} bytes (invalid tail)",
                                  path.string(), idx.entries_.size() * entry_size, *size);
        if (auto s = idx.file_.truncate(idx.entries_.size() * entry_size); !s) {
            return s.err();
        }
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
