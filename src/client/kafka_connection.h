#pragma once

// One TCP connection to a Kafka broker, for the client's own protocol paths
// (client/fetcher.h): a non-blocking socket, request framing with the
// protocol module's codec, and response de-framing. Nothing here blocks: the
// owner waits for poll_events() on fd() with poll(2) (next to its other
// connections) and calls on_ready() with what poll reported.
//
// Several requests may be in flight; Kafka answers them in order, and each
// response's correlation id must be the one of the oldest request in flight.
// Any error (connect refused, reset, an oversized or negative length prefix,
// a correlation id out of order) closes the connection: the owner discards
// it and opens a new one.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/codec.h"
#include "protocol/error_code.h"
#include "protocol/header.h"
#include "protocol/messages/api_versions.h"

namespace cs::client {

class kafka_connection {
  public:
    struct options {
        std::string client_id;
        // Largest response frame accepted (its length prefix); a larger one
        // is a protocol error.
        size_t max_frame = 64u << 20;
    };

    // A whole response: frame holds the response header and body.
    struct response {
        int32_t correlation_id = 0;
        kafka::api_key api = kafka::api_key::api_versions;
        int16_t version = 0;
        bytes frame;
        size_t body_offset = 0;  // where the body starts in frame

        bytes_view body() const { return bytes_view(frame).subspan(body_offset); }
    };

    // Resolves host (IPv4 or IPv6, getaddrinfo) and starts a non-blocking
    // connect to its first address; the next ones are tried when it fails.
    // Requests may be queued at once: they go out once connected.
    static result<std::unique_ptr<kafka_connection>> open(const std::string& host, uint16_t port,
                                                          options o);
    ~kafka_connection();
    kafka_connection(const kafka_connection&) = delete;
    kafka_connection& operator=(const kafka_connection&) = delete;

    int fd() const { return fd_; }
    // POLLOUT while connecting or with unsent bytes, POLLIN while a response
    // is awaited.
    short poll_events() const;
    // Progress after poll(2): finishes the connect, writes queued bytes,
    // reads arrived bytes. An error means the connection is dead.
    status on_ready(short revents);
    bool connected() const { return state_ == state::connected; }
    // "host:port" as asked for.
    const std::string& peer() const { return peer_; }

    // Queues a request and writes what the socket takes now. An error
    // means the connection is dead.
    template <class Req>
    status send(const Req& req, int16_t version) {
        int32_t id = next_correlation_id_++;
        size_t start = out_.size();
        out_.resize(start + 4);
        kafka::request_header h{static_cast<int16_t>(Req::kApiKey), version, id, client_id_};
        kafka::encode_request_header(h, kafka::request_header_version(Req::kApiKey, version), out_);
        kafka::encode_message(req, version, out_);
        store_be<int32_t>(out_.data() + start, static_cast<int32_t>(out_.size() - start - 4));
        in_flight_.push_back({id, Req::kApiKey, version});
        return state_ == state::connected ? flush() : status{};
    }
    size_t in_flight() const { return in_flight_.size(); }

    // The oldest response that has arrived whole, nullopt when none has.
    // errc::corrupt for a bad response header or correlation id (the
    // connection must then be closed).
    result<std::optional<response>> take_response();

  private:
    enum class state { connecting, connected, closed };
    struct expected {
        int32_t correlation_id;
        kafka::api_key api;
        int16_t version;
    };

    kafka_connection(std::string peer, options o);
    status start_connect();  // to addrs_[next_addr_], advancing past immediate failures
    status finish_connect();
    status flush();
    // One send() or recv() (op), retried on EINTR: the bytes moved, nullopt
    // when the socket would block, or an error (the connection is closed).
    template <class Op>
    result<std::optional<size_t>> transfer(Op op, std::string_view what);
    status read_available();
    status fail(std::string why);

