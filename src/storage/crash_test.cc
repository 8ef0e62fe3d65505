// Crash safety: a child process appends acks=all batches and reports each
// one once it is durable; the parent SIGKILLs it at a random moment, reopens
// the log, and checks that every acknowledged batch is there byte for byte
// and that only whole, valid batches the child really wrote are served.

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/flusher.h"
#include "storage/partition_log.h"
#include "storage/test_util.h"

namespace cs::storage {
namespace {

using kafka::offset;

struct ack {
    int64_t k;
    int64_t base;
    int64_t last;
};

// Batch number k, reproducible in the parent: its records' values start with "c<k>-".
bytes batch_for(int64_t k) {
    std::mt19937 rng(static_cast<uint32_t>(k));
    int count = 1 + static_cast<int>(rng() % 5);
    size_t value_size = 20 + rng() % 3000;
    return testing::make_batch(count, 1000 + k, "c" + std::to_string(k), value_size);
}

int64_t batch_number(bytes_view stored) {
    auto recs = kafka::decode_records(stored);
    if (!recs || recs->empty() || !recs->front().value) {
        return -1;
    }
    auto v = as_string_view(*recs->front().value);
    auto dash = v.find('-');
    return dash == std::string_view::npos || v[0] != 'c'
               ? -1
               : std::stoll(std::string(v.substr(1, dash - 1)));
}

bool write_all(int fd, const void* p, size_t n) {
    auto* c = static_cast<const char*>(p);
    while (n > 0) {
        ssize_t w = ::write(fd, c, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        c += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

[[noreturn]] void run_writer(const std::filesystem::path& dir, int64_t first_k, int ack_fd) {
    manual_clock clk;
    flusher fl;
    auto log = partition_log::open(dir, {"clicks", kafka::partition_id(0)},
                                   log_config{.segment_bytes = 512 * 1024}, clk, &fl,
                                   {.clean_shutdown = false, .recovery_point = offset(0)});
    if (!log) {
        _exit(2);
    }
    // Like a producer: at most 8 batches in flight (appended, not yet durable).
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    for (int64_t k = first_k; k < first_k + 20'000; ++k) {
        {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return in_flight < 8; });
            ++in_flight;
        }
        bytes b = batch_for(k);
        auto r = (*log)->append(b);
        if (!r) {
            _exit(3);
        }
        ack a{k, r->base_offset.value(), r->last_offset.value()};
        (*log)->wait_durable(r->last_offset, [&, a](status s) {
            if (s.ok()) {
                write_all(ack_fd, &a, sizeof a);
            }
            std::lock_guard lock(mu);
            --in_flight;
            cv.notify_one();
        });
    }
    _exit(0);
}

TEST(CrashTest, AcknowledgedBatchesSurviveSigkill) {
    testing::temp_dir root;
    auto dir = root.path() / "clicks-0";
    std::mt19937 rng(2024);
    std::map<int64_t, ack> acked;  // by base offset
    manual_clock clk;
    for (int iter = 0; iter < 30; ++iter) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(fds[0]);
            run_writer(dir, int64_t{iter} * 100'000, fds[1]);
        }
        ::close(fds[1]);
        // Kill after a random number of acknowledgements (the child keeps
        // appending meanwhile, so the kill lands anywhere in its loop).
        int kill_after = 1 + static_cast<int>(rng() % 40);
        int seen = 0;
        bool killed = false;
        ack a{};
        while (true) {
            ssize_t n = ::read(fds[0], &a, sizeof a);
            if (n == 0) {
                break;
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            ASSERT_EQ(n,
                      static_cast<ssize_t>(sizeof a));  // writes of 24 bytes to a pipe are atomic
            acked[a.base] = a;
            if (++seen == kill_after && !killed) {
                ::kill(pid, SIGKILL);
                killed = true;
            }
        }
        ::close(fds[0]);
        int wstatus = 0;
        ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
        ASSERT_TRUE(killed) << "writer exited on its own, status " << wstatus;

        // Reopen as after a crash and check.
        auto log = partition_log::open(dir, {"clicks", kafka::partition_id(0)},
                                       log_config{.segment_bytes = 512 * 1024}, clk, nullptr,
                                       {.clean_shutdown = false, .recovery_point = offset(0)});
        ASSERT_TRUE(log.ok()) << log.err().message;
        for (const auto& [base, ac] : acked) {
            auto r = (*log)->read(offset(base), 1);
            ASSERT_TRUE(r.ok()) << "iteration " << iter << " acked offset " << base << ": "
                                << r.err().message;
            auto data = r->slice.read_bytes();
            ASSERT_TRUE(data.ok());
            bytes expected = batch_for(ac.k);
            kafka::set_base_offset(expected, offset(base));
            kafka::set_partition_leader_epoch(expected, kafka::leader_epoch(0));
            ASSERT_EQ(*data, expected) << "iteration " << iter << " batch " << ac.k;
        }
        // Everything served is a whole valid batch the writer produced, offsets contiguous.
        offset from(0);
        while (from < (*log)->high_watermark()) {
            auto r = (*log)->read(from, 1 << 20);
            ASSERT_TRUE(r.ok());
            auto data = r->slice.read_bytes();
            auto split = kafka::split_batches(*data);
            ASSERT_TRUE(split.ok());
            ASSERT_TRUE(split->trailing.empty());
            for (auto b : split->batches) {
                auto h = kafka::validate_batch(b, {.client_rules = false});
                ASSERT_TRUE(h.ok()) << h.err().message;
                ASSERT_EQ(h->base_offset, from.value());
                int64_t k = batch_number(b);
                ASSERT_GE(k, 0);
                bytes expected = batch_for(k);
                kafka::set_base_offset(expected, from);
                kafka::set_partition_leader_epoch(expected, kafka::leader_epoch(0));
                ASSERT_TRUE(std::equal(b.begin(), b.end(), expected.begin(), expected.end()));
                from = h->last_offset() + 1;
            }
        }
        ASSERT_GT((*log)->high_watermark(), offset(acked.rbegin()->second.last));
    }
    EXPECT_GE(acked.size(), 30u);
}

}  // namespace
}  // namespace cs::storage
