// The S3 API client against s3rver (npm, pinned in tests/s3) on 127.0.0.1.
// s3rver 3.7.1 does not verify V4 signatures (it accepts any well-formed
// one), so signing is checked by sigv4_test.cc (AWS's vectors) and, for the
// virtual-host form, by recomputing the signature from what arrived at a
// proxy (VirtualHostStyleRequestsAreSignedForTheBucketHost). The test fails
// with a clear message when s3rver cannot be started.
//
// Faults (5xx, 4xx, a server that never answers) come from test_proxy below:
// a small HTTP/1.1 proxy on 127.0.0.1 between the client and s3rver that
// records every request and, per request, answers an S3 error itself,
// never answers, or forwards the request to s3rver unchanged.

#include "connect/connectors/s3/s3_store.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "connect/connectors/s3/s3_sink_task.h"
#include "connect/connectors/s3/test_records.h"

namespace cs::connect::s3 {
namespace {

namespace fs = std::filesystem;

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool can_connect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// One request as it arrived at test_proxy.
struct seen_request {
    std::string method;
    std::string target;                                        // "/test-bucket/k?uploads="
    std::vector<std::pair<std::string, std::string>> headers;  // as sent
    size_t body_size = 0;
    std::string body_sha256;
    std::chrono::steady_clock::time_point at;  // when it had fully arrived

