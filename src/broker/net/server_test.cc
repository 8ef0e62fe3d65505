#include "broker/net/server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "broker/net/test_client.h"

namespace cs::broker::net {
namespace {

using testing::kGenerousTimeoutMs;
using testing::test_client;

// Polls a condition that an I/O thread will make true; bounded, never timing.
bool eventually(const std::function<bool()>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return pred();
}

std::string to_string(const bytes& b) {
    return std::string(as_string_view(b));
}
bytes to_bytes(std::string_view s) {
    auto v = as_bytes(s);
    return bytes(v.begin(), v.end());
}

// Behaviour by the first four bytes of the request:
//   ECHO  answer "re:<frame>" inside handle()
//   ASYN  answer "re:<frame>" from a worker thread, shuffled within each batch
//   HOLD  keep the responder for the test to complete
//   NORS  no response
//   CLOS  close the connection
//   DROP  destroy the responder unanswered
//   THRW  throw from handle()
class test_handler final : public request_handler {
  public:
    test_handler() : worker_([this] { work(); }) {}
    ~test_handler() override {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        worker_.join();
    }

    void handle(const connection_info& conn, bytes frame, responder r) override {
        const std::string body = to_string(frame);
        const std::string cmd = body.substr(0, 4);
        {
            std::lock_guard lock(mu_);
            last_info_ = conn;
        }
        if (cmd == "ECHO") {
            r.respond(to_bytes("re:" + body));
        } else if (cmd == "ASYN") {
            std::lock_guard lock(mu_);
            async_.emplace_back(body, std::move(r));
            cv_.notify_all();
        } else if (cmd == "HOLD") {
            std::lock_guard lock(mu_);
            held_.emplace_back(body, std::move(r));
            cv_.notify_all();
        } else if (cmd == "NORS") {
            r.respond(std::nullopt);
        } else if (cmd == "CLOS") {
            r.close();
        } else if (cmd == "DROP") {
            responder gone = std::move(r);
        } else if (cmd == "THRW") {
            throw std::runtime_error("test handler throws");
        } else {
            r.respond(to_bytes("unknown:" + body));
        }
    }

    size_t held_count() {
        std::lock_guard lock(mu_);
        return held_.size();
    }
    bool wait_held(size_t n) {
        return eventually([&] { return held_count() >= n; });
    }
    std::vector<std::pair<std::string, responder>> take_held() {
        std::lock_guard lock(mu_);
        std::vector<std::pair<std::string, responder>> out;
        for (auto& h : held_) {
            out.push_back(std::move(h));
        }
        held_.clear();
        return out;
    }
    connection_info last_info() {
        std::lock_guard lock(mu_);
        return last_info_;
    }

  private:
    void work() {
        std::mt19937 rng(42);
        std::unique_lock lock(mu_);
        for (;;) {
            cv_.wait(lock, [&] { return stop_ || !async_.empty(); });
            if (stop_) {
                return;
            }
            std::vector<std::pair<std::string, responder>> batch;
            for (auto& a : async_) {
                batch.push_back(std::move(a));
            }
            async_.clear();
            lock.unlock();
            std::shuffle(batch.begin(), batch.end(), rng);
            for (auto& [body, r] : batch) {
                r.respond(to_bytes("re:" + body));
            }
            lock.lock();
        }
    }

    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::deque<std::pair<std::string, responder>> async_;
    std::deque<std::pair<std::string, responder>> held_;
    connection_info last_info_;
    std::thread worker_;
};

class NetServer : public ::testing::Test {
  protected:
    ~NetServer() override {
        server_.reset();
        handler_.take_held();
    }

    server_config base_config() {
        server_config c;
        c.listeners = {{"PLAINTEXT", "127.0.0.1", 0}};
        c.network_threads = 2;
        c.housekeeping_interval_ms = 5;
        c.idle_timeout_ms = 0;
        return c;
    }

