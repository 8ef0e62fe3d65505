#include "broker_bench_kafka.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <librdkafka/rdkafka.h>

namespace cs::bench {
namespace {

using steady = std::chrono::steady_clock;

steady::time_point deadline_after(double seconds) {
    return steady::now() +
           std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(seconds));
}

double seconds_since(steady::time_point t0) {
    return std::chrono::duration<double>(steady::now() - t0).count();
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

struct rk_deleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using rk_ptr = std::unique_ptr<rd_kafka_t, rk_deleter>;

struct rkt_deleter {
    void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};
using rkt_ptr = std::unique_ptr<rd_kafka_topic_t, rkt_deleter>;

// Client errors (connection refused, broker down, ...) are printed once each;
// they often explain a stall that the run then reports.
void error_cb(rd_kafka_t*, int err, const char* reason, void*) {
    std::fprintf(stderr, "  librdkafka error: %s: %s\n",
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

// Builds a configuration or returns the first rejected property in `error`.
rd_kafka_conf_t* make_conf(const client_settings& s,
                           std::initializer_list<std::pair<const char*, std::string>> extra,
                           std::string& error) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    auto set = [&](const char* k, const std::string& v) {
        if (error.empty() &&
            rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            error = std::string(k) + ": " + errstr;
        }
    };
    set("bootstrap.servers", s.bootstrap);
    for (const auto& [k, v] : extra) {
        set(k, v);
    }
    rd_kafka_conf_set_error_cb(conf, error_cb);
    if (!error.empty()) {
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    return conf;
}

rk_ptr make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf, std::string& error) {
    char errstr[512];
    rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (rk == nullptr) {
        rd_kafka_conf_destroy(conf);
        error = std::string("rd_kafka_new: ") + errstr;
    }
    return rk_ptr(rk);
}

// Delivery-report bookkeeping of a throughput run (callbacks run inside
// rd_kafka_poll/flush on the producing thread).
struct delivery_counts {
    uint64_t delivered = 0;
    uint64_t failed = 0;
    std::string first_error;
};

void count_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* c = static_cast<delivery_counts*>(opaque);
    if (m->err) {
        if (c->failed++ == 0) {
            c->first_error = rd_kafka_err2str(m->err);
        }
    } else {
        ++c->delivered;
    }
}

// Produces one record, retrying while the local queue is full. False on any
// other error (in `error`) or once the deadline passed.
bool produce_one(rd_kafka_t* rk, rd_kafka_topic_t* rkt, const click_event& e, void* opaque,
                 steady::time_point deadline, std::string& error) {
    while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                            const_cast<char*>(e.value.data()), e.value.size(), e.key.data(),
                            e.key.size(), opaque) != 0) {
        rd_kafka_resp_err_t err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            error = std::string("produce: ") + rd_kafka_err2str(err);
            return false;
        }
        if (steady::now() > deadline) {
            error = "stalled: local queue stayed full until the deadline";
            return false;
        }
        rd_kafka_poll(rk, 1);
    }
    return true;
}

// Flushes until every outstanding record has a delivery report or the
// deadline passes.
bool flush_until(rd_kafka_t* rk, steady::time_point deadline, std::string& error) {
    while (rd_kafka_outq_len(rk) > 0) {
        if (steady::now() > deadline) {
            error = "stalled: " + std::to_string(rd_kafka_outq_len(rk)) +
                    " records without delivery report at the deadline";
            return false;
        }
        rd_kafka_flush(rk, 100);
    }
    return true;
}

std::vector<std::pair<const char*, std::string>> producer_props(const client_settings& s,
                                                                const std::string& acks) {
    return {{"acks", acks},
            {"linger.ms", std::to_string(s.linger_ms)},
            {"compression.type", s.compression}};
}

}  // namespace

