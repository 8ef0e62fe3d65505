#include "http/server.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

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
    ~raw_client() { close(); }
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    // Reads until `marker` was received (or the peer closes / 5 s pass).
    std::string read_until(const std::string& marker) {
        std::string out;
        char buf[4096];
        while (out.find(marker) == std::string::npos) {
            ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            out.append(buf, static_cast<size_t>(n));
        }
        return out;
    }
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

// Waits up to 10 s for `flag`.
bool eventually(const std::atomic<bool>& flag) {
    for (int i = 0; i < 1000 && !flag.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return flag.load();
}

// /chunks streams "a" and "bc"; /forever streams "x" and then waits, polling
// client_connected(), until the client or the server goes away.
struct streaming_fixture {
    std::atomic<bool> forever_ended{false};
    std::unique_ptr<server> srv;

    streaming_fixture() {
        auto s = server::start(
            {.host = "127.0.0.1", .port = 0, .threads = 2, .limits = {}}, [this](const request& r) {
                if (r.path == "/chunks") {
                    return response::streamed(200, "text/plain", [](body_writer& w) {
                        w.write("a");
                        w.write("");
                        w.write("bc");
                    });
                }
                if (r.path == "/reject") {
                    return response::streamed(200, "text/plain", [](body_writer& w) {
                        EXPECT_TRUE(w.reject(response::json(400, "\"refused\"")));
                        EXPECT_FALSE(w.write("never"));
                    });
                }
                if (r.path == "/late-reject") {
                    return response::streamed(200, "text/plain", [](body_writer& w) {
                        w.write("a");
                        EXPECT_FALSE(w.reject(response::json(400, "{}")));
                    });
                }
                if (r.path == "/forever") {
                    return response::streamed(200, "text/plain", [this](body_writer& w) {
                        w.write("x");
                        while (w.client_connected()) {
                            std::this_thread::sleep_for(std::chrono::milliseconds(10));
                        }
                        forever_ended = true;
                    });
                }
                return response::json(200, "plain " + r.path);
            });
        EXPECT_TRUE(s.ok());
        srv = std::move(s).value();
    }
};

TEST(HttpServer, StreamedResponseIsChunkedAndConnectionKeepsServing) {
    streaming_fixture f;
    raw_client c(f.srv->port());
    c.send("GET /chunks HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_until("0\r\n\r\n");
    EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
    EXPECT_NE(r.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << r;
    EXPECT_EQ(r.find("Content-Length"), std::string::npos) << r;
    EXPECT_NE(r.find("\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\n"), std::string::npos) << r;
    c.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(c.read_responses(1).find("plain /after"), std::string::npos);
}

TEST(HttpServer, StreamerMayAnswerPlainlyBeforeItsFirstWrite) {
    streaming_fixture f;
    raw_client c(f.srv->port());
    c.send("GET /reject HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.read_responses(1);
    EXPECT_EQ(r.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << r;
    EXPECT_NE(r.find("Content-Length: 9\r\n"), std::string::npos) << r;
    EXPECT_EQ(r.find("never"), std::string::npos) << r;
    c.send("GET /late-reject HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string late = c.read_until("0\r\n\r\n");
    EXPECT_EQ(late.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << late;
    EXPECT_NE(late.find("1\r\na\r\n0\r\n\r\n"), std::string::npos) << late;
}

TEST(HttpServer, StreamedResponseToHttp10IsUnframedAndCloses) {
    streaming_fixture f;
    raw_client c(f.srv->port());
    c.send("GET /chunks HTTP/1.0\r\n\r\n");
    std::string r = c.read_all();
    EXPECT_EQ(r.find("Transfer-Encoding"), std::string::npos) << r;
    EXPECT_EQ(r.substr(r.find("\r\n\r\n") + 4), "abc") << r;
}

TEST(HttpServer, StreamerSeesTheClientGoAway) {
    streaming_fixture f;
    raw_client c(f.srv->port());
    c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(c.read_until("1\r\nx\r\n").find("1\r\nx\r\n"), std::string::npos);
    EXPECT_FALSE(f.forever_ended.load());
    c.close();
    EXPECT_TRUE(eventually(f.forever_ended));
    raw_client next(f.srv->port());
    next.send("GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(next.read_all().find("plain /next"), std::string::npos);
}

TEST(HttpServer, StopEndsARunningStream) {
    streaming_fixture f;
    raw_client c(f.srv->port());
    c.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_until("1\r\nx\r\n");
    f.srv->stop();  // returns only once the streamer did
    EXPECT_TRUE(f.forever_ended.load());
    std::string rest = c.read_all();
    EXPECT_EQ(rest.find("0\r\n\r\n"), std::string::npos) << "a stopped stream is cut short";
}

}  // namespace
}  // namespace cs::http