    void start(server_config c) {
        server_ = std::make_unique<server>(std::move(c), handler_, clock_);
        server_->set_shutdown_hook([this] { ++hook_calls_; });
        status st = server_->start();
        ASSERT_TRUE(st.ok()) << st.message();
        port_ = server_->listeners().at(0).port;
        ASSERT_NE(port_, 0);
    }
    void start() { start(base_config()); }

    // A fresh connection still gets served.
    void expect_serving() {
        test_client c(port_);
        ASSERT_TRUE(c.connected());
        ASSERT_TRUE(c.send_frame("ECHO still alive"));
        EXPECT_EQ(c.read_frame(), "re:ECHO still alive");
    }

    server_counters_snapshot counters() { return server_->counters().snapshot(); }

    test_handler handler_;
    manual_clock clock_;
    std::unique_ptr<server> server_;
    uint16_t port_ = 0;
    std::atomic<int> hook_calls_{0};
};

TEST_F(NetServer, EchoesAndReportsConnectionInfo) {
    auto c = base_config();
    c.listeners.push_back({"INTERNAL", "127.0.0.1", 0});
    start(c);
    auto ls = server_->listeners();
    ASSERT_EQ(ls.size(), 2u);
    EXPECT_EQ(ls[1].name, "INTERNAL");
    ASSERT_NE(ls[1].port, 0);
    EXPECT_NE(ls[1].port, ls[0].port);

    test_client a(ls[0].port);
    ASSERT_TRUE(a.send_frame("ECHO hello world"));
    EXPECT_EQ(a.read_frame(), "re:ECHO hello world");
    EXPECT_EQ(handler_.last_info().listener, "PLAINTEXT");
    EXPECT_EQ(handler_.last_info().local_host, "127.0.0.1");
    EXPECT_EQ(handler_.last_info().local_port, ls[0].port);
    EXPECT_EQ(handler_.last_info().peer.rfind("127.0.0.1:", 0), 0u) << handler_.last_info().peer;

    test_client b(ls[1].port);
    ASSERT_TRUE(b.send_frame("ECHO other listener"));
    EXPECT_EQ(b.read_frame(), "re:ECHO other listener");
    EXPECT_EQ(handler_.last_info().listener, "INTERNAL");
}

// The server's own end of the connection from `peer` ("127.0.0.1:port"),
// found among this process's descriptors (the server runs in the test).
int server_side_fd(uint16_t server_port, const std::string& peer) {
    for (int fd = 0; fd < 4096; ++fd) {
        sockaddr_in local{};
        sockaddr_in remote{};
        socklen_t len = sizeof local;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
            local.sin_family != AF_INET || ntohs(local.sin_port) != server_port) {
            continue;
        }
        len = sizeof remote;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &len) == 0 &&
            "127.0.0.1:" + std::to_string(ntohs(remote.sin_port)) == peer) {
            return fd;
        }
    }
    return -1;
}

int socket_option(int fd, int name) {
    int v = 0;
    socklen_t len = sizeof v;
    return ::getsockopt(fd, SOL_SOCKET, name, &v, &len) == 0 ? v : -1;
}

// socket.send.buffer.bytes / socket.receive.buffer.bytes reach the sockets
// (Linux reports twice the value set: its bookkeeping overhead).
TEST_F(NetServer, SocketBufferSizesAreApplied) {
    auto c = base_config();
    c.send_buffer_bytes = 24 * 1024;
    c.receive_buffer_bytes = 20 * 1024;
    start(c);
    test_client a(port_);
    ASSERT_TRUE(a.send_frame("ECHO sized"));
    EXPECT_EQ(a.read_frame(), "re:ECHO sized");
    int fd = server_side_fd(port_, handler_.last_info().peer);
    ASSERT_GE(fd, 0) << handler_.last_info().peer;
    EXPECT_EQ(socket_option(fd, SO_SNDBUF), 2 * 24 * 1024);
    EXPECT_EQ(socket_option(fd, SO_RCVBUF), 2 * 20 * 1024);
}

