// Responses with external chunks (base/gather.h): file ranges are sent with
// sendfile, memory chunks with sendmsg, all in request order.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "broker/net/server.h"
#include "broker/net/test_client.h"

namespace cs::broker::net {
namespace {

namespace fs = std::filesystem;
using testing::test_client;

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

bytes to_bytes(std::string_view s) {
    auto v = as_bytes(s);
    return bytes(v.begin(), v.end());
}

// An open descriptor that closes when the last chunk referring to it goes.
struct open_file {
    explicit open_file(const fs::path& p) : fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~open_file() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    open_file(const open_file&) = delete;
    open_file& operator=(const open_file&) = delete;
    int fd;
};

// Larger than any loopback socket buffer, so the sender meets EAGAIN and
// resumes mid-file several times.
constexpr size_t kFileBytes = 24u << 20;

std::string file_pattern(size_t n) {
    std::string s(n, '\0');
    uint32_t x = 12345;
    for (auto& c : s) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

// By the first four bytes of the request:
//   FILE  "head|" + file[7, 7 + len) + "|mem|" + "|tail"  (file range, memory chunk, inline)
//   GONE  like FILE, then unlinks the file and drops the handler's reference
//   SHRT  promises 100 bytes past the end of the file
//   HOLD  keeps the responder for the test
//   ECHO  "re:<frame>"
class file_handler final : public request_handler {
  public:
    explicit file_handler(fs::path file) : file_(std::move(file)) {}

    void handle(const connection_info&, bytes frame, responder r) override {
        const std::string cmd(as_string_view(frame).substr(0, 4));
        if (cmd == "HOLD") {
            std::lock_guard lock(mu_);
            held_.push_back(std::move(r));
            return;
        }
        if (cmd == "ECHO") {
            r.respond(to_bytes("re:" + std::string(as_string_view(frame))));
            return;
        }
        auto f = std::make_shared<open_file>(file_);
        {
            std::lock_guard lock(mu_);
            last_file_ = f;
        }
        const uint64_t size = fs::file_size(file_);
        const uint64_t len = cmd == "SHRT" ? size : size - 7 - 3;
        gather_bytes g;
        g.inline_bytes = to_bytes("head||tail");
        g.splices.push_back({5, external_chunk::file_range(f, f->fd, 7, len)});
        g.splices.push_back(
            {5, external_chunk::memory(std::make_shared<const bytes>(to_bytes("|mem|")))});
        r.respond(std::move(g));
        if (cmd == "GONE") {
            fs::remove(file_);  // as retention does: the name goes, the fd stays
        }
    }

    std::vector<responder> take_held() {
        std::lock_guard lock(mu_);
        return std::move(held_);
    }
    size_t held_count() {
        std::lock_guard lock(mu_);
        return held_.size();
    }
    std::weak_ptr<open_file> last_file() {
        std::lock_guard lock(mu_);
        return last_file_;
    }

  private:
    fs::path file_;
    std::mutex mu_;
    std::vector<responder> held_;
    std::weak_ptr<open_file> last_file_;
};

class GatherWrite : public ::testing::Test {
  protected:
    GatherWrite() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/cs-net-XXXXXX";
        dir_ = fs::path(::mkdtemp(tmpl.data()));
        file_ = dir_ / "00000000000000000000.log";
        content_ = file_pattern(kFileBytes);
        std::FILE* f = std::fopen(file_.c_str(), "wb");
        std::fwrite(content_.data(), 1, content_.size(), f);
        std::fclose(f);
        handler_ = std::make_unique<file_handler>(file_);
    }
    ~GatherWrite() override {
        server_.reset();
        handler_->take_held();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    void start() {
        server_config c;
        c.listeners = {{"PLAINTEXT", "127.0.0.1", 0}};
        c.network_threads = 2;
        c.housekeeping_interval_ms = 5;
        c.idle_timeout_ms = 0;
        server_ = std::make_unique<server>(std::move(c), *handler_, clock_);
        ASSERT_TRUE(server_->start().ok());
        port_ = server_->listeners().at(0).port;
    }

    std::string expected_file_response() const {
        return "head|" + content_.substr(7, kFileBytes - 10) + "|mem||tail";
    }

    fs::path dir_;
    fs::path file_;
    std::string content_;
    std::unique_ptr<file_handler> handler_;
    manual_clock clock_;
    std::unique_ptr<server> server_;
    uint16_t port_ = 0;
};

TEST_F(GatherWrite, FileRangeLargerThanTheSocketBufferIsSentCompletely) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("FILE request"));
    ASSERT_TRUE(c.send_frame("ECHO after"));
    auto got = c.read_frame();
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(got->size(), expected_file_response().size());
    EXPECT_TRUE(*got == expected_file_response());
    EXPECT_EQ(c.read_frame(), "re:ECHO after");
    // The chunk's owner (and with it the fd) is released once written.
    EXPECT_TRUE(eventually([&] { return handler_->last_file().expired(); }));
    EXPECT_TRUE(eventually(
        [&] { return server_->counters().snapshot().bytes_out >= 4 + kFileBytes - 10 + 4 + 14; }));
}

TEST_F(GatherWrite, FileDeletedWhileInFlightIsStillSent) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("GONE request"));
    // Nothing read yet: the response is stuck in a full socket buffer while
    // the file's name disappears.
    ASSERT_TRUE(eventually([&] { return !fs::exists(file_); }));
    auto got = c.read_frame();
    ASSERT_TRUE(got.has_value());
    EXPECT_TRUE(*got == expected_file_response());
    ASSERT_TRUE(c.send_frame("ECHO still here"));
    EXPECT_EQ(c.read_frame(), "re:ECHO still here");
}

