#include "formats/parquet/byte_sink.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace cs::formats::parquet {

namespace {
error io_error(const char* what, const std::string& path) {
    return error{errc::io, fmt::format("{} {}: {}", what, path, std::strerror(errno))};
}
}  // namespace

result<std::unique_ptr<file_sink>> file_sink::create(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return io_error("cannot create", path);
    }
    return std::unique_ptr<file_sink>(new file_sink(fd, path));
}

file_sink::~file_sink() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

status file_sink::append(bytes_view data) {
    if (fd_ < 0) {
        return error{errc::invalid_argument, fmt::format("append to finished file {}", path_)};
    }
    while (!data.empty()) {
        ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return io_error("cannot write", path_);
        }
        data = data.subspan(static_cast<size_t>(n));
    }
    return {};
}

status file_sink::finish() {
    if (fd_ < 0) {
        return {};
    }
    int fd = fd_;
    fd_ = -1;
    if (::fdatasync(fd) != 0) {
        auto e = io_error("cannot sync", path_);
        ::close(fd);
        return e;
    }
    if (::close(fd) != 0) {
        return io_error("cannot close", path_);
    }
    return {};
}

}  // namespace cs::formats::parquet