TEST_F(NetServer, ManyConnectionsPipelineInOrder) {
    auto c = base_config();
    c.network_threads = 3;
    start(c);
    constexpr int kConnections = 16;
    constexpr int kRequests = 300;
    std::atomic<int> failures{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < kConnections; ++i) {
        clients.emplace_back([&, i] {
            test_client cl(port_);
            if (!cl.connected()) {
                ++failures;
                return;
            }
            std::string out;
            for (int j = 0; j < kRequests; ++j) {
                // Mix synchronous and shuffled asynchronous completion.
                out += test_client::frame((j % 3 == 0 ? "ECHO" : "ASYN") + std::string(" c") +
                                          std::to_string(i) + " r" + std::to_string(j) +
                                          std::string(static_cast<size_t>(j % 17), 'x'));
            }
            if (!cl.send_raw(out)) {
                ++failures;
                return;
            }
            for (int j = 0; j < kRequests; ++j) {
                auto expect = std::string("re:") + (j % 3 == 0 ? "ECHO" : "ASYN") + " c" +
                              std::to_string(i) + " r" + std::to_string(j) +
                              std::string(static_cast<size_t>(j % 17), 'x');
                auto got = cl.read_frame();
                if (got != expect) {
                    ++failures;
                    return;
                }
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    EXPECT_EQ(failures.load(), 0);
    auto s = counters();
    EXPECT_EQ(s.connections_accepted, static_cast<uint64_t>(kConnections));
    EXPECT_EQ(s.requests_received, static_cast<uint64_t>(kConnections * kRequests));
    EXPECT_TRUE(eventually([&] { return counters().responses_sent == s.requests_received; }));
}

TEST_F(NetServer, OutOfOrderCompletionFromAnotherThreadIsWrittenInOrder) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_raw(test_client::frame("HOLD one") + test_client::frame("HOLD two") +
                           test_client::frame("HOLD three")));
    ASSERT_TRUE(handler_.wait_held(3));
    auto held = handler_.take_held();
    ASSERT_EQ(held[0].first, "HOLD one");

    std::thread([&] {
        held[2].second.respond(to_bytes("third"));
        held[1].second.respond(to_bytes("second"));
    }).join();
    // The head is still pending, so nothing may be written yet.
    EXPECT_TRUE(c.nothing_readable_for(50));

    std::thread([&] { held[0].second.respond(to_bytes("first")); }).join();
    EXPECT_EQ(c.read_frame(), "first");
    EXPECT_EQ(c.read_frame(), "second");
    EXPECT_EQ(c.read_frame(), "third");
}

TEST_F(NetServer, NoResponseRequestsKeepOrder) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_raw(test_client::frame("ECHO a.......") + test_client::frame("NORS b...") +
                           test_client::frame("HOLD c...") + test_client::frame("NORS d...") +
                           test_client::frame("ECHO e.......")));
    ASSERT_TRUE(handler_.wait_held(1));
    EXPECT_EQ(c.read_frame(), "re:ECHO a.......");
    auto held = handler_.take_held();
    held[0].second.respond(to_bytes("c answered"));
    EXPECT_EQ(c.read_frame(), "c answered");
    EXPECT_EQ(c.read_frame(), "re:ECHO e.......");
    EXPECT_TRUE(eventually([&] { return counters().responses_sent == 3; }));
    EXPECT_EQ(counters().requests_received, 5u);
}

TEST_F(NetServer, HandlerCloseFlushesEarlierResponsesThenCloses) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_raw(test_client::frame("ECHO before..") + test_client::frame("CLOS now") +
                           test_client::frame("ECHO after...")));
    EXPECT_EQ(c.read_frame(), "re:ECHO before..");
    EXPECT_TRUE(c.wait_closed());
    EXPECT_EQ(counters().requests_received, 2u);  // nothing after the close was handled
    expect_serving();
}

