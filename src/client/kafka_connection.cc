#include "client/kafka_connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include "protocol/wire_reader.h"

namespace cs::client {

namespace {

std::string errno_text(int e) {
    return std::strerror(e);
}

}  // namespace

kafka_connection::kafka_connection(std::string peer, options o)
    : peer_(std::move(peer)), client_id_(std::move(o.client_id)), max_frame_(o.max_frame) {}

kafka_connection::~kafka_connection() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

result<std::unique_ptr<kafka_connection>> kafka_connection::open(const std::string& host,
                                                                 uint16_t port, options o) {
    std::unique_ptr<kafka_connection> c(
        new kafka_connection(fmt::format("{}:{}", host, port), std::move(o)));
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port);
    int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
    if (rc != 0) {
        return error{errc::not_found,
                     fmt::format("cannot resolve {}: {}", c->peer_, ::gai_strerror(rc))};
    }
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
        if (a->ai_addrlen > sizeof(sockaddr_storage)) {
            continue;
        }
        sockaddr_storage ss{};
        std::memcpy(&ss, a->ai_addr, a->ai_addrlen);
        c->addrs_.push_back(ss);
        c->addr_lens_.push_back(a->ai_addrlen);
    }
    ::freeaddrinfo(res);
    if (c->addrs_.empty()) {
        return error{errc::not_found, fmt::format("cannot resolve {}: no address", c->peer_)};
    }
    if (auto st = c->start_connect(); !st) {
        return st.err();
    }
    return c;
}

status kafka_connection::start_connect() {
    while (next_addr_ < addrs_.size()) {
        const auto& ss = addrs_[next_addr_];
        socklen_t len = addr_lens_[next_addr_];
        ++next_addr_;
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            last_connect_error_ = errno_text(errno);
            continue;
        }
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&ss), len) == 0) {
            state_ = state::connected;
            return {};
        }
        if (errno == EINPROGRESS) {
            state_ = state::connecting;
            return {};
        }
        last_connect_error_ = errno_text(errno);
    }
    return fail(fmt::format("cannot connect to {}: {}", peer_, last_connect_error_));
}

status kafka_connection::finish_connect() {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    }
    if (err == 0) {
        state_ = state::connected;
        return {};
    }
    last_connect_error_ = errno_text(err);
    return start_connect();
}

short kafka_connection::poll_events() const {
    switch (state_) {
        case state::connecting:
            return POLLOUT;
        case state::connected: {
            short ev = 0;
            if (out_sent_ < out_.size()) {
                ev |= POLLOUT;
            }
            if (!in_flight_.empty()) {
                ev |= POLLIN;
            }
            return ev;
        }
        case state::closed:
            break;
    }
    return 0;
}

status kafka_connection::fail(std::string why) {
    state_ = state::closed;
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    return status(errc::io, std::move(why));
}