    std::string peer_;
    std::string client_id_;
    size_t max_frame_;
    std::vector<sockaddr_storage> addrs_;
    std::vector<socklen_t> addr_lens_;
    size_t next_addr_ = 0;
    std::string last_connect_error_;
    int fd_ = -1;
    state state_ = state::connecting;
    int32_t next_correlation_id_ = 1;
    std::deque<expected> in_flight_;
    bytes out_;
    size_t out_sent_ = 0;
    std::byte len_buf_[4]{};
    size_t len_got_ = 0;
    bytes frame_;  // the frame being read (sized by its length prefix)
    size_t frame_got_ = 0;
    bool frame_active_ = false;
    std::deque<bytes> frames_;  // whole frames not taken yet
};

// Decodes a response body; bytes after its last field are ignored, as
// Kafka's clients do (librdkafka 2.0's mock cluster appends some to
// ListOffsets responses).
template <class M>
status decode_response(M& out, const kafka_connection::response& r) {
    auto n = kafka::decode_request_body(out, r.body(), r.version);
    if (!n) {
        return n.err();
    }
    return {};
}

// The highest version of `key` both sides speak, at most `ours`; -1 when
// the broker does not offer it or only above `ours`.
int16_t pick_version(const kafka::api_versions_response& r, kafka::api_key key, int16_t ours);

// "host:port (id N)", the name a client's logs give a broker.
std::string broker_display_name(const std::string& host, uint16_t port, int32_t id);

// Says whether a line about `what` may be logged now: the same transient
// problem (a broker down, a leader unknown) is logged at most once per
// interval.
class log_limiter {
  public:
    explicit log_limiter(std::chrono::steady_clock::duration interval) : interval_(interval) {}
    bool should_log(const std::string& what, std::chrono::steady_clock::time_point now);

  private:
    std::chrono::steady_clock::duration interval_;
    std::map<std::string, std::chrono::steady_clock::time_point> last_;
};

// Errors of a partition after which a client looks its leader up again
// (Fetch, ListOffsets, Produce): leadership moved or is not known yet.
bool leader_may_have_moved(kafka::error_code ec);

// One round of waiting on several brokers' connections, for the client's
// own protocol paths: poll(2) until an event or `wake`, then progress on
// each ready connection and every whole response handed to
// on_response(b, response); an answered broker is passed to on_answered(b)
// (to send its next request). A dead connection, a response to no request
// and a request past its deadline go to on_failed(b, why), which must reset
// b.conn and b.pending. Broker: { unique_ptr<kafka_connection> conn;
// optional<R> pending (with R::deadline) } in a map.
template <class Brokers, class OnResponse, class OnAnswered, class OnFailed>
void serve_connections(Brokers& brokers, std::chrono::steady_clock::time_point wake,
                       OnResponse on_response, OnAnswered on_answered, OnFailed on_failed) {
    using clock = std::chrono::steady_clock;
    std::vector<pollfd> fds;
    std::vector<typename Brokers::mapped_type*> owners;
    for (auto& [name, b] : brokers) {
        if (b.conn && b.conn->poll_events() != 0) {
            fds.push_back({b.conn->fd(), b.conn->poll_events(), 0});
            owners.push_back(&b);
        }
    }
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(
        std::max(wake - clock::now(), clock::duration::zero()));
    int rc = ::poll(fds.data(), fds.size(), static_cast<int>(ms.count()));
    for (size_t i = 0; rc > 0 && i < fds.size(); ++i) {
        auto& b = *owners[i];
        if (fds[i].revents == 0) {
            continue;
        }
        if (auto st = b.conn->on_ready(fds[i].revents); !st) {
            on_failed(b, st.message());
            continue;
        }
        bool answered = false;
        while (b.conn) {
            auto resp = b.conn->take_response();
            if (!resp) {
                on_failed(b, resp.err().message);
                break;
            }
            if (!*resp) {
                break;
            }
            if (!b.pending) {
                on_failed(b, "a response to no request");
                break;
            }
            on_response(b, **resp);
            answered = true;
        }
        if (answered) {
            on_answered(b);
        }
    }
    const auto now = clock::now();
    for (auto& [name, b] : brokers) {
        if (b.pending && now >= b.pending->deadline) {
            on_failed(b, "request timed out");
        }
    }
}

}  // namespace cs::client
