#include "connect/source_worker.h"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "base/log.h"
#include "client/admin.h"
#include "client/producer.h"
#include "config/diagnostics.h"
#include "connect/error_handler.h"
#include "connect/offset_store.h"
#include "connect/task_config.h"
#include "connect/task_thread.h"
#include "connect/transforms/transform_chain.h"

namespace cs::connect {

namespace {

constexpr int poll_wait_ms = 100;

std::shared_ptr<spdlog::logger> logger() {
    return log::get("connect");
}

class source_worker final : public task_thread {
  public:
    source_worker(const worker_settings& worker, task_spec spec, std::unique_ptr<source_task> task,
                  task_state_listener on_state, task_pipeline pipeline)
        : task_thread(std::move(spec), std::move(on_state)),
          worker_(worker),
          task_(std::move(task)),
          policy_(std::move(pipeline.policy)),
          key_conv_(std::move(pipeline.key_conv)),
          value_conv_(std::move(pipeline.value_conv)),
          key_spec_(std::move(pipeline.key_spec)),
          value_spec_(std::move(pipeline.value_spec)),
          chain_(std::move(pipeline.chain)),
          name_(fmt::format("{}-{}", spec_.connector, spec_.task_id)) {}
    ~source_worker() override { stop(); }

    void start() {
        launch([this] { run(); });
    }

  private:
    void run();
    cs::status open();
    void loop();
    cs::status handle_records(std::vector<record>& records);
    cs::status ensure_topic(const std::string& topic);
    // Flushes deliveries, then writes the offsets of what was delivered.
    cs::status flush_offsets();
    void fail(std::string trace) {
        logger()->error("{}: task failed: {}", name_, trace);
        set_state(task_state::failed, std::move(trace));
        failed_ = true;
    }

    worker_settings worker_;
    std::unique_ptr<source_task> task_;
    error_policy policy_;
    std::unique_ptr<converter> key_conv_;
    std::unique_ptr<converter> value_conv_;
    converter_spec key_spec_;
    converter_spec value_spec_;
    transform_chain chain_;
    std::string name_;
    bool failed_ = false;
    bool started_ = false;