    std::string header(std::string_view name) const {
        for (const auto& [k, v] : headers) {
            if (iequals(k, name)) {
                return v;
            }
        }
        return {};
    }
    std::string path() const { return target.substr(0, target.find('?')); }
    std::string query() const {
        const auto q = target.find('?');
        return q == std::string::npos ? "" : target.substr(q + 1);
    }
};

// What test_proxy does with a request.
struct proxy_action {
    enum class kind { forward, answer, hang };
    kind what = kind::forward;
    int status = 0;  // answer: an S3 error document with this status
    std::string reason;
    std::string code;
    std::string message;
};

proxy_action forward() {
    return {};
}
proxy_action never_answer() {
    proxy_action a;
    a.what = proxy_action::kind::hang;
    return a;
}
proxy_action s3_error(int status, std::string reason, std::string code, std::string message) {
    return {proxy_action::kind::answer, status, std::move(reason), std::move(code),
            std::move(message)};
}
proxy_action slow_down() {
    return s3_error(503, "Slow Down", "SlowDown", "Please reduce your request rate.");
}

int connect_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void set_recv_timeout(int fd, int seconds) {
    timeval tv{};
    tv.tv_sec = seconds;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

// A one-thread HTTP/1.1 proxy on 127.0.0.1 (an ephemeral port): one request
// per connection (its answers say Connection: close, so the client opens a
// new connection for every attempt). Every request is recorded, then
// decide(request, index) picks what happens: forward it to
// 127.0.0.1:upstream_port unchanged (but for Connection: close, so that the
// answer ends at EOF), answer an S3 error document itself, or hold the
// connection open without answering until the proxy goes.
class test_proxy {
  public:
    using rule = std::function<proxy_action(const seen_request& request, int index)>;

    test_proxy(int upstream_port, rule decide)
        : upstream_port_(upstream_port), decide_(std::move(decide)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::listen(listen_fd_, 16) != 0) {
            ADD_FAILURE() << "test_proxy cannot listen on 127.0.0.1: " << std::strerror(errno);
            return;
        }
        socklen_t len = sizeof a;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~test_proxy() {
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
        ::close(listen_fd_);
        for (int fd : held_) {
            ::close(fd);
        }
    }
    test_proxy(const test_proxy&) = delete;
    test_proxy& operator=(const test_proxy&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    std::vector<seen_request> requests() const {
        std::lock_guard lock(mu_);
        return seen_;
    }
    // The requests once at least n have arrived. For a client that gave up
    // on a connection the proxy has not read yet; a bounded wait for an
    // event, not a time assertion.
    std::vector<seen_request> requests_after(size_t n) const {
        for (int i = 0; i < 300 && requests().size() < n; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return requests();
    }

  private:
    void run() {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) {
                continue;
            }
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) {
                serve(fd);
            }
        }
    }

    void serve(int fd) {
        set_recv_timeout(fd, 30);
        seen_request r;
        std::string body;
        if (!read_request(fd, r, body)) {
            ::close(fd);
            return;
        }
        int index = 0;
        {
            std::lock_guard lock(mu_);
            index = static_cast<int>(seen_.size());
            seen_.push_back(r);
        }
        const proxy_action act = decide_(r, index);
        switch (act.what) {
            case proxy_action::kind::hang:
                held_.push_back(fd);
                return;
            case proxy_action::kind::answer:
                send_all(fd, error_answer(act, r, index));
                break;
            case proxy_action::kind::forward:
                send_all(fd, relay(r, body));
                break;
        }
        ::close(fd);
    }

    static bool read_request(int fd, seen_request& r, std::string& body) {
        std::string buf;
        char chunk[64 * 1024];
        size_t head_end = 0;
        while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                return false;
            }
            buf.append(chunk, static_cast<size_t>(n));
        }
        const std::string_view head(buf.data(), head_end);
        size_t line_end = head.find("\r\n");
        const std::string_view request_line = head.substr(0, line_end);
        const size_t sp1 = request_line.find(' ');
        const size_t sp2 = request_line.rfind(' ');
        r.method = std::string(request_line.substr(0, sp1));
        r.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
        size_t content_length = 0;
        while (line_end != std::string_view::npos && line_end < head.size()) {
            const size_t start = line_end + 2;
            line_end = head.find("\r\n", start);
            const std::string_view line = head.substr(start, line_end - start);
            const size_t colon = line.find(':');
            std::string value(line.substr(colon + 1));
            value.erase(0, value.find_first_not_of(" \t"));
            value.erase(value.find_last_not_of(" \t") + 1);
            r.headers.emplace_back(std::string(line.substr(0, colon)), value);
            if (iequals(line.substr(0, colon), "content-length")) {
                content_length = std::stoul(value);
            }
            if (iequals(line.substr(0, colon), "transfer-encoding")) {
                ADD_FAILURE() << "test_proxy reads Content-Length bodies only: " << line;
                return false;
            }
        }
        body = buf.substr(head_end + 4);
        while (body.size() < content_length) {
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) {
                return false;
            }
            body.append(chunk, static_cast<size_t>(n));
        }
        body.resize(content_length);
        r.body_size = body.size();
        r.body_sha256 = sha256_hex(body);
        r.at = std::chrono::steady_clock::now();
        return true;
    }

    static std::string error_answer(const proxy_action& act, const seen_request& r, int index) {
        const std::string xml = fmt::format(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</"
            "Message><Resource>{}</Resource><RequestId>test-proxy-{}</RequestId></Error>",
            act.code, act.message, r.path(), index);
        return fmt::format(
            "HTTP/1.1 {} {}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n"
            "x-amz-request-id: test-proxy-{}\r\nConnection: close\r\n\r\n{}",
            act.status, act.reason, xml.size(), index, xml);
    }

    std::string relay(const seen_request& r, const std::string& body) const {
        const int up = connect_loopback(upstream_port_);
        if (up < 0) {
            return error_answer(s3_error(502, "Bad Gateway", "BadGateway", "no upstream"), r, -1);
        }
        set_recv_timeout(up, 60);
        std::string out = r.method + " " + r.target + " HTTP/1.1\r\n";
        for (const auto& [k, v] : r.headers) {
            if (!iequals(k, "connection")) {
                out += k + ": " + v + "\r\n";
            }
        }
        out += "Connection: close\r\n\r\n";
        out += body;
        std::string answer;
        if (send_all(up, out)) {
            char chunk[64 * 1024];
            ssize_t n = 0;
            while ((n = ::recv(up, chunk, sizeof chunk, 0)) > 0) {
                answer.append(chunk, static_cast<size_t>(n));
            }
        }
        ::close(up);
        if (answer.empty()) {
            return error_answer(s3_error(502, "Bad Gateway", "BadGateway", "upstream failed"), r,
                                -1);
        }
        return answer;
    }

    int upstream_port_;
    rule decide_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<seen_request> seen_;
    std::vector<int> held_;  // hung connections: the proxy thread's, then the destructor's
};

