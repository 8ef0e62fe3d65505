// The S3 API client against s3rver (npm, pinned in tests/s3) on 127.0.0.1.
// s3rver 3.7.1 as started here did not reject a wrong secret, so signing is
// checked by sigv4_test.cc (AWS's vectors), not here. The test fails with a
// clear message when s3rver cannot be started.

#include "connect/connectors/s3/s3_store.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
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

// s3rver in a child process, with bucket "test-bucket", stopped (SIGTERM,
// then SIGKILL) when the fixture goes.
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
                     port.c_str(), "-s", "--no-vhost-buckets", "--configure-bucket", "test-bucket",
                     static_cast<char*>(nullptr));
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
    std::vector<record> recs;
    for (int64_t i = 0; i < 30; ++i) {
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

}  // namespace
}  // namespace cs::connect::s3