namespace {
double cpu_clock_seconds(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

double thread_cpu_seconds() {
    return cpu_clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

double process_cpu_seconds() {
    return cpu_clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

std::vector<click_event> make_click_events(size_t count, uint64_t seed) {
    static constexpr const char* pages[] = {"/",         "/home",    "/search",   "/cart",
                                            "/checkout", "/account", "/product/", "/category/",
                                            "/blog/",    "/help/faq"};
    static constexpr const char* devices[] = {"ios", "android", "web", "tv"};
    std::mt19937_64 rng(seed);
    std::vector<click_event> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        click_event e;
        e.key = "user" + std::to_string(rng() % 100'000);
        int sec = static_cast<int>(i % 86'400);
        char ts[32];
        std::snprintf(ts, sizeof ts, "2025-04-30T%02d:%02d:%02dZ", sec / 3600, sec / 60 % 60,
                      sec % 60);
        std::string url = std::string("https://example.com") + pages[rng() % std::size(pages)];
        if (url.back() == '/') {
            url += std::to_string(rng() % 10'000);
        }
        std::string dev = std::string(devices[rng() % std::size(devices)]) + "-" +
                          std::to_string(rng() % 1'000'000);
        std::string v = std::string("{\"timestamp\":\"") + ts + "\",\"user_id\":\"" + e.key +
                        "\",\"url\":\"" + url + "\",\"device_id\":\"" + dev + "\",\"s\":\"";
        // Pad with a hex session id to exactly 120 bytes (the closing "} is 2).
        static constexpr char hex[] = "0123456789abcdef";
        while (v.size() < 118) {
            v += hex[rng() % 16];
        }
        v += "\"}";
        e.value = std::move(v);
        out.push_back(std::move(e));
    }
    return out;
}

std::string create_topic(const client_settings& s, const std::string& topic, int partitions) {
    std::string error;
    rd_kafka_conf_t* conf = make_conf(s, {}, error);
    if (conf == nullptr) {
        return error;
    }
    rk_ptr rk = make_client(RD_KAFKA_PRODUCER, conf, error);
    if (!rk) {
        return error;
    }
    char errstr[512];
    rd_kafka_NewTopic_t* nt =
        rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof errstr);
    if (nt == nullptr) {
        return errstr;
    }
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk.get());
    rd_kafka_CreateTopics(rk.get(), &nt, 1, nullptr, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, static_cast<int>(s.deadline_s * 1000));
    if (ev == nullptr) {
        error = "CreateTopics: no answer";
    } else if (rd_kafka_event_error(ev)) {
        error = std::string("CreateTopics: ") + rd_kafka_event_error_string(ev);
    } else {
        size_t n = 0;
        const rd_kafka_topic_result_t** res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        for (size_t i = 0; i < n; ++i) {
            if (rd_kafka_topic_result_error(res[i])) {
                error = std::string("CreateTopics ") + topic + ": " +
                        rd_kafka_topic_result_error_string(res[i]);
            }
        }
    }
    if (ev != nullptr) {
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return error;
}

run_result produce(const client_settings& s, const std::string& topic, const std::string& acks,
                   const std::vector<click_event>& events, uint64_t records) {
    run_result r;
    delivery_counts counts;
    rd_kafka_conf_t* conf = make_conf(s, {}, r.error);
    if (conf == nullptr) {
        return r;
    }
    for (const auto& [k, v] : producer_props(s, acks)) {
        char errstr[512];
        if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            r.error = std::string(k) + ": " + errstr;
            return r;
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, count_delivery);
    rd_kafka_conf_set_opaque(conf, &counts);
    rk_ptr rk = make_client(RD_KAFKA_PRODUCER, conf, r.error);
    if (!rk) {
        return r;
    }
    rkt_ptr rkt(rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr));
    auto deadline = deadline_after(s.deadline_s);

    // Warm-up: metadata and connections, not timed.
    if (!produce_one(rk.get(), rkt.get(), events[0], nullptr, deadline, r.error) ||
        !flush_until(rk.get(), deadline, r.error)) {
        return r;
    }
    if (counts.failed > 0) {
        r.error = "warm-up record failed: " + counts.first_error;
        return r;
    }
    counts = {};

    auto t0 = steady::now();
    for (uint64_t i = 0; i < records; ++i) {
        const click_event& e = events[i % events.size()];
        if (!produce_one(rk.get(), rkt.get(), e, nullptr, deadline, r.error)) {
            return r;
        }
        r.bytes += e.value.size();
        if (i % 1024 == 0) {
            rd_kafka_poll(rk.get(), 0);
        }
    }
    if (!flush_until(rk.get(), deadline, r.error)) {
        return r;
    }
    r.seconds = seconds_since(t0);
    r.records = counts.delivered;
    if (counts.failed > 0 || counts.delivered != records) {
        r.error = std::to_string(counts.failed) +
                  " delivery failures (first: " + counts.first_error + "), " +
                  std::to_string(counts.delivered) + " delivered";
        return r;
    }
    r.ok = true;
    return r;
}

run_result consume(const client_settings& s, const std::string& topic, int partitions) {
    run_result r;
    // group.id only because the high-level consumer wants one; assign() joins
    // no group and nothing is committed.
    rd_kafka_conf_t* conf = make_conf(s,
                                      {{"group.id", "broker-bench"},
                                       {"enable.auto.commit", "false"},
                                       {"enable.auto.offset.store", "false"},
                                       {"enable.partition.eof", "false"}},
                                      r.error);
    if (conf == nullptr) {
        return r;
    }
    for (const auto& [key, value] : s.consumer_props) {
        char errstr[512];
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            r.error = "--consumer-props " + key + ": " + errstr;
            return r;
        }
    }
    rk_ptr rk = make_client(RD_KAFKA_CONSUMER, conf, r.error);
    if (!rk) {
        return r;
    }
    rd_kafka_poll_set_consumer(rk.get());
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p) {
        int64_t low = 0;
        int64_t high = 0;
        rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
            rk.get(), topic.c_str(), p, &low, &high, static_cast<int>(s.deadline_s * 1000));
        if (err) {
            rd_kafka_topic_partition_list_destroy(parts);
            r.error = "watermarks of partition " + std::to_string(p) + ": " + rd_kafka_err2str(err);
            return r;
        }
        r.available += static_cast<uint64_t>(high - low);
        rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = low;
    }
    const uint64_t expected = r.available;
    const double cpu0 = thread_cpu_seconds();
    const double process_cpu0 = process_cpu_seconds();
    auto t0 = steady::now();
    auto deadline = deadline_after(s.deadline_s);
    rd_kafka_resp_err_t err = rd_kafka_assign(rk.get(), parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (err) {
        r.error = std::string("assign: ") + rd_kafka_err2str(err);
        return r;
    }
    rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk.get());
    std::vector<rd_kafka_message_t*> batch(8192);
    steady::time_point first{};
    while (r.records < expected && r.error.empty()) {
        if (steady::now() > deadline) {
            r.error = "stalled: " + std::to_string(r.records) + " of " + std::to_string(expected) +
                      " records read at the deadline";
            break;
        }
        ssize_t n = rd_kafka_consume_batch_queue(q, 100, batch.data(), batch.size());
        for (ssize_t i = 0; i < n; ++i) {
            rd_kafka_message_t* m = batch[static_cast<size_t>(i)];
            if (m->err) {
                if (r.error.empty()) {
                    r.error = std::string("consume: ") + rd_kafka_message_errstr(m);
                }
            } else {
                if (r.records++ == 0) {
                    first = steady::now();
                }
                r.bytes += m->len;
            }
            rd_kafka_message_destroy(m);
        }
    }
    r.seconds = seconds_since(t0);
    r.poll_thread_cpu_seconds = thread_cpu_seconds() - cpu0;
    r.process_cpu_seconds = process_cpu_seconds() - process_cpu0;
    if (r.records > 0) {
        r.startup_seconds = std::chrono::duration<double>(first - t0).count();
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_consumer_close(rk.get());
    if (r.error.empty() && r.records != expected) {
        r.error =
            "read " + std::to_string(r.records) + " records, expected " + std::to_string(expected);
    }
    r.ok = r.error.empty();
    return r;
}

namespace {

// Per-record produce timestamps and latencies of a paced run. The opaque of
// each record is its index; the delivery callback runs on the poll thread.
struct latency_state {
    std::vector<int64_t> sent_ns;
    std::vector<int64_t> latency_ns;
    std::atomic<uint64_t> done{0};
    std::atomic<uint64_t> failed{0};
    std::mutex mu;
    std::string first_error;
};

void record_latency(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* st = static_cast<latency_state*>(opaque);
    auto idx = reinterpret_cast<uintptr_t>(m->_private);
    if (m->err) {
        if (st->failed++ == 0) {
            std::lock_guard lock(st->mu);
            st->first_error = rd_kafka_err2str(m->err);
        }
    } else if (m->_private != nullptr) {
        st->latency_ns[idx - 1] = now_ns() - st->sent_ns[idx - 1];
    }
    st->done++;
}

}  // namespace

latency_result produce_latency(const client_settings& s, const std::string& topic,
                               const std::string& acks, const std::vector<click_event>& events,
                               double rate, double seconds) {
    latency_result r;
    auto total = static_cast<uint64_t>(rate * seconds);
    latency_state st;
    st.sent_ns.assign(total, 0);
    st.latency_ns.assign(total, -1);
    rd_kafka_conf_t* conf = make_conf(s, {}, r.error);
    if (conf == nullptr) {
        return r;
    }
    for (const auto& [k, v] : producer_props(s, acks)) {
        char errstr[512];
        if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            r.error = std::string(k) + ": " + errstr;
            return r;
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, record_latency);
    rd_kafka_conf_set_opaque(conf, &st);
    rk_ptr rk = make_client(RD_KAFKA_PRODUCER, conf, r.error);
    if (!rk) {
        return r;
    }
    rkt_ptr rkt(rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr));
    auto deadline = deadline_after(s.deadline_s);
    if (!produce_one(rk.get(), rkt.get(), events[0], nullptr, deadline, r.error) ||
        !flush_until(rk.get(), deadline, r.error)) {
        return r;
    }
    st.done = 0;

    std::atomic<bool> stop{false};
    std::thread poller([&] {
        while (!stop.load()) {
            rd_kafka_poll(rk.get(), 50);
        }
    });
    auto t0 = steady::now();
    uint64_t sent = 0;
    while (sent < total && r.error.empty()) {
        auto due = static_cast<uint64_t>(seconds_since(t0) * rate);
        for (; sent < std::min(due, total); ++sent) {
            const click_event& e = events[sent % events.size()];
            st.sent_ns[sent] = now_ns();
            // Index + 1 so that the warm-up record (opaque nullptr) is distinct.
            if (!produce_one(rk.get(), rkt.get(), e, reinterpret_cast<void*>(sent + 1), deadline,
                             r.error)) {
                break;
            }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    double offered_s = seconds_since(t0);
    while (st.done.load() < sent && steady::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    stop = true;
    poller.join();
    if (!r.error.empty()) {
        return r;
    }
    if (st.done.load() < sent) {
        r.error = "stalled: " + std::to_string(sent - st.done.load()) +
                  " records without delivery report at the deadline";
        return r;
    }
    if (st.failed.load() > 0) {
        r.error =
            std::to_string(st.failed.load()) + " delivery failures (first: " + st.first_error + ")";
        return r;
    }
    std::vector<int64_t> lat(st.latency_ns.begin(),
                             st.latency_ns.begin() + static_cast<long>(sent));
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) {
        size_t i =
            std::min(lat.size() - 1, static_cast<size_t>(p * static_cast<double>(lat.size())));
        return static_cast<double>(lat[i]) / 1e6;
    };
    r.records = sent;
    r.achieved_rate = static_cast<double>(sent) / offered_s;
    if (!lat.empty()) {
        r.p50_ms = pct(0.50);
        r.p99_ms = pct(0.99);
        r.max_ms = static_cast<double>(lat.back()) / 1e6;
    }
    r.ok = !lat.empty();
    if (!r.ok) {
        r.error = "no records measured";
    }
    return r;
}

}  // namespace cs::bench