TEST_F(NetServer, DroppedResponderClosesConnection) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("DROP me please"));
    EXPECT_TRUE(c.wait_closed());
    EXPECT_EQ(counters().responders_dropped, 1u);
    expect_serving();
}

TEST_F(NetServer, HandlerExceptionClosesOnlyThatConnection) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("THRW boom boom"));
    EXPECT_TRUE(c.wait_closed());
    expect_serving();
}

struct bad_input {
    const char* name;
    std::string bytes;
};

class NetServerBadInput : public NetServer, public ::testing::WithParamInterface<bad_input> {};

TEST_P(NetServerBadInput, ClosesThatConnectionAndKeepsServing) {
    auto cfg = base_config();
    cfg.max_request_bytes = 1 << 20;
    start(cfg);
    test_client other(port_);
    ASSERT_TRUE(other.send_frame("ECHO bystander"));
    ASSERT_EQ(other.read_frame(), "re:ECHO bystander");

    test_client c(port_);
    ASSERT_TRUE(c.send_raw(GetParam().bytes));
    // A bad prefix is rejected at once; a truncated frame ends with our EOF.
    c.shutdown_write();
    EXPECT_TRUE(c.wait_closed());

    ASSERT_TRUE(other.send_frame("ECHO bystander again"));
    EXPECT_EQ(other.read_frame(), "re:ECHO bystander again");
    expect_serving();
}

std::string random_bytes() {
    std::mt19937 rng(7);
    std::string s(64, '\0');
    for (char& ch : s) {
        ch = static_cast<char>(rng() & 0xff);
    }
    return s;
}

INSTANTIATE_TEST_SUITE_P(
    Frames, NetServerBadInput,
    ::testing::Values(bad_input{"Negative", test_client::length_prefix(-5) + "ECHO abcd"},
                      bad_input{"Huge", test_client::length_prefix((1 << 20) + 1) + "ECHO abcd"},
                      bad_input{"MaxInt", test_client::length_prefix(0x7fffffff)},
                      bad_input{"TooShort", test_client::length_prefix(4) + "ECHO"},
                      bad_input{"Empty", test_client::length_prefix(0)},
                      bad_input{"Truncated", test_client::length_prefix(100) + "ECHO 10 by"},
                      bad_input{"TruncatedPrefix", std::string("\0\0", 2)},
                      bad_input{"Random", random_bytes()}),
    [](const ::testing::TestParamInfo<bad_input>& i) { return std::string(i.param.name); });

TEST_F(NetServer, CountsRejectedAndMalformedFrames) {
    auto cfg = base_config();
    cfg.max_request_bytes = 1000;
    start(cfg);
    {
        test_client c(port_);
        ASSERT_TRUE(c.send_frame("ECHO" + std::string(996, 'm')));  // exactly the limit
        EXPECT_EQ(c.read_frame(), "re:ECHO" + std::string(996, 'm'));
        ASSERT_TRUE(c.send_frame("ECHO" + std::string(997, 'm')));  // one over
        EXPECT_TRUE(c.wait_closed());
    }
    {
        test_client c(port_);
        ASSERT_TRUE(c.send_raw(test_client::length_prefix(-1)));
        EXPECT_TRUE(c.wait_closed());
    }
    {
        test_client c(port_);
        ASSERT_TRUE(c.send_raw(test_client::length_prefix(7) + "ECHO..."));
        EXPECT_TRUE(c.wait_closed());
    }
    auto s = counters();
    EXPECT_EQ(s.requests_rejected_size, 2u);
    EXPECT_EQ(s.requests_malformed, 1u);
    EXPECT_EQ(s.requests_received, 1u);
}

