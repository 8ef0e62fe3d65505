#include "client/kafka_connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol/messages/api_versions.h"

namespace cs::client {
namespace {

// A one-connection server on 127.0.0.1 that answers with whatever bytes a
// test gives it (same thread: the client's connect completes via the backlog).
class fake_server {
  public:
    fake_server() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
        EXPECT_EQ(::listen(listen_fd_, 1), 0);
        EXPECT_EQ(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
        port_ = ntohs(a.sin_port);
    }
    ~fake_server() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        ::close(listen_fd_);
    }
    uint16_t port() const { return port_; }
    void accept() { fd_ = ::accept(listen_fd_, nullptr, nullptr); }
    // Reads one request frame; returns its correlation id.
    int32_t read_request() {
        std::byte len[4];
        EXPECT_EQ(::recv(fd_, len, 4, MSG_WAITALL), 4);
        bytes body(static_cast<size_t>(load_be<int32_t>(len)));
        EXPECT_EQ(::recv(fd_, body.data(), body.size(), MSG_WAITALL),
                  static_cast<ssize_t>(body.size()));
        return load_be<int32_t>(body.data() + 4);  // after api_key, api_version
    }
    void write(const bytes& b) { EXPECT_EQ(::send(fd_, b.data(), b.size(), 0), std::ssize(b)); }

  private:
    int listen_fd_ = -1;
    int fd_ = -1;
    uint16_t port_ = 0;
};

bytes frame(int32_t length_prefix, int32_t correlation_id, const bytes& body) {
    bytes f;
    byte_writer w(f);
    w.put<int32_t>(length_prefix);
    w.put<int32_t>(correlation_id);
    w.put_bytes(body);
    return f;
}

// An ApiVersions v0 body: error 0, one api (Fetch 4..11).
bytes api_versions_body() {
    kafka::api_versions_response r;
    r.api_keys.push_back({1, 4, 11});
    bytes b;
    kafka::encode_message(r, 0, b);
    return b;
}

// Drives c until pred() or an error (returned) or 5 s.
template <class Pred>
status drive(kafka_connection& c, Pred pred) {
    for (int i = 0; i < 500 && !pred(); ++i) {
        pollfd p{c.fd(), c.poll_events(), 0};
        if (::poll(&p, 1, 10) > 0) {
            if (auto st = c.on_ready(p.revents); !st) {
                return st;
            }
        }
    }
    return {};
}

struct connected {
    fake_server server;
    std::unique_ptr<kafka_connection> conn;
    int32_t correlation_id = 0;
};

// A connection to a fake server with one ApiVersions request sent and read.
void open_and_send(connected& c, size_t max_frame = 1 << 20) {
    auto conn = kafka_connection::open("localhost", c.server.port(), {"test", max_frame});
    ASSERT_TRUE(conn.ok()) << conn.err().message;
    c.conn = std::move(*conn);
    ASSERT_TRUE(c.conn->send(kafka::api_versions_request{}, 0).ok());
    c.server.accept();
    ASSERT_TRUE(drive(*c.conn, [&] {
                    return c.conn->connected() && c.conn->poll_events() == POLLIN;
                }).ok());
    c.correlation_id = c.server.read_request();
    EXPECT_EQ(c.conn->in_flight(), 1u);
}

TEST(KafkaConnection, SendsARequestAndMatchesItsResponse) {
    connected c;
    open_and_send(c);
    bytes body = api_versions_body();
    c.server.write(frame(static_cast<int32_t>(4 + body.size()), c.correlation_id, body));
    std::optional<kafka_connection::response> got;
    ASSERT_TRUE(drive(*c.conn, [&] {
                    auto r = c.conn->take_response();
                    EXPECT_TRUE(r.ok());
                    if (r.ok() && *r) {
                        got = std::move(**r);
                    }
                    return got.has_value();
                }).ok());
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->correlation_id, c.correlation_id);
    kafka::api_versions_response decoded;
    ASSERT_TRUE(kafka::decode_message(decoded, got->body(), 0).ok());
    ASSERT_EQ(decoded.api_keys.size(), 1u);
    EXPECT_EQ(decoded.api_keys[0].max_version, 11);
    EXPECT_EQ(c.conn->in_flight(), 0u);
}

TEST(KafkaConnection, RefusesAnOversizedOrNegativeLengthPrefix) {
    for (int32_t len : {2 << 20, -5}) {
        connected c;
        open_and_send(c);
        c.server.write(frame(len, c.correlation_id, {}));
        auto st = drive(*c.conn, [] { return false; });
        ASSERT_FALSE(st.ok());
        EXPECT_NE(st.message().find("response length of " + std::to_string(len)), std::string::npos)
            << st.message();
        EXPECT_EQ(c.conn->fd(), -1);  // closed
    }
}

TEST(KafkaConnection, RefusesAResponseToAnotherCorrelationId) {
    connected c;
    open_and_send(c);
    bytes body = api_versions_body();
    c.server.write(frame(static_cast<int32_t>(4 + body.size()), c.correlation_id + 7, body));
    std::optional<error> failed;
    ASSERT_TRUE(drive(*c.conn, [&] {
                    auto r = c.conn->take_response();
                    if (!r.ok()) {
                        failed = r.err();
                    }
                    return failed.has_value();
                }).ok());
    ASSERT_TRUE(failed.has_value());
    EXPECT_NE(failed->message.find("correlation id"), std::string::npos) << failed->message;
}

TEST(KafkaConnection, ConnectionRefusedAndUnknownHost) {
    auto refused = kafka_connection::open("127.0.0.1", 1, {"test", 1 << 20});
    if (refused.ok()) {
        auto st = drive(**refused, [] { return false; });
        ASSERT_FALSE(st.ok());
        EXPECT_NE(st.message().find("cannot connect"), std::string::npos) << st.message();
    } else {
        EXPECT_NE(refused.err().message.find("cannot connect"), std::string::npos);
    }
    auto unknown = kafka_connection::open("no-such-host.invalid", 9092, {"test", 1 << 20});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.err().message.find("cannot resolve"), std::string::npos);
}

}  // namespace
}  // namespace cs::client
