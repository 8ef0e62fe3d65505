#include "tools/generate.h"

#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "client/handles.h"
#include "testing/test_brokers.h"
#include "tools/generate/pacer.h"
#include "tools/generate/test_events.h"
#include "tools/generate/timestamps.h"

namespace cs::tools {
namespace {

using namespace std::chrono_literals;

constexpr int64_t jan1 = 1'767'225'600'000;

// Runs the tool with stdout and stderr captured.
struct captured {
    int code = -1;
    std::string out, err;
};

captured run(const generate_options& o, bool stop_at_once = false) {
    captured c;
    char *out_buf = nullptr, *err_buf = nullptr;
    size_t out_len = 0, err_len = 0;
    FILE* out = open_memstream(&out_buf, &out_len);
    FILE* err = open_memstream(&err_buf, &err_len);
    std::atomic<bool> stop{stop_at_once};
    c.code = run_generate(o, out, err, stop);
    std::fclose(out);
    std::fclose(err);
    c.out.assign(out_buf, out_len);
    c.err.assign(err_buf, err_len);
    std::free(out_buf);
    std::free(err_buf);
    return c;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        out.push_back(l);
    }
    return out;
}

generate_options fixed(uint64_t count) {
    generate_options o;
    o.generator.seed = 7;
    o.generator.users = 800;
    o.start_ms = jan1;
    o.count = count;
    o.show_progress = false;
    return o;
}

TEST(Generate, StdoutIsOneEventPerLineAndByteIdenticalAcrossRuns) {
    auto a = run(fixed(500));
    auto b = run(fixed(500));
    ASSERT_EQ(a.code, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    auto ls = lines(a.out);
    ASSERT_EQ(ls.size(), 500u);
    for (const auto& l : ls) {
        EXPECT_TRUE(gen::testing::parse_event(l).has_value()) << l;
    }
    EXPECT_EQ(ls[0].rfind(R"({"timestamp":"2026-01-01T00:00:00.000Z","user_id":")", 0), 0u);
    EXPECT_NE(a.err.find("clickstream generate: 500 events (0 with unknown ids, 0 malformed)"),
              std::string::npos)
        << a.err;
    EXPECT_NE(a.err.find("event time 2026-01-01T00:00:00.000Z .. "), std::string::npos);

    auto other = fixed(500);
    other.generator.seed = 8;
    EXPECT_NE(run(other).out, a.out);
}

TEST(Generate, SkipContinuesTheSameStream) {
    auto all = lines(run(fixed(300)).out);
    auto first = fixed(120);
    auto rest = fixed(180);
    rest.skip = 120;
    auto a = lines(run(first).out);
    auto b = lines(run(rest).out);
    a.insert(a.end(), b.begin(), b.end());
    EXPECT_EQ(a, all);
}

TEST(Generate, PrintKeyPrefixesTheUserIdAndATab) {
    auto o = fixed(50);
    o.print_key = true;
    auto c = run(o);
    ASSERT_EQ(c.code, 0);
    for (const auto& l : lines(c.out)) {
        auto tab = l.find('\t');
        ASSERT_NE(tab, std::string::npos) << l;
        auto e = gen::testing::parse_event(l.substr(tab + 1));
        ASSERT_TRUE(e.has_value()) << l;
        EXPECT_EQ(l.substr(0, tab), e->user_id);
    }
}

TEST(Generate, RatiosShowInTheOutputAndTheSummary) {
    auto o = fixed(4000);
    o.generator.malformed_ratio = 0.1;
    o.generator.unknown_ratio = 0.1;
    auto c = run(o);
    ASSERT_EQ(c.code, 0);
    int invalid = 0;
    for (const auto& l : lines(c.out)) {
        invalid += gen::testing::parse_event(l).has_value() ? 0 : 1;
    }
    EXPECT_GT(invalid, 300);
    EXPECT_LT(invalid, 500);
    EXPECT_NE(c.err.find(std::to_string(invalid) + " malformed"), std::string::npos) << c.err;
}

TEST(Generate, DimensionsDirectoryGetsAllSixFiles) {
    cs::testing::temp_dir dir;
    auto o = fixed(10);
    o.dimensions_dir = dir.path() / "dims";
    ASSERT_EQ(run(o).code, 0);
    for (const char* f :
         {"users.csv", "users.jsonl", "devices.csv", "devices.jsonl", "urls.csv", "urls.jsonl"}) {
        EXPECT_GT(std::filesystem::file_size(dir.path() / "dims" / f), 0u) << f;
    }
}

TEST(Generate, BadSettingsAreUsageErrorsAndStopEndsCleanly) {
    auto o = fixed(10);
    o.generator.unknown_ratio = 0.7;
    o.generator.malformed_ratio = 0.7;
    auto c = run(o);
    EXPECT_EQ(c.code, 2);
    EXPECT_NE(c.err.find("clickstream generate: error: --unknown-ratio"), std::string::npos);

    auto stopped = run(fixed(1000), /*stop_at_once=*/true);
    EXPECT_EQ(stopped.code, 0);
    EXPECT_TRUE(stopped.out.empty());
    EXPECT_NE(stopped.err.find("0 events"), std::string::npos);
}

TEST(Pacer, SpacesRecordsEvenlyAndCatchesUpAfterAStall) {
    manual_clock clk(0);
    gen::pacer p(200, clk);  // one record per 5 ms
    EXPECT_EQ(p.wait_for(0), 0ms);
    EXPECT_EQ(p.wait_for(1), 5ms);
    EXPECT_EQ(p.wait_for(200), 1000ms);
    clk.advance_ms(1003);
    EXPECT_EQ(p.wait_for(200), 0ms);
    EXPECT_EQ(p.wait_for(201), 2ms);
    gen::pacer unpaced(0, clk);
    EXPECT_EQ(unpaced.wait_for(1'000'000), 0ms);
}

// --topic against both brokers: every record arrives, keyed by user id, with
// the source header and the event time as record timestamp.
class GenerateTopic : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        broker_ = GetParam() ? cs::testing::start_clickstream_broker()
                             : cs::testing::start_mock_cluster();
    }

    struct consumed {
        std::string key, value, source;
        int64_t timestamp = 0;
    };

    std::vector<consumed> read_all(const std::string& topic, int partitions, size_t expect) {
        char errstr[512];
        client::conf_handle conf(rd_kafka_conf_new());
        rd_kafka_conf_set(conf.get(), "bootstrap.servers", broker_->bootstrap().c_str(), errstr,
                          sizeof errstr);
        rd_kafka_conf_set(conf.get(), "group.id", "generate-test", errstr, sizeof errstr);
        client::kafka_handle rk(
            rd_kafka_new(RD_KAFKA_CONSUMER, conf.release(), errstr, sizeof errstr));
        EXPECT_TRUE(rk) << errstr;
        rd_kafka_poll_set_consumer(rk.get());
        client::partition_list_handle parts(rd_kafka_topic_partition_list_new(partitions));
        for (int p = 0; p < partitions; ++p) {
            rd_kafka_topic_partition_list_add(parts.get(), topic.c_str(), p)->offset =
                RD_KAFKA_OFFSET_BEGINNING;
        }
        rd_kafka_assign(rk.get(), parts.get());
        std::vector<consumed> out;
        auto deadline = std::chrono::steady_clock::now() + 30s;
        while (out.size() < expect && std::chrono::steady_clock::now() < deadline) {
            client::message_handle m(rd_kafka_consumer_poll(rk.get(), 200));
            if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                continue;
            }
            consumed c;
            c.key.assign(static_cast<const char*>(m->key), m->key_len);
            c.value.assign(static_cast<const char*>(m->payload), m->len);
            rd_kafka_timestamp_type_t tt;
            c.timestamp = rd_kafka_message_timestamp(m.get(), &tt);
            rd_kafka_headers_t* hdrs = nullptr;
            const void* v = nullptr;
            size_t vlen = 0;
            if (rd_kafka_message_headers(m.get(), &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR &&
                rd_kafka_header_get_last(hdrs, "source", &v, &vlen) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                c.source.assign(static_cast<const char*>(v), vlen);
            }
            out.push_back(std::move(c));
        }
        rd_kafka_consumer_close(rk.get());
        return out;
    }

    std::unique_ptr<cs::testing::test_broker> broker_;
};

TEST_P(GenerateTopic, ProducesKeyedRecordsWithTheSourceHeader) {
    ASSERT_TRUE(broker_->create_topic("clicks", 3).ok());
    auto o = fixed(300);
    o.start_ms = system_clock::instance().now_ms();  // inside any retention window
    o.generator.unknown_ratio = 0.1;
    o.generator.malformed_ratio = 0.1;
    o.topic = "clicks";
    o.bootstrap_server = broker_->bootstrap();
    o.producer_properties = {"linger.ms=5", "acks=all"};
    auto c = run(o);
    ASSERT_EQ(c.code, 0) << c.err;
    EXPECT_TRUE(c.out.empty());
    EXPECT_NE(c.err.find("300 delivered, 0 failed"), std::string::npos) << c.err;

    // What the same configuration generates, to compare with what arrived.
    gen::generator_config cfg = o.generator;
    cfg.start_ms = *o.start_ms;
    gen::generator g(cfg);
    std::multimap<std::string, std::pair<std::string, int64_t>> expected;
    for (int i = 0; i < 300; ++i) {
        const auto& r = g.next();
        expected.emplace(r.key, std::pair{r.value, r.timestamp_ms});
    }
    auto got = read_all("clicks", 3, 300);
    ASSERT_EQ(got.size(), 300u);
    std::multimap<std::string, std::pair<std::string, int64_t>> actual;
    for (const auto& m : got) {
        EXPECT_EQ(m.source, "clickstream-generate");
        if (auto e = gen::testing::parse_event(m.value)) {
            EXPECT_EQ(m.key, e->user_id);
            EXPECT_EQ(*gen::parse_start_time(e->timestamp), m.timestamp);
        }
        actual.emplace(m.key, std::pair{m.value, m.timestamp});
    }
    EXPECT_EQ(actual, expected);
}

TEST(GenerateTopicErrors, UnreachableBrokerIsAClearError) {
    auto o = fixed(10);
    o.topic = "clicks";
    o.bootstrap_server = "127.0.0.1:1";
    auto c = run(o);
    EXPECT_EQ(c.code, 1);
    EXPECT_NE(c.err.find("clickstream generate: error: no Kafka broker answered at 127.0.0.1:1"),
              std::string::npos)
        << c.err;
}

INSTANTIATE_TEST_SUITE_P(Brokers, GenerateTopic, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "clickstream" : "mock"; });

TEST(GenerateTopicErrors, MissingTopicIsAClearErrorWhenTheBrokerDoesNotCreateIt) {
    auto broker = cs::testing::start_clickstream_broker("auto.create.topics.enable=false\n");
    auto o = fixed(10);
    o.topic = "nope";
    o.bootstrap_server = broker->bootstrap();
    auto c = run(o);
    EXPECT_EQ(c.code, 1);
    EXPECT_NE(c.err.find("topic 'nope' does not exist"), std::string::npos) << c.err;
}

TEST(GenerateTopicErrors, BadProducerPropertyNamesItsOrigin) {
    auto broker = cs::testing::start_clickstream_broker();
    auto o = fixed(10);
    o.topic = "clicks";
    o.bootstrap_server = broker->bootstrap();
    o.producer_properties = {"lingerr.ms=5"};
    auto c = run(o);
    EXPECT_EQ(c.code, 1);
    EXPECT_NE(c.err.find("lingerr.ms"), std::string::npos) << c.err;
}

}  // namespace
}  // namespace cs::tools