TEST_F(NetServer, FramesLargerThanTheReadBuffer) {
    auto cfg = base_config();
    cfg.read_buffer_bytes = 4096;
    start(cfg);
    test_client c(port_);
    std::string big1 = "ECHO" + std::string(100000, 'a');
    std::string big2 = "ASYN" + std::string(5000, 'b');
    ASSERT_TRUE(c.send_raw(test_client::frame("ECHO small 1") + test_client::frame(big1) +
                           test_client::frame("ASYN small 2") + test_client::frame(big2) +
                           test_client::frame("ECHO small 3")));
    EXPECT_EQ(c.read_frame(), "re:ECHO small 1");
    EXPECT_EQ(c.read_frame(), "re:" + big1);
    EXPECT_EQ(c.read_frame(), "re:ASYN small 2");
    EXPECT_EQ(c.read_frame(), "re:" + big2);
    EXPECT_EQ(c.read_frame(), "re:ECHO small 3");
}

TEST_F(NetServer, InFlightLimitPausesReadingUntilResponsesDrain) {
    auto cfg = base_config();
    cfg.max_in_flight_per_connection = 4;
    start(cfg);
    test_client c(port_);
    std::string out;
    for (int i = 0; i < 10; ++i) {
        out += test_client::frame("HOLD #" + std::to_string(i) + "...");
    }
    ASSERT_TRUE(c.send_raw(out));
    size_t answered = 0;
    while (answered < 10) {
        ASSERT_TRUE(handler_.wait_held(1));
        auto held = handler_.take_held();
        ASSERT_LE(held.size(), 10 - answered);
        for (auto& [body, r] : held) {
            r.respond(to_bytes("ok " + body));
        }
        for (size_t i = 0; i < held.size(); ++i) {
            EXPECT_EQ(c.read_frame(), "ok HOLD #" + std::to_string(answered) + "...");
            ++answered;
        }
    }
    EXPECT_EQ(counters().requests_received, 10u);
}

TEST_F(NetServer, IdleConnectionIsClosedBusyOneIsNot) {
    auto cfg = base_config();
    cfg.idle_timeout_ms = 200;
    start(cfg);
    test_client idle(port_);
    ASSERT_TRUE(idle.send_frame("ECHO warm up"));
    ASSERT_EQ(idle.read_frame(), "re:ECHO warm up");
    test_client busy(port_);
    ASSERT_TRUE(busy.send_frame("HOLD waiting"));
    ASSERT_TRUE(handler_.wait_held(1));

    // The server stamps activity when a write completes, which may happen
    // after the client has read the response (a loaded machine): advance
    // the clock until that stamp is old enough too.
    bool closed = false;
    for (int i = 0; i < 50 && !closed; ++i) {
        clock_.advance_ms(1000);
        closed = idle.wait_closed(200);
    }
    EXPECT_TRUE(closed);
    EXPECT_EQ(counters().idle_closes, 1u);

    // The housekeeping pass that closed `idle` also saw `busy`, which has a
    // request in flight and must have been spared.
    auto held = handler_.take_held();
    held[0].second.respond(to_bytes("done"));
    EXPECT_EQ(busy.read_frame(), "done");
}

TEST_F(NetServer, TrafficResetsTheIdleTimer) {
    auto cfg = base_config();
    cfg.idle_timeout_ms = 200;
    start(cfg);
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("ECHO first."));
    ASSERT_EQ(c.read_frame(), "re:ECHO first.");
    clock_.advance_ms(150);
    ASSERT_TRUE(c.send_frame("ECHO second"));
    ASSERT_EQ(c.read_frame(), "re:ECHO second");
    clock_.advance_ms(150);
    ASSERT_TRUE(c.send_frame("ECHO third."));
    EXPECT_EQ(c.read_frame(), "re:ECHO third.");
    EXPECT_EQ(counters().idle_closes, 0u);
}

