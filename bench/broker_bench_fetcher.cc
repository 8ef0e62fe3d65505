#include "broker_bench_fetcher.h"

#include <chrono>
#include <cstdio>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "client/fetcher.h"
#include "client/handles.h"
#include "client/metadata_leaders.h"

namespace cs::bench {
namespace {

using steady = std::chrono::steady_clock;

constexpr size_t batch_max = 10'000;
constexpr std::chrono::milliseconds poll_timeout{100};

void error_cb(rd_kafka_t*, int err, const char* reason, void*) {
    std::fprintf(stderr, "  librdkafka error (fetcher's metadata client): %s: %s\n",
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
}

// A producer handle that only answers metadata and watermark queries.
client::kafka_handle metadata_client(const client_settings& s, std::string& error) {
    client::conf_handle conf(rd_kafka_conf_new());
    char errstr[512];
    if (rd_kafka_conf_set(conf.get(), "bootstrap.servers", s.bootstrap.c_str(), errstr,
                          sizeof errstr) != RD_KAFKA_CONF_OK) {
        error = std::string("bootstrap.servers: ") + errstr;
        return nullptr;
    }
    rd_kafka_conf_set_error_cb(conf.get(), error_cb);
    client::kafka_handle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
    if (!rk) {
        error = std::string("rd_kafka_new: ") + errstr;
        return nullptr;
    }
    (void)conf.release();  // rd_kafka_new took it
    return rk;
}

}  // namespace

run_result consume_with_fetcher(const client_settings& s, const std::string& topic,
                                int partitions) {
    run_result r;
    client::kafka_handle rk = metadata_client(s, r.error);
    if (!rk) {
        return r;
    }
    auto timeout_ms = static_cast<int>(s.deadline_s * 1000);
    std::vector<int64_t> next(static_cast<size_t>(partitions));
    std::vector<int64_t> end(static_cast<size_t>(partitions));
    for (int p = 0; p < partitions; ++p) {
        int64_t low = 0;
        int64_t high = 0;
        rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, timeout_ms);
        if (err) {
            r.error = "watermarks of partition " + std::to_string(p) + ": " + rd_kafka_err2str(err);
            return r;
        }
        r.available += static_cast<uint64_t>(high - low);
        next[static_cast<size_t>(p)] = low;
        end[static_cast<size_t>(p)] = high;
    }
    const uint64_t expected = r.available;

    client::fetch_options opts;
    opts.client_id = "broker-bench";
    opts.auto_offset_reset = "earliest";
    opts.socket_timeout = std::chrono::milliseconds(timeout_ms);
    rd_kafka_t* raw = rk.get();
    const double cpu0 = thread_cpu_seconds();
    const double process_cpu0 = process_cpu_seconds();
    const auto t0 = steady::now();
    const auto deadline = t0 + std::chrono::duration_cast<steady::duration>(
                                   std::chrono::duration<double>(s.deadline_s));
    client::fetcher f(std::move(opts), [raw](const std::vector<client::topic_partition>& parts) {
        return client::metadata_leaders(raw, parts);
    });
    for (int p = 0; p < partitions; ++p) {
        f.add({topic, p}, next[static_cast<size_t>(p)]);
    }
    std::vector<client::message> batch;
    batch.reserve(batch_max);
    steady::time_point first{};
    while (r.records < expected && r.error.empty()) {
        if (steady::now() > deadline) {
            r.error = "stalled: " + std::to_string(r.records) + " of " + std::to_string(expected) +
                      " records read at the deadline";
            break;
        }
        batch.clear();
        auto got = f.poll(batch, batch_max, poll_timeout);
        if (!got.ok()) {
            r.error = "poll: " + got.err().message;
        }
        for (const client::message& m : batch) {
            auto p = static_cast<size_t>(m.partition());
            if (m.topic() != topic || m.partition() < 0 || p >= next.size()) {
                r.error = "record of an unexpected partition " + std::string(m.topic()) + " [" +
                          std::to_string(m.partition()) + "]";
                break;
            }
            if (m.offset() != next[p]) {
                r.error = "partition " + std::to_string(p) + ": offset " +
                          std::to_string(m.offset()) + " after " + std::to_string(next[p] - 1);
                break;
            }
            ++next[p];
            if (r.records++ == 0) {
                first = steady::now();
            }
            r.bytes += m.value() ? m.value()->size() : 0;
        }
    }
    r.seconds = std::chrono::duration<double>(steady::now() - t0).count();
    r.poll_thread_cpu_seconds = thread_cpu_seconds() - cpu0;
    r.process_cpu_seconds = process_cpu_seconds() - process_cpu0;
    r.fetch_requests = f.counters().requests;
    if (r.records > 0) {
        r.startup_seconds = std::chrono::duration<double>(first - t0).count();
    }
    for (size_t p = 0; p < next.size() && r.error.empty(); ++p) {
        if (next[p] != end[p]) {
            r.error = "partition " + std::to_string(p) + ": read up to offset " +
                      std::to_string(next[p]) + ", high watermark " + std::to_string(end[p]);
        }
    }
    if (r.error.empty() && r.records != expected) {
        r.error =
            "read " + std::to_string(r.records) + " records, expected " + std::to_string(expected);
    }
    r.ok = r.error.empty();
    return r;
}

}  // namespace cs::bench
