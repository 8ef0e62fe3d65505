#include "http/test_http_client.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cs::http::testing {

std::string http_reply::header(const std::string& name) const {
    std::string needle = "\r\n" + name + ": ";
    size_t p = head.find(needle);
    if (p == std::string::npos) {
        return "";
    }
    size_t start = p + needle.size();
    return head.substr(start, head.find("\r\n", start) - start);
}

http_reply http_call(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body) {
    http_reply out;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return out;
    }
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string req = fmt::format(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        method, target, body.size(), body);
    size_t sent = 0;
    while (sent < req.size()) {
        ssize_t n = ::write(fd, req.data() + sent, req.size() - sent);
        if (n <= 0) {
            break;
        }
        sent += static_cast<size_t>(n);
    }
    std::string all;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        all.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    size_t head_end = all.find("\r\n\r\n");
    if (all.size() < 12 || head_end == std::string::npos) {
        return out;
    }
    out.status = std::stoi(all.substr(9, 3));
    out.head = all.substr(0, head_end);
    out.body = all.substr(head_end + 4);
    return out;
}

}  // namespace cs::http::testing