TEST_F(NetServer, GracefulStopAnswersInFlightRequestsThenRunsHookOnce) {
    auto cfg = base_config();
    cfg.close_linger_ms = 60000;  // the server must see our close, not time out
    start(cfg);
    auto c = std::make_unique<test_client>(port_);
    // Requests pipelined behind the held one are never read; they must not
    // turn the close into a reset that loses the answer.
    ASSERT_TRUE(c->send_raw(test_client::frame("ECHO early..") + test_client::frame("HOLD late") +
                            test_client::frame("ECHO unread") + test_client::frame("ECHO unread")));
    ASSERT_EQ(c->read_frame(), "re:ECHO early..");
    ASSERT_TRUE(handler_.wait_held(1));

    server_->begin_stop();
    std::thread waiter([&] { server_->wait(); });
    auto held = handler_.take_held();
    std::thread([&] { held[0].second.respond(to_bytes("answered during shutdown")); }).join();
    EXPECT_EQ(c->read_frame(), "answered during shutdown");
    EXPECT_TRUE(c->wait_closed());  // FIN after the last response
    EXPECT_EQ(hook_calls_.load(), 0);
    c.reset();  // our close lets the server finish
    waiter.join();
    EXPECT_EQ(hook_calls_.load(), 1);

    test_client late(port_);
    EXPECT_FALSE(late.connected());
    server_->stop();  // idempotent
    server_.reset();
    EXPECT_EQ(hook_calls_.load(), 1);
}

TEST_F(NetServer, DrainTimeoutClosesStuckConnections) {
    auto cfg = base_config();
    cfg.drain_timeout_ms = 1000;
    start(cfg);
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("HOLD forever"));
    ASSERT_TRUE(handler_.wait_held(1));
    server_->begin_stop();
    clock_.advance_ms(5000);
    server_->wait();
    EXPECT_TRUE(c.wait_closed());
    EXPECT_EQ(hook_calls_.load(), 1);
    EXPECT_EQ(counters().connections_open, 0u);

    // Answering after the stop, or after the server is gone, is harmless.
    auto held = handler_.take_held();
    server_.reset();
    held[0].second.respond(to_bytes("too late"));
}

TEST_F(NetServer, StopWithoutConnections) {
    start();
    server_->stop();
    server_->stop();
    EXPECT_EQ(hook_calls_.load(), 1);
}

TEST_F(NetServer, BindErrorNamesHostAndPort) {
    start();
    auto cfg = base_config();
    cfg.listeners = {{"PLAINTEXT", "127.0.0.1", port_}};
    server second(cfg, handler_, clock_);
    status st = second.start();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), errc::io);
    EXPECT_NE(st.message().find("127.0.0.1:" + std::to_string(port_)), std::string::npos)
        << st.message();
    expect_serving();  // the first server is unaffected
}

TEST_F(NetServer, UnresolvableHostIsAnError) {
    server s(server_config{.listeners = {{"PLAINTEXT", "no such host.invalid", 9092}}}, handler_,
             clock_);
    status st = s.start();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("no such host.invalid:9092"), std::string::npos) << st.message();
}

TEST_F(NetServer, CountersTrackConnectionsRequestsAndBytes) {
    start();
    {
        test_client c(port_);
        for (int i = 0; i < 3; ++i) {
            ASSERT_TRUE(c.send_frame("ECHO 12345678"));  // 13-byte body
            ASSERT_EQ(c.read_frame(), "re:ECHO 12345678");
        }
        EXPECT_TRUE(eventually([&] { return counters().bytes_out == 3u * (4 + 16); }));
        auto s = counters();
        EXPECT_EQ(s.connections_accepted, 1u);
        EXPECT_EQ(s.connections_open, 1u);
        EXPECT_EQ(s.connections_closed, 0u);
        EXPECT_EQ(s.requests_received, 3u);
        EXPECT_EQ(s.responses_sent, 3u);
        EXPECT_EQ(s.bytes_in, 3u * (4 + 13));
    }
    EXPECT_TRUE(eventually([&] { return counters().connections_closed == 1; }));
    EXPECT_EQ(counters().connections_open, 0u);
}

}  // namespace
}  // namespace cs::broker::net