TEST_F(GatherWrite, ResponsesStayInRequestOrder) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("HOLD first"));
    ASSERT_TRUE(c.send_frame("FILE second"));
    ASSERT_TRUE(eventually([&] { return handler_->held_count() == 1; }));
    EXPECT_TRUE(c.nothing_readable_for(50));  // the file response waits for the held one
    auto held = handler_->take_held();
    held[0].respond(to_bytes("first"));
    EXPECT_EQ(c.read_frame(), "first");
    auto got = c.read_frame();
    ASSERT_TRUE(got.has_value());
    EXPECT_TRUE(*got == expected_file_response());
}

TEST_F(GatherWrite, FileShorterThanPromisedClosesOnlyThatConnection) {
    start();
    test_client c(port_);
    ASSERT_TRUE(c.send_frame("SHRT request"));
    // The frame cannot be completed: the connection closes instead of
    // sending a short (misframed) response.
    auto prefix = c.read_exact(4);
    ASSERT_TRUE(prefix.has_value());
    const auto promised =
        static_cast<size_t>(load_be<int32_t>(reinterpret_cast<const std::byte*>(prefix->data())));
    EXPECT_EQ(promised, 5 + kFileBytes + 5 + 5);
    EXPECT_FALSE(c.read_exact(promised).has_value());
    test_client other(port_);
    ASSERT_TRUE(other.send_frame("ECHO fine"));
    EXPECT_EQ(other.read_frame(), "re:ECHO fine");
}

// The peer resets the connection in the middle of a file range: sendfile
// fails with EPIPE/ECONNRESET (never a SIGPIPE that would kill the process),
// only that connection closes, and the chunk's fd is released.
TEST_F(GatherWrite, PeerResetDuringFileSendClosesOnlyThatConnection) {
    start();
    {
        test_client c(port_);
        ASSERT_TRUE(c.send_frame("FILE request"));
        ASSERT_TRUE(c.read_exact(4).has_value());
        // Closing with unread bytes in the receive queue sends RST.
    }
    EXPECT_TRUE(eventually([&] { return handler_->last_file().expired(); }));
    test_client other(port_);
    ASSERT_TRUE(other.send_frame("ECHO fine"));
    EXPECT_EQ(other.read_frame(), "re:ECHO fine");
}

}  // namespace
}  // namespace cs::broker::net
