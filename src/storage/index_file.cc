#include "storage/index_file.h"

#include "base/log.h"

namespace cs::storage {

result<index_file_contents> read_index_file(const std::filesystem::path& path, size_t entry_size) {
    auto f = file::open(path, true);
    if (!f) {
        return std::move(f).take_error();
    }
    auto size = f->size();
    if (!size) {
        return std::move(size).take_error();
    }
    bytes raw(*size / entry_size * entry_size);
    if (auto s = f->pread_exact(raw, 0); !s) {
        return s.err();
    }
    return index_file_contents{std::move(*f), std::move(raw), *size};
}

status keep_valid_prefix(const file& f, const char* kind, uint64_t valid_bytes,
                         uint64_t file_size) {
    if (valid_bytes == file_size) {
        return {};
    }
    log::get("storage")->info("{} {}: keeping {} of {} bytes (invalid tail)", kind,
                              f.path().string(), valid_bytes, file_size);
    return f.truncate(valid_bytes);
}

}  // namespace cs::storage