status kafka_connection::on_ready(short revents) {
    if (state_ == state::closed) {
        return status(errc::io, fmt::format("connection to {} is closed", peer_));
    }
    if (state_ == state::connecting) {
        if ((revents & (POLLOUT | POLLERR | POLLHUP)) == 0) {
            return {};
        }
        if (auto st = finish_connect(); !st) {
            return st;
        }
        if (state_ != state::connected) {
            return {};  // trying the next address
        }
    }
    if (auto st = flush(); !st) {
        return st;
    }
    if ((revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
        return read_available();
    }
    return {};
}

template <class Op>
result<std::optional<size_t>> kafka_connection::transfer(Op op, std::string_view what) {
    while (true) {
        ssize_t n = op();
        if (n >= 0) {
            return std::optional<size_t>(static_cast<size_t>(n));
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return std::optional<size_t>();
        }
        if (errno != EINTR) {
            return fail(fmt::format("{} {}: {}", what, peer_, errno_text(errno))).err();
        }
    }
}

status kafka_connection::flush() {
    while (out_sent_ < out_.size()) {
        auto n = transfer(
            [&] {
                return ::send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
            },
            "send to");
        if (!n) {
            return n.err();
        }
        if (!*n) {
            return {};
        }
        out_sent_ += **n;
    }
    out_.clear();
    out_sent_ = 0;
    return {};
}

status kafka_connection::read_available() {
    while (true) {
        std::byte* dst;
        size_t want;
        if (!frame_active_) {
            dst = len_buf_ + len_got_;
            want = sizeof len_buf_ - len_got_;
        } else {
            dst = frame_.data() + frame_got_;
            want = frame_.size() - frame_got_;
        }
        size_t n = 0;  // an empty frame needs no read
        if (want != 0) {
            auto got = transfer([&] { return ::recv(fd_, dst, want, 0); }, "receive from");
            if (!got) {
                return got.err();
            }
            if (!*got) {
                return {};
            }
            if (**got == 0) {
                return fail(fmt::format("{} closed the connection", peer_));
            }
            n = **got;
        }
        if (!frame_active_) {
            len_got_ += n;
            if (len_got_ < sizeof len_buf_) {
                continue;
            }
            int32_t len = load_be<int32_t>(len_buf_);
            if (len < 0 || static_cast<size_t>(len) > max_frame_) {
                return fail(fmt::format(
                    "{} sent a response length of {} bytes (accepted: 0 to {}); closing", peer_,
                    len, max_frame_));
            }
            frame_.resize(static_cast<size_t>(len));
            frame_got_ = 0;
            frame_active_ = true;
            len_got_ = 0;
        } else {
            frame_got_ += n;
        }
        if (frame_active_ && frame_got_ == frame_.size()) {
            frames_.push_back(std::move(frame_));
            frame_ = bytes();
            frame_active_ = false;
            if (frames_.size() >= in_flight_.size()) {
                return {};  // nothing more is expected; leave the rest to a later call
            }
        }
    }
}

result<std::optional<kafka_connection::response>> kafka_connection::take_response() {
    if (frames_.empty()) {
        return std::optional<response>{};
    }
    if (in_flight_.empty()) {
        return fail(fmt::format("{} sent a response to no request", peer_)).err();
    }
    expected exp = in_flight_.front();
    response r{0, exp.api, exp.version, std::move(frames_.front()), 0};
    frames_.pop_front();
    in_flight_.pop_front();
    kafka::wire_reader rd(r.frame);
    kafka::response_header h;
    if (auto st = kafka::decode_response_header(
            h, rd, kafka::response_header_version(exp.api, exp.version));
        !st) {
        return fail(fmt::format("{}: bad response header: {}", peer_, st.message())).err();
    }
    if (h.correlation_id != exp.correlation_id) {
        return fail(fmt::format("{}: response correlation id {} where {} was expected", peer_,
                                h.correlation_id, exp.correlation_id))
            .err();
    }
    r.correlation_id = h.correlation_id;
    r.body_offset = rd.position();
    return std::optional<response>{std::move(r)};
}

int16_t pick_version(const kafka::api_versions_response& r, kafka::api_key key, int16_t ours) {
    for (const auto& a : r.api_keys) {
        if (a.api_key == static_cast<int16_t>(key)) {
            return a.min_version > ours ? -1 : std::min(ours, a.max_version);
        }
    }
    return -1;
}

std::string broker_display_name(const std::string& host, uint16_t port, int32_t id) {
    return fmt::format("{}:{} (id {})", host, port, id);
}

bool log_limiter::should_log(const std::string& what, std::chrono::steady_clock::time_point now) {
    auto [it, fresh] = last_.try_emplace(what, now);
    if (!fresh && now - it->second < interval_) {
        return false;
    }
    it->second = now;
    return true;
}

bool leader_may_have_moved(kafka::error_code ec) {
    using kafka::error_code;
    switch (ec) {
        case error_code::not_leader_or_follower:
        case error_code::leader_not_available:
        case error_code::fenced_leader_epoch:
        case error_code::unknown_leader_epoch:
        case error_code::unknown_topic_or_partition:
        case error_code::replica_not_available:
        case error_code::kafka_storage_error:
        case error_code::offset_not_available:
            return true;
        default:
            return false;
    }
}

}  // namespace cs::client