    std::unique_ptr<error_handler> errors_;
    std::unique_ptr<client::producer> producer_;
    std::unique_ptr<client::admin_client> admin_;
    std::set<std::string> known_topics_;
    std::vector<connector_offset> unflushed_;  // latest offset per source partition
    uint64_t failed_deliveries_ = 0;
    uint64_t delivered_before_ = 0;
    int64_t last_flush_ms_ = 0;
};

void source_worker::run() {
    if (auto st = open(); !st) {
        fail(st.message());
    } else {
        set_state(task_state::running);
        loop();
        if (!failed_) {
            if (auto flushed = flush_offsets(); !flushed) {
                fail(flushed.message());
            }
        }
    }
    if (started_) {
        task_->stop();
    }
    if (!failed_) {
        set_state(task_state::stopped);
    }
}

cs::status source_worker::open() {
    auto handler = error_handler::create(worker_, spec_, policy_);
    if (!handler) {
        return handler.take_error();
    }
    errors_ = std::move(handler).value();
    config::diagnostics diags;
    auto admin_settings =
        client_settings_for(worker_, client::role::admin, spec_.connector, spec_.connector_config);
    auto admin = client::admin_client::create(admin_settings, diags, std::chrono::seconds(30));
    if (!admin) {
        return admin.take_error();
    }
    admin_ = std::move(admin).value();
    client::client_settings settings;
    // Java's producer partitions keys with murmur2: the same key lands in
    // the same partition whichever worker wrote it.
    settings.set("partitioner", "murmur2_random", "connect source default");
    settings.set("acks", "all", "connect source default");
    const client::client_settings configured = client_settings_for(
        worker_, client::role::producer, spec_.connector, spec_.connector_config);
    for (const auto& s : configured.entries()) {
        settings.set(s.key, s.value, s.origin, s.line);
    }
    settings.set("client.id", fmt::format("connector-producer-{}", name_), "connect source task");
    auto p = client::producer::create(settings, diags);
    if (!p) {
        return error{p.err().code, "cannot create the source producer: " + p.err().message};
    }
    producer_ = std::move(p).value();
    if (auto st = ensure_offset_topic(worker_); !st) {
        return error{st.code(), "offset topic: " + st.message()};
    }
    auto committed = read_offset_topic(worker_, spec_.connector);
    if (!committed) {
        return error{committed.err().code, "reading committed offsets: " + committed.err().message};
    }
    std::vector<std::pair<data, data>> offsets;
    for (auto& o : *committed) {
        offsets.emplace_back(std::move(o.partition), std::move(o.offset));
    }
    if (auto st = task_->start(spec_.task_config, offsets); !st) {
        return error{st.code(), "the source task failed to start: " + st.message()};
    }
    started_ = true;
    last_flush_ms_ = worker_.time->monotonic_ms();
    logger()->info("{}: source task started with {} committed source offsets", name_,
                   offsets.size());
    return {};
}

cs::status source_worker::ensure_topic(const std::string& topic) {
    if (known_topics_.contains(topic)) {
        return {};
    }
    auto md = admin_->metadata();
    if (!md) {
        return md.take_error();
    }
    for (const auto& t : md->topics) {
        if (t.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            known_topics_.insert(t.name);
        }
    }
    if (known_topics_.contains(topic)) {
        return {};
    }
    auto partitions = get_long(spec_.connector_config, "topic.creation.default.partitions", -1);
    auto rf = get_long(spec_.connector_config, "topic.creation.default.replication.factor", -1);
    if (!partitions || !rf) {
        return !partitions ? partitions.take_error() : rf.take_error();
    }
    auto created = admin_->create_topics(
        {client::new_topic{topic, static_cast<int>(*partitions), static_cast<int>(*rf), {}}});
    if (!created) {
        return created.take_error();
    }
    for (const auto& st : *created) {
        if (!st.ok() && st.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            return error{errc::io, fmt::format("cannot create topic {}: {}", topic, st.message)};
        }
    }
    logger()->info("{}: created topic {}", name_, topic);
    known_topics_.insert(topic);
    return {};
}

cs::status source_worker::handle_records(std::vector<record>& records) {
    for (auto& in : records) {
        update_counters([](task_counters& c) { ++c.records_read; });
        data partition = in.source_partition;
        data offset = in.source_offset;
        original_record orig;
        orig.topic = in.topic;
        orig.partition = in.partition.value_or(-1);
        orig.timestamp = in.timestamp.value_or(-1);
        auto failed = [&](processing_error e) -> cs::status {
            update_counters([](task_counters& c) { ++c.records_failed; });
            return errors_->handle(orig, e);
        };
        std::optional<transform_failure> tf;
        auto out = chain_.apply(std::move(in), tf);
        bool produced = false;
        if (tf) {
            if (auto st =
                    failed({stage_transformation, tf->class_name, data_exception, tf->err.message});
                !st) {
                return st;
            }
        } else if (!out) {
            update_counters([](task_counters& c) { ++c.records_filtered; });
        } else {
            auto key = key_conv_->from_connect(out->topic, out->key_schema, out->key);
            auto value = value_conv_->from_connect(out->topic, out->value_schema, out->value);
            if (!key) {
                if (auto st = failed({stage_key_converter, key_spec_.class_name, data_exception,
                                      key.err().message});
                    !st) {
                    return st;
                }
            } else if (!value) {
                if (auto st = failed({stage_value_converter, value_spec_.class_name, data_exception,
                                      value.err().message});
                    !st) {
                    return st;
                }
            } else {
                if (auto st = ensure_topic(out->topic); !st) {
                    return error{st.code(), fmt::format("topic {}: {}", out->topic, st.message())};
                }
                client::outgoing_record r;
                r.topic = out->topic;
                if (out->partition) {
                    r.partition = *out->partition;
                }
                if (*key) {
                    r.key = std::string_view(**key);
                }
                if (*value) {
                    r.value = std::string_view(**value);
                }
                for (const auto& h : out->headers) {
                    r.headers.push_back(client::record_header{h.key, h.value});
                }
                r.timestamp_ms = out->timestamp.value_or(0);
                if (auto st = producer_->send(r); !st) {
                    return error{st.code(),
                                 fmt::format("{}: producing to {}: {}", stage_kafka_produce,
                                             out->topic, st.message())};
                }
                note_topic(out->topic);
                produced = true;
            }
        }
        (void)produced;
        // The offset counts even when the record was dropped or
        // dead-lettered (Connect commits those too): it was handled.
        if (!partition.is_null()) {
            auto it =
                std::find_if(unflushed_.begin(), unflushed_.end(),
                             [&](const connector_offset& o) { return o.partition == partition; });
            if (it != unflushed_.end()) {
                it->offset = std::move(offset);
            } else {
                unflushed_.push_back({std::move(partition), std::move(offset)});
            }
        }
    }
    producer_->poll();
    return {};
}

cs::status source_worker::flush_offsets() {
    last_flush_ms_ = worker_.time->monotonic_ms();
    if (!producer_) {
        return {};
    }
    if (auto st = producer_->flush(std::chrono::seconds(60)); !st) {
        return error{errc::timed_out, "flushing produced records: " + st.message()};
    }
    const auto& stats = producer_->stats();
    if (stats.failed != failed_deliveries_) {
        uint64_t lost = stats.failed - failed_deliveries_;
        failed_deliveries_ = stats.failed;
        if (!policy_.tolerate_all) {
            return error{errc::io, fmt::format("{}: {} records could not be delivered ({}); "
                                               "their offsets are not committed",
                                               connect_exception, lost, producer_->summary())};
        }
        logger()->error(
            "{}: {} records could not be delivered and are skipped "
            "(errors.tolerance=all): {}",
            name_, lost, producer_->summary());
    }
    uint64_t delivered = stats.delivered - delivered_before_;
    delivered_before_ = stats.delivered;
    update_counters([&](task_counters& c) { c.records_written += delivered; });
    if (unflushed_.empty()) {
        return {};
    }
    if (auto st = send_offsets(*producer_, worker_, spec_.connector, unflushed_); !st) {
        return st;
    }
    if (auto st = producer_->flush(std::chrono::seconds(60)); !st) {
        return error{errc::timed_out, "writing source offsets: " + st.message()};
    }
    if (producer_->stats().failed != failed_deliveries_) {
        failed_deliveries_ = producer_->stats().failed;
        return error{errc::io, "writing source offsets failed: " + producer_->summary()};
    }
    delivered_before_ = producer_->stats().delivered;
    unflushed_.clear();
    update_counters([&](task_counters& c) {
        ++c.batches_committed;
        c.last_commit_ms = worker_.time->now_ms();
    });
    return {};
}

void source_worker::loop() {
    while (!stop_requested_) {
        if (pause_requested_) {
            set_state(task_state::paused);
            producer_->poll(std::chrono::milliseconds(poll_wait_ms));
            continue;
        }
        set_state(task_state::running);
        if (worker_.time->monotonic_ms() - last_flush_ms_ >= worker_.offset_flush_interval_ms) {
            if (auto st = flush_offsets(); !st) {
                fail(st.message());
                return;
            }
        }
        auto polled = task_->poll(poll_wait_ms);
        if (!polled) {
            if (polled.err().code == errc::io || polled.err().code == errc::timed_out) {
                update_counters([](task_counters& c) { ++c.retries; });
                logger()->warn("{}: poll failed (retriable): {}", name_, polled.err().message);
                producer_->poll(std::chrono::milliseconds(poll_wait_ms));
                continue;
            }
            fail(fmt::format("{}: the source task's poll failed: {}", connect_exception,
                             polled.err().message));
            return;
        }
        if (auto st = handle_records(*polled); !st) {
            fail(st.message());
            return;
        }
    }
}

}  // namespace

result<std::unique_ptr<task_runner>> start_source_worker(const worker_settings& worker,
                                                         task_spec spec,
                                                         std::unique_ptr<source_task> task,
                                                         task_state_listener on_state) {
    return launch_task_worker<source_worker>(worker, std::move(spec), std::move(task),
                                             std::move(on_state));
}

}  // namespace cs::connect
