#pragma once

// A blocking POSIX TCP client for the network server's tests: raw frames,
// bounded waits (poll with a generous timeout), no asio, so it cannot share
// a bug with the code under test.

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/bytes.h"

namespace cs::broker::net::testing {

inline constexpr int kGenerousTimeoutMs = 20000;

class test_client {
  public:
    explicit test_client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~test_client() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    test_client(const test_client&) = delete;
    test_client& operator=(const test_client&) = delete;

    bool connected() const { return connected_; }

    bool send_raw(std::string_view data) {
        size_t off = 0;
        while (off < data.size()) {
            ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
            if (n <= 0) {
                return false;
            }
            off += static_cast<size_t>(n);
        }
        return true;
    }

    static std::string length_prefix(int32_t len) {
        std::string s(4, '\0');
        store_be<int32_t>(reinterpret_cast<std::byte*>(s.data()), len);
        return s;
    }

    static std::string frame(std::string_view body) {
        return length_prefix(static_cast<int32_t>(body.size())) + std::string(body);
    }

    bool send_frame(std::string_view body) { return send_raw(frame(body)); }

    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

    // Reads exactly n bytes; nullopt on EOF, error or timeout.
    std::optional<std::string> read_exact(size_t n, int timeout_ms = kGenerousTimeoutMs) {
        std::string out(n, '\0');
        size_t off = 0;
        while (off < n) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0) {
                return std::nullopt;
            }
            ssize_t r = ::recv(fd_, out.data() + off, n - off, 0);
            if (r <= 0) {
                return std::nullopt;
            }
            off += static_cast<size_t>(r);
        }
        return out;
    }

    // One response body, or nullopt on EOF/timeout.
    std::optional<std::string> read_frame(int timeout_ms = kGenerousTimeoutMs) {
        auto prefix = read_exact(4, timeout_ms);
        if (!prefix) {
            return std::nullopt;
        }
        const int32_t len = load_be<int32_t>(reinterpret_cast<const std::byte*>(prefix->data()));
        if (len < 0) {
            return std::nullopt;
        }
        return read_exact(static_cast<size_t>(len), timeout_ms);
    }

    // True if the server closed the connection (EOF or reset) within the timeout;
    // any bytes still arriving before the close are discarded.
    bool wait_closed(int timeout_ms = kGenerousTimeoutMs) {
        char buf[4096];
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0) {
                return false;
            }
            ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
            if (r == 0 || (r < 0 && errno == ECONNRESET)) {
                return true;
            }
            if (r < 0) {
                return false;
            }
        }
    }

    // True if nothing is readable within `ms` (used only to check that a
    // response has NOT been sent early; it can pass wrongly, never fail wrongly).
    bool nothing_readable_for(int ms) {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, ms) == 0;
    }

  private:
    int fd_ = -1;
    bool connected_ = false;
};

}  // namespace cs::broker::net::testing