// s3rver in a child process, with bucket "test-bucket", stopped (SIGTERM,
// then SIGKILL) when the fixture goes. Virtual-host requests: s3rver maps
// Host "<bucket>.s3.<service endpoint>" onto /<bucket>/<path>, so with
// --service-endpoint localhost, Host "test-bucket.s3.localhost:<port>"
// addresses test-bucket (lib/middleware/vhost.js). --no-vhost-buckets only
// turns off its other guess (any Host that is not an IP or localhost is a
// bucket name). Requests to 127.0.0.1 (path style) are unaffected.
class S3rverTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("cs-s3rver-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "data");
        const std::string script =
            std::string(CS_SOURCE_DIR) + "/tests/s3/node_modules/s3rver/bin/s3rver.js";
        ASSERT_TRUE(fs::exists(script))
            << script << " is missing: run scripts/install-deps.sh --test (npm ci in tests/s3)";
        port_ = free_port();
        const std::string port = std::to_string(port_);
        const std::string data = (dir_ / "data").string();
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execlp("node", "node", script.c_str(), "-d", data.c_str(), "-a", "127.0.0.1", "-p",
                     port.c_str(), "-s", "--no-vhost-buckets", "--service-endpoint", "localhost",
                     "--configure-bucket", "test-bucket", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ASSERT_GT(pid_, 0);
        // Waiting for a child to listen (not time logic): up to 30 s.
        for (int i = 0; i < 300 && !can_connect(port_); ++i) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = -1;
                FAIL() << "s3rver exited during start-up (status " << st << ")";
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ASSERT_TRUE(can_connect(port_)) << "s3rver did not listen on 127.0.0.1:" << port_;
    }
    void TearDown() override {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int st = 0;
            for (int i = 0; i < 50 && ::waitpid(pid_, &st, WNOHANG) == 0; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            if (::waitpid(pid_, &st, WNOHANG) == 0) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &st, 0);
            }
        }
        fs::remove_all(dir_);
    }
    config_map config(const std::string& secret = "S3RVER") const {
        return {{"s3.bucket.name", "test-bucket"},
                {"s3.region", "us-east-1"},
                {"store.url", "http://127.0.0.1:" + std::to_string(port_)},
                {"s3.path.style.access.enabled", "true"},
                {"aws.access.key.id", "S3RVER"},
                {"aws.secret.access.key", secret}};
    }
    std::unique_ptr<object_store> store(const std::string& secret = "S3RVER") const {
        auto o = s3_options_from_config(config(secret));
        EXPECT_TRUE(o);
        o->max_attempts = 2;
        o->base_backoff_ms = 10;
        auto s = open_s3_store(*o);
        EXPECT_TRUE(s);
        return std::move(*s);
    }

    fs::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

TEST_F(S3rverTest, PutGetListWithSignedRequests) {
    auto s = store();
    ASSERT_TRUE(s->put_object("topics/t/year=2025/t+0+0000000000.json", as_bytes("a\nb\n")));
    ASSERT_TRUE(s->put_object("topics/t/year=2025/t+0+0000000002.json", as_bytes("c\n")));
    ASSERT_TRUE(s->put_object("other/x", as_bytes("x")));
    auto got = s->get_object("topics/t/year=2025/t+0+0000000000.json");
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(*got, "a\nb\n");
    auto keys = s->list("topics/");
    ASSERT_TRUE(keys) << keys.err().message;
    EXPECT_EQ(*keys, (std::vector<std::string>{"topics/t/year=2025/t+0+0000000000.json",
                                               "topics/t/year=2025/t+0+0000000002.json"}));
    EXPECT_EQ(s->get_object("none").err().code, errc::not_found);
}

TEST_F(S3rverTest, MultipartUploadInParts) {
    auto s = store();
    std::string big(5 * 1024 * 1024 + 12345, '\0');
    for (size_t i = 0; i < big.size(); ++i) {
        big[i] = static_cast<char>(i * 7 % 251);
    }
    ASSERT_TRUE(upload_object(*s, "big/object.bin", as_bytes(big), 5 * 1024 * 1024));
    auto got = s->get_object("big/object.bin");
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(got->size(), big.size());
    EXPECT_TRUE(*got == big);
}

