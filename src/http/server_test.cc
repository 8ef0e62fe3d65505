#include "http/server.h"

#include <atomic>
#include <string>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cs::http {
namespace {

// A blocking test client on a raw socket, so the tests see exact bytes.
class raw_client {
  public:
    explicit raw_client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~raw_client() { ::close(fd_); }
    bool connected() const { return connected_; }
    void send(const std::string& s) {
        ASSERT_EQ(::write(fd_, s.data(), s.size()), ssize_t(s.size()));
    }
    // Reads until the peer closes (or the 5 s receive timeout).
    std::string read_all() {
        std::string out;
        char buf[4096];
        for (;;) {
            ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) {
                return out;
            }
            out.append(buf, static_cast<size_t>(n));
        }
    }
    // Reads until `count` responses with Content-Length bodies are complete.
    std::string read_responses(int count) {
        std::string out;
        char buf[4096];
        while (complete_responses(out) < count) {
            ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            out.append(buf, static_cast<size_t>(n));
        }
        return out;
    }

  private:
    static int complete_responses(const std::string& s) {
        int n = 0;
        size_t pos = 0;
        for (;;) {
            size_t head = s.find("\r\n\r\n", pos);
            if (head == std::string::npos) {
                return n;
            }
            size_t cl = s.find("Content-Length: ", pos);
            size_t len = 0;
            if (cl != std::string::npos && cl < head) {
                len = std::stoul(s.substr(cl + 16));
            }
            if (s.size() < head + 4 + len) {
                return n;
            }
            pos = head + 4 + len;
            ++n;
        }
    }
    int fd_ = -1;
    bool connected_ = false;
};

std::unique_ptr<server> echo_server(std::atomic<int>* calls = nullptr) {
    auto s = server::start({.host = "127.0.0.1",
                            .port = 0,
                            .threads = 2,
                            .limits = {.max_header_bytes = 1024, .max_body_bytes = 64}},
                           [calls](const request& r) {
                               if (calls != nullptr) {
                                   ++*calls;
                               }
                               if (r.path == "/throw") {
                                   throw std::runtime_error("boom");
                               }
                               return response::json(200, r.method + " " + r.path + " " + r.body);
                           });
    EXPECT_TRUE(s.ok());
    return std::move(s).value();
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
    auto s = echo_server();
    raw_client c(s->port());
    ASSERT_TRUE(c.connected());
    c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r1 = c.read_responses(1);
    EXPECT_NE(r1.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << r1;
    EXPECT_NE(r1.find("GET /a "), std::string::npos);
    c.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
    std::string r2 = c.read_responses(1);
    EXPECT_NE(r2.find("POST /b hi"), std::string::npos) << r2;
}

TEST(HttpServer, PipelinedRequestsAnsweredInOrder) {
    auto s = echo_server();
    raw_client c(s->port());
    c.send(
        "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"
        "abcGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string all = c.read_all();
    size_t a = all.find("GET /1 ");
    size_t b = all.find("POST /2 abc");
    size_t d = all.find("GET /3 ");
    ASSERT_NE(a, std::string::npos) << all;
    ASSERT_NE(b, std::string::npos) << all;
    ASSERT_NE(d, std::string::npos) << all;
    EXPECT_LT(a, b);
    EXPECT_LT(b, d);
    EXPECT_NE(all.find("Connection: close"), std::string::npos);
}

TEST(HttpServer, MalformedRequestClosesOnlyThatConnection) {
    std::atomic<int> calls{0};
    auto s = echo_server(&calls);
    raw_client good(s->port());
    good.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(good.read_responses(1).find("/first"), std::string::npos);

    raw_client bad(s->port());
    bad.send("NOT HTTP AT ALL\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string resp = bad.read_all();  // returns when the server closes
    EXPECT_EQ(resp.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << resp;
    EXPECT_NE(resp.find("\"error_code\":400"), std::string::npos);
    EXPECT_EQ(resp.find("/never"), std::string::npos);

    good.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(good.read_responses(1).find("/second"), std::string::npos);
    EXPECT_EQ(calls.load(), 2);
}

TEST(HttpServer, OversizedBodyIs413AndClosed) {
    auto s = echo_server();
    raw_client c(s->port());
    c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n");
    std::string resp = c.read_all();
    EXPECT_EQ(resp.rfind("HTTP/1.1 413 ", 0), 0u) << resp;
    EXPECT_NE(resp.find("Connection: close"), std::string::npos);
}

TEST(HttpServer, OversizedHeadersAre431) {
    auto s = echo_server();
    raw_client c(s->port());
    c.send("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
    EXPECT_EQ(c.read_all().rfind("HTTP/1.1 431 ", 0), 0u);
}

TEST(HttpServer, HandlerExceptionIs500AndConnectionSurvives) {
    auto s = echo_server();
    raw_client c(s->port());
    c.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_responses(1);
    EXPECT_EQ(r.rfind("HTTP/1.1 500 ", 0), 0u) << r;
    EXPECT_NE(r.find("\"message\":\"boom\""), std::string::npos);
    c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(c.read_responses(1).find("GET /ok"), std::string::npos);
}

TEST(HttpServer, Http10ClosesAfterResponse) {
    auto s = echo_server();
    raw_client c(s->port());
    c.send("GET /old HTTP/1.0\r\n\r\n");
    std::string r = c.read_all();
    EXPECT_NE(r.find("GET /old"), std::string::npos);
}

TEST(HttpServer, StopClosesIdleConnectionsAndRefusesNewOnes) {
    auto s = echo_server();
    uint16_t port = s->port();
    raw_client idle(port);
    idle.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    idle.read_responses(1);
    s->stop();
    EXPECT_EQ(idle.read_all(), "") << "the idle connection is closed by stop()";
    raw_client late(port);
    EXPECT_FALSE(late.connected());
    s->stop();  // idempotent
}

}  // namespace
}  // namespace cs::http
