#include "broker/fetch_waiters.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace cs::broker {
namespace {

const kafka::topic_partition kTp{"t", kafka::partition_id(0)};

TEST(FetchWaiters, NotifyCompletesWhenDataIsThere) {
    fetch_waiters w;
    std::atomic<bool> data{false};
    std::atomic<int> answers{0};
    std::atomic<bool> final_seen{false};
    w.wait({kTp}, 60'000, [&](bool final) {
        if (final) {
            final_seen = true;
        }
        if (data || final) {
            ++answers;
            return true;
        }
        return false;
    });
    EXPECT_EQ(w.waiting(), 1u);
    w.notify(kTp);  // no data yet: keeps waiting
    EXPECT_EQ(answers.load(), 0);
    data = true;
    w.notify(kTp);
    EXPECT_EQ(answers.load(), 1);
    w.stop();
    EXPECT_EQ(answers.load(), 1);  // never answered twice
    EXPECT_FALSE(final_seen.load());
}

TEST(FetchWaiters, DeadlineAnswersWithFinal) {
    fetch_waiters w;
    std::atomic<bool> done{false};
    w.wait({kTp}, 10, [&](bool final) {
        if (final) {
            done = true;
        }
        return final;
    });
    for (int i = 0; i < 2000 && !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(done.load());
}

TEST(FetchWaiters, StopAnswersEveryWaiter) {
    fetch_waiters w;
    std::atomic<int> finals{0};
    for (int i = 0; i < 5; ++i) {
        w.wait({kTp}, 600'000, [&](bool final) {
            finals += final ? 1 : 0;
            return final;
        });
    }
    w.stop();
    EXPECT_EQ(finals.load(), 5);
    // After stop a new waiter is answered at once.
    w.wait({kTp}, 600'000, [&](bool final) {
        finals += final ? 1 : 0;
        return final;
    });
    EXPECT_EQ(finals.load(), 6);
}

}  // namespace
}  // namespace cs::broker