TEST_F(S3rverTest, SeedConfigSinkWritesTheSameObjectsAsTheLocalStore) {
    config_map c{
        {"connector.class", "io.confluent.connect.s3.S3SinkConnector"},
        {"topics", "enriched-clickstream"},
        {"s3.part.size", "5242880"},
        {"flush.size", "1000"},
        {"storage.class", "io.confluent.connect.s3.storage.S3Storage"},
        {"format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat"},
        {"partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"},
        {"path.format", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH"},
        {"locale", "en"},
        {"timezone", "UTC"},
        {"timestamp.extractor", "RecordField"},
        {"timestamp.field", "timestamp"}};
    for (const auto& [k, v] : config()) {
        c[k] = v;
    }
    // flush.size records: the set completes (files stay open until then).
    std::vector<record> recs;
    for (int64_t i = 0; i < 1000; ++i) {
        recs.push_back(testing::click_event("enriched-clickstream", 0, 500 + i, i));
    }
    testing::collecting_reporter rep;
    s3_sink_task remote;
    ASSERT_TRUE(remote.start(c, rep));
    ASSERT_TRUE(remote.put(recs));

    config_map local_config = c;
    local_config["store.url"] = "file://" + (dir_ / "local").string();
    s3_sink_task local;
    ASSERT_TRUE(local.start(local_config, rep));
    ASSERT_TRUE(local.put(recs));

    auto remote_store = store();
    auto local_store = open_local_store((dir_ / "local" / "test-bucket").string());
    auto want = (*local_store)->list("topics/");
    auto got = remote_store->list("topics/");
    ASSERT_TRUE(want && got);
    EXPECT_GE(want->size(), 3U);
    ASSERT_EQ(*got, *want);
    for (const auto& k : *want) {
        EXPECT_TRUE(*remote_store->get_object(k) == *(*local_store)->get_object(k)) << k;
    }
    EXPECT_TRUE(rep.reported.empty());
}

// ---- faults between the client and s3rver (test_proxy) ---------------------

constexpr size_t kPart = 5 * 1024 * 1024;  // S3's smallest part size but for the last part

std::string pattern_bytes(size_t n, int seed) {
    std::string out(n, '\0');
    for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<char>((i * 7 + static_cast<size_t>(seed)) % 251);
    }
    return out;
}

// The fixture's bucket and key at endpoint (usually a test_proxy), with
// quick retries.
s3_store_options fast_retry_options(const std::string& endpoint, int max_attempts) {
    s3_store_options o;
    o.endpoint = endpoint;
    o.bucket = "test-bucket";
    o.region = "us-east-1";
    o.credentials = {"S3RVER", "S3RVER", ""};
    o.max_attempts = max_attempts;
    o.base_backoff_ms = 5;
    return o;
}

std::unique_ptr<object_store> open_store(s3_store_options o) {
    auto s = open_s3_store(std::move(o));
    EXPECT_TRUE(s) << s.err().message;
    return s ? std::move(*s) : nullptr;
}

// Which call a request is: "PUT", "POST ?uploads", "PUT ?partNumber=2",
// "DELETE ?uploadId", "GET ?list-type=2".
std::string call_of(const seen_request& r) {
    std::string q = r.query();
    q = q.substr(0, q.find('&'));
    if (q.starts_with("uploadId=")) {
        q = "uploadId";
    }
    if (q == "uploads=") {
        q = "uploads";
    }
    return q.empty() ? r.method : r.method + " ?" + q;
}

std::vector<std::string> calls_of(const std::vector<seen_request>& seen, size_t from = 0) {
    std::vector<std::string> out;
    for (size_t i = from; i < seen.size(); ++i) {
        out.push_back(call_of(seen[i]));
    }
    return out;
}

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

TEST_F(S3rverTest, SlowDownAnswersAreRetriedWithBackoffUntilThePutSucceeds) {
    // N = 2 < max_attempts = 3: two 503 SlowDown, then s3rver answers.
    test_proxy proxy(port_,
                     [](const seen_request&, int i) { return i < 2 ? slow_down() : forward(); });
    auto o = fast_retry_options(proxy.url(), 3);
    o.base_backoff_ms = 20;
    auto s = open_store(o);
    const std::string key = "retry/year=2025/put.json";
    const std::string data = "{\"a\":1}\n{\"a\":2}\n";
    const status st = s->put_object(key, as_bytes(data));
    ASSERT_TRUE(st) << st.message();

    const auto seen = proxy.requests();
    ASSERT_EQ(seen.size(), 3U);
    for (const auto& r : seen) {
        EXPECT_EQ(r.method, "PUT");
        EXPECT_EQ(r.target, "/test-bucket/retry/year%3D2025/put.json");
        // Every attempt sends the whole body again, and signs its hash.
        EXPECT_EQ(r.body_sha256, sha256_hex(data));
        EXPECT_EQ(r.header("x-amz-content-sha256"), sha256_hex(data));
    }
    // Backoff between attempts: base_backoff_ms, then twice that. Lower
    // bounds only (the client sleeps at least this long between an answer
    // and its next attempt, however slow the machine); never an upper bound.
    EXPECT_GE(seen[1].at - seen[0].at, std::chrono::milliseconds(20));
    EXPECT_GE(seen[2].at - seen[1].at, std::chrono::milliseconds(40));

    auto got = store()->get_object(key);  // from s3rver directly
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(*got, data);
}

