#include "storage/file_io.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/file_names.h"

namespace cs::storage {

namespace {

error os_error(std::string_view op, const std::filesystem::path& path, int err) {
    return error{errc::io, fmt::format("{} {}: {}", op, path.string(), std::strerror(err))};
}

}  // namespace

file::~file() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

file::file(file&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) {
    o.fd_ = -1;
}

file& file::operator=(file&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = o.fd_;
        path_ = std::move(o.path_);
        o.fd_ = -1;
    }
    return *this;
}

result<file> file::open(const std::filesystem::path& path, bool create) {
    int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT) {
            return error{errc::not_found, fmt::format("open {}: no such file", path.string())};
        }
        return os_error("open", path, err);
    }
    return file(fd, path);
}

status file::pwrite_all(bytes_view data, uint64_t position) const {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done,
                             static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return os_error("pwrite", path_, errno);
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

status file::pread_exact(mutable_bytes_view out, uint64_t position) const {
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return os_error("pread", path_, errno);
        }
        if (n == 0) {
            return error{errc::out_of_range,
                         fmt::format("pread {}: end of file at {} (wanted {} bytes at {})",
                                     path_.string(), position + done, out.size(), position)};
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

result<uint64_t> file::size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        return os_error("fstat", path_, errno);
    }
    return static_cast<uint64_t>(st.st_size);
}

status file::truncate(uint64_t length) const {
    while (::ftruncate(fd_, static_cast<off_t>(length)) != 0) {
        if (errno != EINTR) {
            return os_error("ftruncate", path_, errno);
        }
    }
    return {};
}

status file::datasync() const {
    while (::fdatasync(fd_) != 0) {
        if (errno != EINTR) {
            return os_error("fdatasync", path_, errno);
        }
    }
    return {};
}

status sync_directory(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return os_error("open directory", dir, errno);
    }
    int rc;
    while ((rc = ::fsync(fd)) != 0 && errno == EINTR) {
    }
    int err = errno;
    ::close(fd);
    if (rc != 0) {
        return os_error("fsync directory", dir, err);
    }
    return {};
}

status write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
    std::filesystem::path tmp = path;
    tmp += std::string(file_names::temp_suffix);
    {
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            return os_error("open", tmp, errno);
        }
        file f(fd, tmp);
        if (auto s = f.pwrite_all(as_bytes(contents), 0); !s) {
            return s;
        }
        if (auto s = f.datasync(); !s) {
            return s;
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        return os_error("rename to " + path.string(), tmp, errno);
    }
    return sync_directory(path.parent_path());
}

}  // namespace cs::storage
