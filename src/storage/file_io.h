#pragma once

// Thin POSIX file helpers for storage: an owning file descriptor and
// full-length pread/pwrite that loop on short transfers and EINTR. Every
// error message names the file and the operation.

#include <filesystem>
#include <string>

#include <sys/types.h>

#include "base/bytes.h"
#include "base/result.h"

namespace cs::storage {

// An open file. Move-only; closes on destruction. Thread-safe to share for
// pread/pwrite/fdatasync (the kernel orders them; callers own the offsets).
class file {
  public:
    file() = default;
    file(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
    ~file();
    file(file&& o) noexcept;
    file& operator=(file&& o) noexcept;
    file(const file&) = delete;
    file& operator=(const file&) = delete;

    // O_RDWR | O_CREAT (mode 0644) unless `create` is false.
    static result<file> open(const std::filesystem::path& path, bool create);

    int fd() const { return fd_; }
    bool is_open() const { return fd_ >= 0; }
    const std::filesystem::path& path() const { return path_; }
    // After a rename the descriptor stays valid; keep messages accurate.
    void set_path(std::filesystem::path p) { path_ = std::move(p); }

    status pwrite_all(bytes_view data, uint64_t position) const;
    // Reads exactly out.size() bytes; errc::out_of_range if the file ends first.
    status pread_exact(mutable_bytes_view out, uint64_t position) const;
    result<uint64_t> size() const;
    status truncate(uint64_t length) const;
    status datasync() const;

  private:
    int fd_ = -1;
    std::filesystem::path path_;
};

// fsync of a directory, so created/renamed/removed entries survive a crash.
status sync_directory(const std::filesystem::path& dir);
// Write to `path`.tmp, fsync, rename over `path`, fsync the directory.
status write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace cs::storage