TEST_F(S3rverTest, ThrottlingClientErrorsAreRetriedToo) {
    // 429 (S3-compatible stores throttle with it), then 400 RequestTimeout,
    // then s3rver: retried as AWS SDKs do, unlike other 4xx answers.
    test_proxy proxy(port_, [](const seen_request&, int i) {
        if (i == 0) {
            return s3_error(429, "Too Many Requests", "SlowDown",
                            "Please reduce your request rate.");
        }
        if (i == 1) {
            return s3_error(400, "Bad Request", "RequestTimeout",
                            "Your socket connection to the server was not read from or written to "
                            "within the timeout period.");
        }
        return forward();
    });
    auto s = open_store(fast_retry_options(proxy.url(), 3));
    const std::string data = "{\"a\":1}\n";
    const status st = s->put_object("throttled/put.json", as_bytes(data));
    ASSERT_TRUE(st) << st.message();
    EXPECT_EQ(proxy.requests().size(), 3U);
    auto got = store()->get_object("throttled/put.json");
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(*got, data);
}

TEST_F(S3rverTest, MultipartUploadRetriesEachRequestOn5xx) {
    // The client sends one request at a time, so with max_attempts = 3 the
    // answers 500, 503, forward, 500, 503, forward, ... fail the first two
    // attempts of every request of the upload (N = 2 each time).
    test_proxy proxy(port_, [](const seen_request&, int i) {
        switch (i % 3) {
            case 0:
                return s3_error(500, "Internal Server Error", "InternalError",
                                "We encountered an internal error. Please try again.");
            case 1:
                return slow_down();
            default:
                return forward();
        }
    });
    auto s = open_store(fast_retry_options(proxy.url(), 3));
    const std::string big = pattern_bytes(kPart + 12345, 7);
    const status st = upload_object(*s, "retry/multipart.bin", as_bytes(big), kPart);
    ASSERT_TRUE(st) << st.message();

    const auto seen = proxy.requests();
    EXPECT_EQ(calls_of(seen), (std::vector<std::string>{
                                  "POST ?uploads", "POST ?uploads", "POST ?uploads",
                                  "PUT ?partNumber=1", "PUT ?partNumber=1", "PUT ?partNumber=1",
                                  "PUT ?partNumber=2", "PUT ?partNumber=2", "PUT ?partNumber=2",
                                  "POST ?uploadId", "POST ?uploadId", "POST ?uploadId"}));
    ASSERT_EQ(seen.size(), 12U);
    for (size_t i = 0; i < seen.size(); ++i) {
        // A retry is the same request again: target (with its uploadId) and body.
        const auto& first = seen[i - i % 3];
        EXPECT_EQ(seen[i].target, first.target) << i;
        EXPECT_EQ(seen[i].body_sha256, first.body_sha256) << i;
        EXPECT_EQ(seen[i].header("x-amz-content-sha256"), seen[i].body_sha256) << i;
    }
    EXPECT_EQ(seen[3].body_size, kPart);
    EXPECT_EQ(seen[6].body_size, 12345U);

    auto got = store()->get_object("retry/multipart.bin");
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(got->size(), big.size());
    EXPECT_TRUE(*got == big);
}

