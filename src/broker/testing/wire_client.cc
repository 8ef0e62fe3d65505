#include "broker/testing/wire_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/time.h>

namespace cs::broker::testing {

wire_client::wire_client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) {
        return;
    }
    timeval tv{30, 0};  // a broken broker fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

wire_client::~wire_client() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool wire_client::send_raw(bytes_view data) {
    size_t sent = 0;
    while (sent < data.size()) {
        auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<size_t>(n);
    }
    return true;
}

std::optional<bytes> wire_client::read_frame() {
    auto read_exact = [this](std::byte* p, size_t n) {
        size_t got = 0;
        while (got < n) {
            auto r = ::recv(fd_, p + got, n - got, 0);
            if (r <= 0) {
                return false;
            }
            got += static_cast<size_t>(r);
        }
        return true;
    };
    std::byte len_buf[4];
    if (!read_exact(len_buf, 4)) {
        return std::nullopt;
    }
    auto len = load_be<int32_t>(len_buf);
    if (len < 0) {
        return std::nullopt;
    }
    bytes frame(static_cast<size_t>(len));
    if (!read_exact(frame.data(), frame.size())) {
        return std::nullopt;
    }
    return frame;
}

}  // namespace cs::broker::testing
