#include "broker_bench_limits.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cs::bench {
namespace {

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t0) {
    return std::chrono::duration<double>(steady::now() - t0).count();
}

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// Closes a descriptor on scope exit.
struct fd_guard {
    int fd;
    ~fd_guard() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

throughput loopback_tcp(uint64_t total_bytes, size_t write_size) {
    int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0) {
        fail("socket");
    }
    fd_guard lguard{lfd};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(lfd, 1) != 0 ||
        ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        fail("bind/listen");
    }
    int cfd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (cfd < 0 || ::connect(cfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        fail("connect");
    }
    fd_guard cguard{cfd};
    int sfd = ::accept(lfd, nullptr, nullptr);
    if (sfd < 0) {
        fail("accept");
    }
    fd_guard sguard{sfd};

    auto t0 = steady::now();
    std::thread sender([cfd, total_bytes, write_size] {
        std::vector<char> buf(write_size, 'x');
        uint64_t sent = 0;
        while (sent < total_bytes) {
            size_t n = static_cast<size_t>(std::min<uint64_t>(write_size, total_bytes - sent));
            ssize_t w = ::send(cfd, buf.data(), n, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return;  // the receiver notices the short count
            }
            sent += static_cast<uint64_t>(w);
        }
        ::shutdown(cfd, SHUT_WR);
    });
    std::vector<char> buf(write_size);
    uint64_t received = 0;
    while (received < total_bytes) {
        ssize_t r = ::recv(sfd, buf.data(), buf.size(), 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        received += static_cast<uint64_t>(r);
    }
    throughput out{received, seconds_since(t0)};
    sender.join();
    if (received != total_bytes) {
        throw std::runtime_error("loopback: connection ended early");
    }
    return out;
}

disk_result sequential_write(const std::filesystem::path& dir, uint64_t total_bytes, size_t chunk,
                             uint64_t fsync_every) {
    auto path = dir / ("broker-bench-disk-" + std::to_string(::getpid()) + ".tmp");
    int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail("open");
    }
    fd_guard guard{fd};
    std::vector<char> buf(chunk);
    for (size_t i = 0; i < chunk; ++i) {
        buf[i] = static_cast<char>('a' + i % 26);
    }
    disk_result out;
    auto sync = [&] {
        auto s0 = steady::now();
        if (::fdatasync(fd) != 0) {
            fail("fdatasync");
        }
        out.fsync_seconds += seconds_since(s0);
        ++out.fsyncs;
    };
    auto t0 = steady::now();
    uint64_t written = 0;
    uint64_t chunks = 0;
    while (written < total_bytes) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(chunk, total_bytes - written));
        ssize_t w = ::write(fd, buf.data(), n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("write");
        }
        written += static_cast<uint64_t>(w);
        if (fsync_every > 0 && ++chunks % fsync_every == 0) {
            sync();
        }
    }
    if (fsync_every > 0 && chunks % fsync_every != 0) {
        sync();
    }
    out.write = {written, seconds_since(t0)};
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return out;
}

std::string filesystem_type(const std::filesystem::path& path) {
    std::error_code ec;
    auto target = std::filesystem::weakly_canonical(path, ec).string();
    std::ifstream mounts("/proc/self/mounts");
    std::string dev, mnt, type, rest, best_type = "unknown";
    size_t best_len = 0;
    while (mounts >> dev >> mnt >> type && std::getline(mounts, rest)) {
        bool prefix = target.compare(0, mnt.size(), mnt) == 0 &&
                      (target.size() == mnt.size() || mnt == "/" || target[mnt.size()] == '/');
        if (prefix && mnt.size() >= best_len) {
            best_len = mnt.size();
            best_type = type + " on " + dev + " (" + mnt + ")";
        }
    }
    return best_type;
}

}  // namespace cs::bench
