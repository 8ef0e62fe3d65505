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

namespace {

// A connected socket to 127.0.0.1:port with the request sent; -1 on failure.
int open_request(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body, const std::string& headers) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    bool typed = headers.find("Content-Type:") != std::string::npos;
    std::string req = fmt::format(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{}{}"
        "Content-Length: {}\r\n\r\n{}",
        method, target, typed ? "" : "Content-Type: application/json\r\n", headers, body.size(),
        body);
    size_t sent = 0;
    while (sent < req.size()) {
        ssize_t n = ::write(fd, req.data() + sent, req.size() - sent);
        if (n <= 0) {
            break;
        }
        sent += static_cast<size_t>(n);
    }
    return fd;
}

// Appends what one read() returns; false at end of stream, error or timeout.
bool read_some(int fd, std::string& out) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
        return false;
    }
    out.append(buf, static_cast<size_t>(n));
    return true;
}

}  // namespace

std::vector<std::string> dechunk(const std::string& body) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t eol = body.find("\r\n", pos);
        if (eol == std::string::npos) {
            break;
        }
        size_t size = std::stoul(body.substr(pos, eol - pos), nullptr, 16);
        if (size == 0 || eol + 2 + size > body.size()) {
            break;
        }
        out.push_back(body.substr(eol + 2, size));
        pos = eol + 2 + size + 2;
    }
    return out;
}

http_reply http_call(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body, const std::string& headers) {
    http_reply out;
    int fd = open_request(port, method, target, body, headers);
    if (fd < 0) {
        return out;
    }
    std::string all;
    while (read_some(fd, all)) {
    }
    ::close(fd);
    size_t head_end = all.find("\r\n\r\n");
    if (all.size() < 12 || head_end == std::string::npos) {
        return out;
    }
    out.status = std::stoi(all.substr(9, 3));
    out.head = all.substr(0, head_end);
    out.body = all.substr(head_end + 4);
    if (out.header("Transfer-Encoding") == "chunked") {
        out.chunks = dechunk(out.body);
        out.body.clear();
        for (const auto& c : out.chunks) {
            out.body += c;
        }
    }
    return out;
}

http_stream::http_stream(uint16_t port, const std::string& method, const std::string& target,
                         const std::string& body, const std::string& headers)
    : fd_(open_request(port, method, target, body, headers)) {}

http_stream::~http_stream() {
    close();
}

const std::string& http_stream::read_until(const std::string& marker) {
    while (fd_ >= 0 && received_.find(marker) == std::string::npos && read_some(fd_, received_)) {
    }
    return received_;
}

const std::string& http_stream::read_all() {
    while (fd_ >= 0 && read_some(fd_, received_)) {
    }
    return received_;
}

void http_stream::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

}  // namespace cs::http::testing
