#include "client/fetcher.h"

#include <atomic>
#include <map>

#include <gtest/gtest.h>

#include "client/fetch_test_records.h"
#include "client/producer.h"
#include "testing/test_brokers.h"

namespace cs::client {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

using testing_records::base_ts;
using testing_records::expect_record;
using testing_records::fixed_leader;
using testing_records::parse_address;

fetch_options quick_options() {
    fetch_options o;
    o.max_wait_ms = 100;
    o.socket_timeout = 5s;
    o.reconnect_backoff = 50ms;
    o.auto_offset_reset = "earliest";
    return o;
}

class FetcherTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? testing::start_clickstream_broker() : testing::start_mock_cluster();
        addr_ = parse_address(broker_->bootstrap());
    }

    // Records first..first+n-1 (see expect_record) to partition i % partitions.
    void produce(const std::string& topic, int n, int partitions, int first = 0,
                 const std::string& compression = "none") {
        client_settings s;
        apply_bootstrap(s, broker_->bootstrap());
        s.set("compression.type", compression, "test");
        s.set("linger.ms", "5", "test");
        config::diagnostics diags;
        auto prod = producer::create(s, diags);
        ASSERT_TRUE(prod.ok()) << prod.err().message;
        for (int i = first; i < first + n; ++i) {
            auto key = testing_records::key(i);
            auto value = testing_records::value(i);
            outgoing_record r{.topic = topic,
                              .partition = i % partitions,
                              .headers = {{"n", std::to_string(i)}, {"nil", std::nullopt}},
                              .timestamp_ms = base_ts + i};
            if (key) {
                r.key = *key;
            }
            if (value) {
                r.value = *value;
            }
            ASSERT_TRUE((*prod)->send(r).ok());
        }
        ASSERT_TRUE((*prod)->flush(10s).ok());
    }

    // Polls until n records arrived or `patience` of polls went by.
    static std::vector<message> receive(fetcher& f, size_t n, size_t max = 1000,
                                        std::chrono::milliseconds patience = 15s) {
        std::vector<message> out;
        auto until = clock::now() + patience;
        while (out.size() < n && clock::now() < until) {
            auto got = f.poll(out, std::min(max, n - out.size()), 100ms);
            EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.err().message);
            if (!got.ok()) {
                break;
            }
        }
        return out;
    }

    std::unique_ptr<testing::test_broker> broker_;
    broker_address addr_;
};

TEST_P(FetcherTest, ReadsEveryPartitionInOrderWithAllFields) {
    ASSERT_TRUE(broker_->create_topic("clicks", 3).ok());
    produce("clicks", 300, 3);
    fetcher f(quick_options(), fixed_leader(addr_));
    for (int p = 0; p < 3; ++p) {
        f.add({"clicks", p}, 0);
    }
    EXPECT_FALSE(f.empty());
    EXPECT_FALSE(f.watermarks({"clicks", 0}).has_value());
    auto msgs = receive(f, 300);
    ASSERT_EQ(msgs.size(), 300u);
    std::map<int32_t, int64_t> next;
    for (const auto& m : msgs) {
        EXPECT_EQ(m.topic(), "clicks");
        EXPECT_EQ(m.offset(), next[m.partition()]++);  // in order, none skipped
        int i = static_cast<int>(m.offset()) * 3 + m.partition();
        expect_record(m, i);
    }
    for (int p = 0; p < 3; ++p) {
        EXPECT_EQ(f.position({"clicks", p}), 100);
        auto w = f.watermarks({"clicks", p});
        ASSERT_TRUE(w.has_value());
        EXPECT_EQ(w->high_watermark, 100);
        EXPECT_EQ(w->log_start_offset, 0);
    }
    EXPECT_FALSE(f.position({"clicks", 3}).has_value());
    auto c = f.counters();
    EXPECT_EQ(c.records, 300u);
    EXPECT_GE(c.requests, 1u);
    EXPECT_GE(c.responses, 1u);
    EXPECT_GT(c.bytes, 300u * 10);
    EXPECT_EQ(c.reconnects, 1u);
    EXPECT_EQ(c.resets, 0u);
    // Nothing more: poll waits and returns 0.
    std::vector<message> more;
    auto got = f.poll(more, 10, 200ms);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, 0u);
}