TEST_F(S3rverTest, PersistentSlowDownFailsWithIoAfterMaxAttempts) {
    // N = 3 = max_attempts for the first put; for the multipart upload after
    // it, every attempt of part 2. Everything else reaches s3rver.
    test_proxy proxy(port_, [](const seen_request& r, int i) {
        if (i < 3 || (r.method == "PUT" && r.query().starts_with("partNumber=2&"))) {
            return slow_down();
        }
        return forward();
    });
    auto s = open_store(fast_retry_options(proxy.url(), 3));
    const std::string key = "giveup/put.json";
    const status st = s->put_object(key, as_bytes("x\n"));
    ASSERT_FALSE(st);
    // errc::io: the sink worker retries the batch later.
    EXPECT_EQ(st.code(), errc::io) << st.message();
    EXPECT_TRUE(contains(st.message(), "503")) << st.message();
    EXPECT_TRUE(contains(st.message(), "SlowDown")) << st.message();
    EXPECT_TRUE(contains(st.message(), key)) << st.message();
    EXPECT_EQ(calls_of(proxy.requests()), (std::vector<std::string>{"PUT", "PUT", "PUT"}));
    auto absent = store()->get_object(key);
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.err().code, errc::not_found);

    // The store still works after giving up.
    const status next = s->put_object("giveup/next.json", as_bytes("y\n"));
    ASSERT_TRUE(next) << next.message();
    auto got = store()->get_object("giveup/next.json");
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(*got, "y\n");

    // A part that keeps failing: upload_object gives up with errc::io after
    // max_attempts and aborts the upload (which s3rver gets).
    const size_t before = proxy.requests().size();
    const std::string big = pattern_bytes(kPart + 100, 3);
    const status mp = upload_object(*s, "giveup/multipart.bin", as_bytes(big), kPart);
    ASSERT_FALSE(mp);
    EXPECT_EQ(mp.code(), errc::io) << mp.message();
    EXPECT_TRUE(contains(mp.message(), "503")) << mp.message();
    EXPECT_TRUE(contains(mp.message(), "giveup/multipart.bin")) << mp.message();
    EXPECT_EQ(
        calls_of(proxy.requests(), before),
        (std::vector<std::string>{"POST ?uploads", "PUT ?partNumber=1", "PUT ?partNumber=2",
                                  "PUT ?partNumber=2", "PUT ?partNumber=2", "DELETE ?uploadId"}));
    auto no_object = store()->get_object("giveup/multipart.bin");
    ASSERT_FALSE(no_object);
    EXPECT_EQ(no_object.err().code, errc::not_found);
}

TEST_F(S3rverTest, ClientErrorsAreReturnedAtOnceWithS3sMessage) {
    // 403 AccessDenied for the first request and for every UploadPart;
    // everything else reaches s3rver, so a retry would succeed and show.
    test_proxy proxy(port_, [](const seen_request& r, int i) {
        if (i == 0 || (r.method == "PUT" && r.query().starts_with("partNumber="))) {
            return s3_error(403, "Forbidden", "AccessDenied", "Access Denied");
        }
        return forward();
    });
    auto s = open_store(fast_retry_options(proxy.url(), 3));
    const status st = s->put_object("denied/put.json", as_bytes("x\n"));
    ASSERT_FALSE(st);
    // Not errc::io / errc::timed_out, which the sink worker would retry.
    EXPECT_NE(st.code(), errc::io) << st.message();
    EXPECT_NE(st.code(), errc::timed_out) << st.message();
    for (const std::string_view want :
         {"403", "AccessDenied", "Access Denied", "denied/put.json"}) {
        EXPECT_TRUE(contains(st.message(), want)) << want << " not in: " << st.message();
    }
    EXPECT_EQ(calls_of(proxy.requests()), (std::vector<std::string>{"PUT"}));
    auto absent = store()->get_object("denied/put.json");
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.err().code, errc::not_found);

    // In a multipart upload: one attempt of the part, then the abort.
    const std::string big = pattern_bytes(kPart + 100, 5);
    const status mp = upload_object(*s, "denied/multipart.bin", as_bytes(big), kPart);
    ASSERT_FALSE(mp);
    EXPECT_NE(mp.code(), errc::io) << mp.message();
    EXPECT_NE(mp.code(), errc::timed_out) << mp.message();
    EXPECT_TRUE(contains(mp.message(), "AccessDenied: Access Denied")) << mp.message();
    EXPECT_EQ(calls_of(proxy.requests(), 1),
              (std::vector<std::string>{"POST ?uploads", "PUT ?partNumber=1", "DELETE ?uploadId"}));
}

