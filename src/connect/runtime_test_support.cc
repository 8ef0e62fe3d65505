#include "connect/runtime_test_support.h"

#include <thread>

#include <fmt/format.h>

#include "client/consumer.h"
#include "client/producer.h"
#include "config/diagnostics.h"

namespace cs::connect::test {

status recording_sink::put(std::span<const record> records) {
    std::lock_guard lock(log_->mu);
    if (records.empty()) {
        ++log_->idle_puts;  // the worker's put() of an idle poll
        return {};
    }
    log_->batch_sizes.push_back(records.size());
    if (log_->retriable_failures > 0) {
        --log_->retriable_failures;
        return error{errc::io, "database connection refused (test)"};
    }
    for (const auto& r : records) {
        if (r.kafka_offset == log_->fatal_at_offset) {
            return error{errc::invalid_argument,
                         fmt::format("cannot write offset {} (test)", r.kafka_offset)};
        }
    }
    for (const auto& r : records) {
        if (log_->errant_offsets.contains(r.kafka_offset)) {
            reporter_->report(r, "value too long for column (test)");
        } else {
            log_->written.push_back(r);
        }
    }
    return {};
}

status counting_source::start(const config_map&,
                              const std::vector<std::pair<data, data>>& committed) {
    std::lock_guard lock(log_->mu);
    log_->committed_at_start = committed;
    for (const auto& [partition, offset] : committed) {
        if (partition == data::map({{data("table"), data("users")}}) && offset.is_map()) {
            for (const auto& [k, v] : offset.as_map()) {
                if (k == data("id") && v.is_int()) {
                    log_->next = v.as_int() + 1;
                }
            }
        }
    }
    return {};
}

result<std::vector<record>> counting_source::poll(int max_wait_ms) {
    std::vector<record> out;
    int64_t next = log_->next;
    if (next >= total_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(max_wait_ms, 20)));
        return out;
    }
    for (int64_t i = next; i < std::min(total_, next + per_poll_); ++i) {
        record r;
        r.topic = topic_;
        auto s = std::make_shared<schema>();
        s->type = schema_type::struct_;
        s->name = "users";
        auto id_schema = std::make_shared<schema>();
        id_schema->type = schema_type::int64;
        auto name_schema = std::make_shared<schema>();
        name_schema->type = schema_type::string;
        s->fields = {{"id", 0, id_schema}, {"name", 1, name_schema}};
        r.value_schema = s;
        r.value = data::struct_(struct_data{s, {data(i), data(fmt::format("user-{}", i))}});
        r.key_schema = id_schema;
        r.key = data(i);
        r.source_partition = data::map({{data("table"), data("users")}});
        r.source_offset = data::map({{data("id"), data(i)}});
        out.push_back(std::move(r));
        log_->next = i + 1;
    }
    return out;
}

worker_settings test_worker(const std::string& bootstrap, cs::clock& time) {
    worker_settings w;
    w.common.set("bootstrap.servers", bootstrap, "test");
    w.consumer.set("session.timeout.ms", "6000", "test");
    w.consumer.set("heartbeat.interval.ms", "500", "test");
    w.offset_storage_topic = "connect-offsets";
    w.offset_storage_partitions = 3;
    w.offset_storage_replication_factor = 1;
    w.time = &time;
    return w;
}

void produce(const std::string& bootstrap, const std::string& topic,
             const std::vector<std::pair<std::string, std::string>>& kvs,
             const std::vector<std::pair<std::string, std::string>>& headers) {
    client::client_settings s;
    s.set("bootstrap.servers", bootstrap, "test");
    config::diagnostics diags;
    auto p = client::producer::create(s, diags).value();
    for (const auto& [k, v] : kvs) {
        client::outgoing_record r;
        r.topic = topic;
        r.partition = 0;
        if (!k.empty()) {
            r.key = std::string_view(k);
        }
        r.value = std::string_view(v);
        for (const auto& [hk, hv] : headers) {
            r.headers.push_back(client::record_header{hk, hv});
        }
        if (!p->send(r)) {
            throw std::runtime_error("produce failed");
        }
    }
    if (!p->flush(std::chrono::seconds(30)) || p->stats().failed != 0) {
        throw std::runtime_error("produce flush failed: " + p->summary());
    }
}

std::vector<consumed> read_topic(const std::string& bootstrap, const std::string& topic,
                                 size_t count, std::chrono::seconds timeout) {
    client::client_settings s;
    s.set("bootstrap.servers", bootstrap, "test");
    s.set("group.id", "test-reader", "test");
    s.set("enable.auto.commit", "false", "test");
    s.set("auto.offset.reset", "earliest", "test");
    config::diagnostics diags;
    auto c = client::consumer::create(s, diags).value();
    std::vector<client::topic_partition_offset> parts;
    for (int p = 0; p < 8; ++p) {
        parts.push_back({topic, p, client::offset_beginning});
    }
    std::vector<consumed> out;
    // Assign the partitions that exist (metadata), from the beginning.
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(c->handle(), topic.c_str(), nullptr);
    int n_parts = 1;
    if (rd_kafka_metadata(c->handle(), 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (md->topic_cnt == 1) {
            n_parts = std::max(1, md->topics[0].partition_cnt);
        }
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    parts.resize(static_cast<size_t>(n_parts));
    (void)c->assign(parts);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<client::message> msgs;
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
        msgs.clear();
        (void)c->poll_batch(msgs, 1000, std::chrono::milliseconds(100));
        for (const auto& m : msgs) {
            consumed x;
            x.partition = m.partition();
            x.offset = m.offset();
            if (auto k = m.key()) {
                x.key = std::string(*k);
            }
            if (auto v = m.value()) {
                x.value = std::string(*v);
            }
            for (size_t i = 0; i < m.header_count(); ++i) {
                auto h = m.header(i);
                x.headers.emplace_back(
                    std::string(h.key),
                    h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
            }
            out.push_back(std::move(x));
        }
    }
    (void)c->close();
    return out;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

}  // namespace cs::connect::test