TEST_P(FetcherTest, EveryCompressionCodec) {
    for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
        SCOPED_TRACE(codec);
        std::string topic = "codec-" + codec;
        ASSERT_TRUE(broker_->create_topic(topic, 1).ok());
        produce(topic, 200, 1, 0, codec);
        // Starting inside a (compressed) batch skips the records before it.
        fetcher f(quick_options(), fixed_leader(addr_));
        f.add({topic, 0}, 37);
        auto msgs = receive(f, 163);
        ASSERT_EQ(msgs.size(), 163u);
        for (size_t k = 0; k < msgs.size(); ++k) {
            EXPECT_EQ(msgs[k].offset(), 37 + static_cast<int64_t>(k));
            expect_record(msgs[k], 37 + static_cast<int>(k));
        }
        EXPECT_EQ(f.position({topic, 0}), 200);
    }
}

TEST_P(FetcherTest, SmallMaxNeitherSkipsNorRepeats) {
    ASSERT_TRUE(broker_->create_topic("many", 2).ok());
    produce("many", 1000, 2);
    fetcher f(quick_options(), fixed_leader(addr_));
    f.add({"many", 0}, 0);
    f.add({"many", 1}, 0);
    std::map<int32_t, int64_t> next;
    size_t total = 0;
    for (auto until = clock::now() + 15s; total < 1000 && clock::now() < until;) {
        std::vector<message> out;
        auto got = f.poll(out, 7, 100ms);
        ASSERT_TRUE(got.ok()) << got.err().message;
        ASSERT_LE(*got, 7u);
        ASSERT_EQ(out.size(), *got);
        for (const auto& m : out) {
            ASSERT_EQ(m.offset(), next[m.partition()]++);
        }
        for (int p = 0; p < 2; ++p) {
            EXPECT_EQ(f.position({"many", p}), next[p]);
        }
        total += out.size();
    }
    EXPECT_EQ(total, 1000u);
    EXPECT_EQ(f.counters().records, 1000u);
}

TEST_P(FetcherTest, OffsetBeginningAndEnd) {
    ASSERT_TRUE(broker_->create_topic("ends", 1).ok());
    produce("ends", 10, 1);
    fetcher from_start(quick_options(), fixed_leader(addr_));
    from_start.add({"ends", 0}, offset_beginning);
    auto all = receive(from_start, 10);
    ASSERT_EQ(all.size(), 10u);
    EXPECT_EQ(all.front().offset(), 0);

    fetcher from_end(quick_options(), fixed_leader(addr_));
    from_end.add({"ends", 0}, offset_end);
    std::vector<message> none;
    for (int i = 0; i < 5; ++i) {
        auto got = from_end.poll(none, 100, 100ms);
        ASSERT_TRUE(got.ok());
    }
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(from_end.position({"ends", 0}), 10);
    produce("ends", 5, 1, 10);
    auto later = receive(from_end, 5);
    ASSERT_EQ(later.size(), 5u);
    EXPECT_EQ(later.front().offset(), 10);
    expect_record(later.front(), 10);
}

TEST_P(FetcherTest, OutOfRangeOffsetResetsPerAutoOffsetReset) {
    ASSERT_TRUE(broker_->create_topic("range", 1).ok());
    produce("range", 10, 1);

    fetcher earliest(quick_options(), fixed_leader(addr_));
    earliest.add({"range", 0}, 5000);
    auto all = receive(earliest, 10);
    ASSERT_EQ(all.size(), 10u);
    EXPECT_EQ(all.front().offset(), 0);
    EXPECT_EQ(earliest.counters().resets, 1u);

    auto o = quick_options();
    o.auto_offset_reset = "latest";
    fetcher latest(o, fixed_leader(addr_));
    latest.add({"range", 0}, 5000);
    std::vector<message> none;
    for (auto until = clock::now() + 10s;
         latest.position({"range", 0}) != 10 && clock::now() < until;) {
        ASSERT_TRUE(latest.poll(none, 100, 100ms).ok());
    }
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(latest.position({"range", 0}), 10);
    EXPECT_EQ(latest.counters().resets, 1u);

    o.auto_offset_reset = "none";
    fetcher strict(o, fixed_leader(addr_));
    strict.add({"range", 0}, 5000);
    std::optional<error> failed;
    for (auto until = clock::now() + 10s; !failed && clock::now() < until;) {
        auto got = strict.poll(none, 100, 100ms);
        if (!got.ok()) {
            failed = got.err();
        }
    }
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->code, errc::out_of_range);
    EXPECT_NE(failed->message.find("range [0]"), std::string::npos) << failed->message;
    // Reported once; the partition is no longer fetched.
    auto again = strict.poll(none, 100, 100ms);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0u);
}