// No s3rver: the proxy reads every request and never answers.
TEST(S3StoreTimeoutTest, AServerThatNeverAnswersTimesOutAfterMaxAttempts) {
    test_proxy proxy(0, [](const seen_request&, int) { return never_answer(); });
    auto o = fast_retry_options(proxy.url(), 2);
    o.timeout_ms = 300;
    auto s = open_store(o);

    const status st = s->put_object("slow/put.json", as_bytes("x\n"));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.code(), errc::timed_out) << st.message();
    EXPECT_TRUE(contains(st.message(), "slow/put.json")) << st.message();
    EXPECT_EQ(calls_of(proxy.requests_after(2)), (std::vector<std::string>{"PUT", "PUT"}));

    auto got = s->get_object("slow/put.json");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.err().code, errc::timed_out) << got.err().message;
    EXPECT_EQ(calls_of(proxy.requests_after(4)),
              (std::vector<std::string>{"PUT", "PUT", "GET", "GET"}));
}

TEST_F(S3rverTest, ATimedOutAttemptIsRetried) {
    // The first attempt is never answered; the next ones reach s3rver. The
    // timeout leaves s3rver time to answer on a loaded machine (and if one
    // forwarded attempt still times out, the next is another retry).
    test_proxy proxy(
        port_, [](const seen_request&, int i) { return i == 0 ? never_answer() : forward(); });
    auto o = fast_retry_options(proxy.url(), 4);
    o.timeout_ms = 2'000;
    auto s = open_store(o);
    const status st = s->put_object("slow/retried.json", as_bytes("z\n"));
    ASSERT_TRUE(st) << st.message();
    EXPECT_GE(proxy.requests().size(), 2U);
    auto got = store()->get_object("slow/retried.json");
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(*got, "z\n");
}

// ---- virtual-host–style addressing -----------------------------------------
//
// s3.path.style.access.enabled=false puts the bucket into the Host name and
// leaves only /<key> in the path. Against 127.0.0.1 that needs a name for
// the loopback address with the bucket in front: store.url
// http://s3.localhost:<port> makes the client ask for
// test-bucket.s3.localhost:<port>, which libcurl (>= 7.85) resolves to
// loopback itself (RFC 6761; no /etc/hosts or DNS involved), and s3rver,
// started with --service-endpoint localhost, maps Host
// test-bucket.s3.localhost onto bucket test-bucket. So no rewriting is
// needed; the proxy test below forwards the requests unchanged and checks
// their form and signature, and the objects land in test-bucket as a
// path-style client on 127.0.0.1 sees.

config_map vhost_config(const config_map& base, int port) {
    config_map c = base;
    c["s3.path.style.access.enabled"] = "false";
    c["store.url"] = "http://s3.localhost:" + std::to_string(port);
    return c;
}

constexpr std::string_view kNoLocalhost =
    " (the client needs libcurl >= 7.85, which resolves *.localhost to loopback)";

// The Authorization header a server holding the secret computes for r as it
// arrived: its method, path and query (decoded), the headers its
// SignedHeaders name (Host included) and its x-amz-date.
std::string authorization_for(const seen_request& r, std::string_view region) {
    sigv4_request req;
    req.method = r.method;
    req.path = percent_decode(r.path());
    const std::string query = r.query();
    for (size_t start = 0; start < query.size();) {
        size_t end = query.find('&', start);
        if (end == std::string::npos) {
            end = query.size();
        }
        const std::string_view param(query.data() + start, end - start);
        const size_t eq = param.find('=');
        req.query.emplace_back(
            percent_decode(param.substr(0, eq)),
            eq == std::string_view::npos ? "" : percent_decode(param.substr(eq + 1)));
        start = end + 1;
    }
    const std::string auth = r.header("authorization");
    const size_t at = auth.find("SignedHeaders=");
    if (at == std::string::npos) {
        return "(no SignedHeaders in '" + auth + "')";
    }
    const size_t names_start = at + std::string_view("SignedHeaders=").size();
    const std::string names = auth.substr(names_start, auth.find(',', names_start) - names_start);
    for (size_t start = 0; start <= names.size();) {
        size_t end = names.find(';', start);
        if (end == std::string::npos) {
            end = names.size();
        }
        const std::string name = names.substr(start, end - start);
        req.headers.emplace_back(name, r.header(name));
        start = end + 1;
    }
    req.payload_hash = r.header("x-amz-content-sha256");
    return sigv4_authorization(req, {"S3RVER", "S3RVER", ""}, r.header("x-amz-date"), region);
}

