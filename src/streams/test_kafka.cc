#include "streams/test_kafka.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "streams/parser.h"

namespace cs::streams::test {

client::client_settings settings_for(const cs::testing::test_broker& b) {
    client::client_settings s;
    client::apply_bootstrap(s, b.bootstrap());
    return s;
}

std::unique_ptr<engine> start_engine(const cs::testing::test_broker& b,
                                     const std::string& service_id) {
    engine_options o;
    o.service_id = service_id;
    o.properties["auto.offset.reset"] = "earliest";
    return start_engine(b, std::move(o));
}

std::unique_ptr<engine> start_engine(const cs::testing::test_broker& b, engine_options options) {
    auto e = engine::create(settings_for(b), std::move(options));
    EXPECT_TRUE(e.ok()) << e.err().message;
    if (!e.ok()) {
        return nullptr;
    }
    auto st = (*e)->restore();
    EXPECT_TRUE(st.ok()) << st.message();
    return std::move(*e);
}

ast::statement parse_one(const std::string& sql) {
    auto s = parse_statement(sql);
    EXPECT_TRUE(s.ok()) << sql << ": " << (s.ok() ? "" : s.err().message);
    return s.ok() ? std::move(*s) : ast::statement{};
}

std::string run_script(engine& e, const std::string& sql) {
    std::vector<std::string> out;
    auto st = e.execute_script(sql, out);
    EXPECT_TRUE(st.ok()) << sql << "\n" << st.message();
    std::string all;
    for (auto& o : out) {
        all += o;
    }
    return all;
}

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return cond();
}

void produce(const cs::testing::test_broker& b, const std::string& topic,
             const std::vector<test_record>& records) {
    config::diagnostics diags;
    auto p = client::producer::create(settings_for(b), diags);
    ASSERT_TRUE(p.ok()) << p.err().message;
    for (const auto& r : records) {
        client::outgoing_record o{
            .topic = topic,
            .key = r.key ? std::optional<std::string_view>(*r.key) : std::nullopt,
            .value = r.value ? std::optional<std::string_view>(*r.value) : std::nullopt,
            .headers = r.headers,
            .timestamp_ms = r.timestamp_ms};
        if (r.partition >= 0) {
            o.partition = r.partition;
        }
        ASSERT_TRUE((*p)->send(o).ok());
    }
    ASSERT_TRUE((*p)->flush(std::chrono::seconds(30)).ok());
    ASSERT_EQ((*p)->stats().failed, 0u) << (*p)->summary();
}

read_record to_read_record(const client::message& m) {
    read_record r;
    if (m.key()) {
        r.key = std::string(*m.key());
    }
    if (m.value()) {
        r.value = std::string(*m.value());
    }
    for (size_t i = 0; i < m.header_count(); ++i) {
        auto h = m.header(i);
        r.headers.emplace_back(
            std::string(h.key),
            h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
    }
    r.partition = m.partition();
    r.offset = m.offset();
    r.timestamp_ms = m.timestamp_ms();
    return r;
}

std::vector<read_record> read_topic(const cs::testing::test_broker& b, const std::string& topic,
                                    int partitions, size_t count,
                                    std::chrono::milliseconds timeout) {
    std::vector<read_record> out;
    auto s = settings_for(b);
    s.set("group.id", "test-reader", "test");
    s.set("enable.auto.commit", "false", "test");
    s.set("isolation.level", "read_committed", "test");
    config::diagnostics diags;
    auto c = client::consumer::create(s, diags);
    EXPECT_TRUE(c.ok());
    if (!c.ok()) {
        return out;
    }
    std::vector<client::topic_partition_offset> parts;
    for (int p = 0; p < partitions; ++p) {
        parts.push_back({topic, p, client::offset_beginning});
    }
    EXPECT_TRUE((*c)->assign(parts).ok());
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<client::message> batch;
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
        batch.clear();
        auto n = (*c)->poll_batch(batch, 1000, std::chrono::milliseconds(100));
        EXPECT_TRUE(n.ok());
        if (!n.ok()) {
            break;
        }
        for (const auto& m : batch) {
            out.push_back(to_read_record(m));
        }
    }
    (void)(*c)->close();
    return out;
}

status step_until(query_runner& r, const std::atomic<uint64_t>& counter, uint64_t want,
                  std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (counter.load() < want && std::chrono::steady_clock::now() < deadline) {
        auto n = r.step();
        if (!n) {
            return n.err();
        }
    }
    return {};
}

bool run_while_second_member_joins(query_runner& a, query_runner& b,
                                   const std::function<bool()>& until,
                                   std::chrono::milliseconds timeout) {
    using namespace std::chrono_literals;
    std::atomic<bool> done{false};
    std::thread tb([&] {
        if (b.prepare().ok()) {
            while (!done.load()) {
                (void)b.step();
            }
        }
    });
    // A polls again once B has joined (slow under sanitizers), so the
    // timeout counts from A's first poll.
    auto joined = std::chrono::steady_clock::now() + 60s;
    while (b.state() != query_state::running && b.state() != query_state::failed &&
           std::chrono::steady_clock::now() < joined) {
        std::this_thread::sleep_for(10ms);
    }
    std::thread ta([&] {
        while (!done.load()) {
            (void)a.step();
        }
    });
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool held = until();
    while (!held && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
        held = until();
    }
    std::this_thread::sleep_for(1s);  // the partition's new owner has started reading
    done.store(true);
    ta.join();
    tb.join();
    return held;
}

status step_until_idle(query_runner& r) {
    for (int empty = 0; empty < 2;) {
        auto n = r.step();
        if (!n) {
            return n.err();
        }
        empty = *n == 0 ? empty + 1 : 0;
    }
    return {};
}

}  // namespace cs::streams::test