TEST_P(FetcherTest, RemoveWhileInFlightDropsItsRecords) {
    ASSERT_TRUE(broker_->create_topic("moving", 2).ok());
    produce("moving", 20, 2);
    fetcher f(quick_options(), fixed_leader(addr_));
    f.add({"moving", 0}, 0);
    f.add({"moving", 1}, 0);
    // Poll without waiting until the first Fetch is out.
    std::vector<message> out;
    for (auto until = clock::now() + 10s; f.counters().requests == 0 && clock::now() < until;) {
        ASSERT_TRUE(f.poll(out, 1000, 0ms).ok());
    }
    ASSERT_EQ(f.counters().requests, 1u);
    // Sent by the poll that decoded the ApiVersions response, which then
    // returned: its response has not been read.
    EXPECT_EQ(f.counters().responses, 0u);
    f.remove({"moving", 1});
    EXPECT_FALSE(f.position({"moving", 1}).has_value());
    auto got = receive(f, 10 - out.size());
    out.insert(out.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
    // A little longer: nothing of partition 1 may come.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(f.poll(out, 1000, 100ms).ok());
    }
    ASSERT_EQ(out.size(), 10u);
    for (const auto& m : out) {
        EXPECT_EQ(m.partition(), 0);
    }
    // Re-added at an older offset: read again from there.
    f.add({"moving", 1}, 3);
    auto again = receive(f, 7);
    ASSERT_EQ(again.size(), 7u);
    for (size_t k = 0; k < again.size(); ++k) {
        EXPECT_EQ(again[k].partition(), 1);
        EXPECT_EQ(again[k].offset(), 3 + static_cast<int64_t>(k));
        expect_record(again[k], static_cast<int>(3 + k) * 2 + 1);
    }
    f.clear();
    EXPECT_TRUE(f.empty());
}

TEST_P(FetcherTest, BrokerGoneMeansEmptyPollsWithinTheTimeout) {
    ASSERT_TRUE(broker_->create_topic("gone", 1).ok());
    produce("gone", 10, 1);
    fetcher f(quick_options(), fixed_leader(addr_));
    f.add({"gone", 0}, 0);
    ASSERT_EQ(receive(f, 10).size(), 10u);
    broker_.reset();
    for (int i = 0; i < 10; ++i) {
        std::vector<message> out;
        auto start = clock::now();
        auto got = f.poll(out, 100, 150ms);
        auto took = clock::now() - start;
        ASSERT_TRUE(got.ok()) << got.err().message;
        EXPECT_EQ(*got, 0u);
        EXPECT_LT(took, 1s);
    }
    EXPECT_GE(f.counters().reconnects, 2u);
    EXPECT_EQ(f.position({"gone", 0}), 10);
}

TEST_P(FetcherTest, RecoversFromAWrongLeaderAndFromNoLeader) {
    ASSERT_TRUE(broker_->create_topic("lost", 1).ok());
    produce("lost", 10, 1);
    std::atomic<int> calls{0};
    broker_address wrong{7, "127.0.0.1", 1};  // nothing listens on port 1
    broker_address right = addr_;
    leader_resolver first_wrong = [&](const std::vector<topic_partition>& tps)
        -> result<std::vector<std::pair<topic_partition, broker_address>>> {
        std::vector<std::pair<topic_partition, broker_address>> out;
        for (const auto& tp : tps) {
            out.emplace_back(tp, ++calls <= 2 ? wrong : right);
        }
        return out;
    };
    fetcher f(quick_options(), first_wrong);
    f.add({"lost", 0}, 0);
    auto msgs = receive(f, 10);
    ASSERT_EQ(msgs.size(), 10u);
    EXPECT_GE(calls.load(), 3);
    EXPECT_GE(f.counters().reconnects, 3u);
    EXPECT_EQ(f.counters().leader_changes, 1u);

    // No leader at all for a while, then the right one.
    int asked = 0;
    leader_resolver late = [&](const std::vector<topic_partition>& tps)
        -> result<std::vector<std::pair<topic_partition, broker_address>>> {
        std::vector<std::pair<topic_partition, broker_address>> out;
        if (++asked == 1) {
            return error{errc::io, "metadata unavailable"};
        }
        if (asked > 4) {
            for (const auto& tp : tps) {
                out.emplace_back(tp, right);
            }
        }
        return out;
    };
    fetcher g(quick_options(), late);
    g.add({"lost", 0}, 4);
    auto rest = receive(g, 6);
    ASSERT_EQ(rest.size(), 6u);
    EXPECT_EQ(rest.front().offset(), 4);
    EXPECT_GE(asked, 5);
}