TEST_F(S3rverTest, VirtualHostStyleAddressing) {
    auto o = s3_options_from_config(vhost_config(config(), port_));
    ASSERT_TRUE(o) << o.err().message;
    EXPECT_FALSE(o->path_style);
    o->max_attempts = 2;
    o->base_backoff_ms = 10;
    auto s = open_store(*o);
    const status st = s->put_object("vhost/year=2025/a b.json", as_bytes("v\n"));
    ASSERT_TRUE(st) << st.message() << kNoLocalhost;
    const std::string big = pattern_bytes(kPart + 99, 11);
    const status mp = upload_object(*s, "vhost/multipart.bin", as_bytes(big), kPart);
    ASSERT_TRUE(mp) << mp.message();

    auto got = s->get_object("vhost/year=2025/a b.json");
    ASSERT_TRUE(got) << got.err().message;
    EXPECT_EQ(*got, "v\n");
    auto keys = s->list("vhost/");
    ASSERT_TRUE(keys) << keys.err().message;
    EXPECT_EQ(*keys, (std::vector<std::string>{"vhost/multipart.bin", "vhost/year=2025/a b.json"}));
    EXPECT_EQ(s->get_object("vhost/none").err().code, errc::not_found);

    // The objects are in test-bucket, as a path-style client sees them.
    auto path_style = store();
    auto direct = path_style->get_object("vhost/multipart.bin");
    ASSERT_TRUE(direct) << direct.err().message;
    EXPECT_TRUE(*direct == big);
    auto direct_keys = path_style->list("vhost/");
    ASSERT_TRUE(direct_keys) << direct_keys.err().message;
    EXPECT_EQ(*direct_keys, *keys);
}

TEST_F(S3rverTest, VirtualHostStyleRequestsAreSignedForTheBucketHost) {
    test_proxy proxy(port_, [](const seen_request&, int) { return forward(); });
    auto o = s3_options_from_config(vhost_config(config(), proxy.port()));
    ASSERT_TRUE(o) << o.err().message;
    o->max_attempts = 1;
    auto s = open_store(*o);
    const status st = s->put_object("vhost/year=2025/a b.json", as_bytes("v\n"));
    ASSERT_TRUE(st) << st.message() << kNoLocalhost;
    const std::string big = pattern_bytes(kPart + 1, 13);
    const status mp = upload_object(*s, "vhost/multipart.bin", as_bytes(big), kPart);
    ASSERT_TRUE(mp) << mp.message();
    auto keys = s->list("vhost/");
    ASSERT_TRUE(keys) << keys.err().message;
    EXPECT_EQ(*keys, (std::vector<std::string>{"vhost/multipart.bin", "vhost/year=2025/a b.json"}));

    const auto seen = proxy.requests();
    EXPECT_EQ(calls_of(seen), (std::vector<std::string>{"PUT", "POST ?uploads", "PUT ?partNumber=1",
                                                        "PUT ?partNumber=2", "POST ?uploadId",
                                                        "GET ?list-type=2"}));
    ASSERT_EQ(seen.size(), 6U);
    // The bucket is in the Host name, not in the path.
    EXPECT_EQ(seen[0].target, "/vhost/year%3D2025/a%20b.json");
    EXPECT_EQ(seen[1].target, "/vhost/multipart.bin?uploads=");
    EXPECT_EQ(seen[5].target, "/?list-type=2&prefix=vhost%2F");
    const std::string host = "test-bucket.s3.localhost:" + std::to_string(proxy.port());
    for (const auto& r : seen) {
        EXPECT_EQ(r.header("host"), host) << r.target;
        EXPECT_FALSE(r.path().starts_with("/test-bucket")) << r.target;
        // Signed over that Host and that path, as S3 checks them.
        EXPECT_TRUE(contains(r.header("authorization"), "SignedHeaders=host;"))
            << r.header("authorization");
        EXPECT_EQ(r.header("authorization"), authorization_for(r, "us-east-1")) << r.target;
    }

    auto direct = store()->get_object("vhost/multipart.bin");
    ASSERT_TRUE(direct) << direct.err().message;
    EXPECT_TRUE(*direct == big);
}

}  // namespace
}  // namespace cs::connect::s3