INSTANTIATE_TEST_SUITE_P(Brokers, FetcherTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

TEST(FetchOptions, FromSettingsReadsLibrdkafkaAndJavaKeys) {
    client_settings s;
    auto d = fetch_options::from_settings(s);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->max_wait_ms, 500);
    EXPECT_EQ(d->min_bytes, 1);
    EXPECT_EQ(d->max_bytes, 52'428'800);
    EXPECT_EQ(d->partition_max_bytes, 1'048'576);
    EXPECT_EQ(d->auto_offset_reset, "latest");
    EXPECT_EQ(d->socket_timeout, 60s);
    EXPECT_EQ(d->reconnect_backoff, 100ms);
    EXPECT_FALSE(d->check_crcs);

    s.set("fetch.max.wait.ms", "250", "test");
    s.set("fetch.min.bytes", "10", "test");
    s.set("fetch.max.bytes", "1000000", "test");
    s.set("max.partition.fetch.bytes", "65536", "test");
    s.set("auto.offset.reset", "Earliest", "test");
    s.set("socket.timeout.ms", "3000", "test");
    s.set("reconnect.backoff.ms", "20", "test");
    s.set("client.id", "me", "test");
    s.set("check.crcs", "true", "test");
    auto o = fetch_options::from_settings(s);
    ASSERT_TRUE(o.ok()) << o.err().message;
    EXPECT_EQ(o->max_wait_ms, 250);
    EXPECT_EQ(o->min_bytes, 10);
    EXPECT_EQ(o->max_bytes, 1'000'000);
    EXPECT_EQ(o->partition_max_bytes, 65536);
    EXPECT_EQ(o->auto_offset_reset, "earliest");
    EXPECT_EQ(o->socket_timeout, 3s);
    EXPECT_EQ(o->reconnect_backoff, 20ms);
    EXPECT_EQ(o->client_id, "me");
    EXPECT_TRUE(o->check_crcs);
    s.set("fetch.wait.max.ms", "100", "test");  // librdkafka's spelling wins
    EXPECT_EQ(fetch_options::from_settings(s)->max_wait_ms, 100);

    s.set("fetch.min.bytes", "lots", "test");
    auto bad = fetch_options::from_settings(s);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().code, errc::invalid_argument);
    EXPECT_NE(bad.err().message.find("fetch.min.bytes"), std::string::npos);
    s.set("fetch.min.bytes", "1", "test");
    s.set("auto.offset.reset", "sometimes", "test");
    EXPECT_FALSE(fetch_options::from_settings(s).ok());
}

TEST(FetchOptions, UnsupportedReason) {
    client_settings s;
    // librdkafka's default isolation level is read_committed.
    EXPECT_NE(fetch_options::unsupported_reason(s), "");
    s.set("isolation.level", "read_uncommitted", "test");
    EXPECT_EQ(fetch_options::unsupported_reason(s), "");
    s.set("security.protocol", "PLAINTEXT", "test");
    EXPECT_EQ(fetch_options::unsupported_reason(s), "");
    s.set("isolation.level", "read_committed", "test");
    EXPECT_NE(fetch_options::unsupported_reason(s), "");
    s.set("isolation.level", "read_uncommitted", "test");
    s.set("security.protocol", "SSL", "test");
    EXPECT_NE(fetch_options::unsupported_reason(s).find("SSL"), std::string::npos);
    s.set("security.protocol", "plaintext", "test");
    s.set("sasl.mechanism", "PLAIN", "test");
    EXPECT_NE(fetch_options::unsupported_reason(s).find("sasl.mechanism"), std::string::npos);
}

}  // namespace
}  // namespace cs::client
