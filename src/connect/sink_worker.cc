#include "connect/sink_worker.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/log.h"
#include "base/strings.h"
#include "client/consumer.h"
#include "config/diagnostics.h"
#include "connect/error_handler.h"
#include "connect/task_config.h"
#include "connect/task_thread.h"
#include "connect/transforms/transform_chain.h"

namespace cs::connect {

namespace {

using tp_key = kafka_partition;

constexpr int64_t initial_backoff_ms = 300;  // Connect's RetryWithToleranceOperator
constexpr auto poll_wait = std::chrono::milliseconds(100);

std::shared_ptr<spdlog::logger> logger() {
    return log::get("connect");
}

bool retriable(errc c) {
    return c == errc::io || c == errc::timed_out;
}

class sink_worker final : public task_thread {
  public:
    sink_worker(const worker_settings& worker, task_spec spec, std::unique_ptr<sink_task> task,
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
          name_(fmt::format("{}-{}", spec_.connector, spec_.task_id)) {
        auto it = spec_.connector_config.find("connector.class");
        task_class_ = it == spec_.connector_config.end() ? "SinkTask" : it->second;
    }
    ~sink_worker() override { stop(); }

    void start() {
        launch([this] { run(); });
    }

  private:
    // Collects the records the sink reports during one put() call.
    class reporter final : public errant_record_reporter {
      public:
        void report(const record& r, const std::string& reason) override {
            reports.emplace_back(&r, reason);
            copies.push_back(r);
        }
        bool tolerant() const override { return tolerate_all; }
        bool tolerate_all = false;
        std::vector<std::pair<const record*, std::string>> reports;
        std::vector<record> copies;  // in case the sink reported a copy
        void clear() {
            reports.clear();
            copies.clear();
        }
    };

    void run();
    cs::status open();
    void loop();
    // Converts and transforms newly polled messages into pending_.
    cs::status take(std::vector<client::message>& msgs);
    // One put() attempt of the pending batch; commits on success.
    cs::status attempt_put();
    cs::status commit();
    // Commits the offsets that moved since the last commit (synchronously).
    // Moves position_ past the transaction markers the consumer skipped.
    void advance_past_control_records();
    void commit_offsets(const std::map<tp_key, int64_t>& offsets);
    void pause_partitions(bool pause);
    void on_rebalance(const client::rebalance_event& ev);
    void fail(std::string trace) {
        logger()->error("{}: task failed: {}", name_, trace);
        set_state(task_state::failed, std::move(trace));
        failed_ = true;
    }

    worker_settings worker_;
    std::unique_ptr<sink_task> task_;
    error_policy policy_;
    std::unique_ptr<converter> key_conv_;
    std::unique_ptr<converter> value_conv_;
    converter_spec key_spec_;
    converter_spec value_spec_;
    transform_chain chain_;
    std::string name_;
    std::string task_class_;

    std::unique_ptr<error_handler> errors_;
    std::unique_ptr<client::consumer> consumer_;
    reporter reporter_;
    bool failed_ = false;

    // The batch taken from the consumer and not yet committed.
    std::vector<record> pending_;
    std::vector<original_record> originals_;
    std::map<tp_key, int64_t> pending_offsets_;  // next offset to commit per partition
    bool has_pending_ = false;

    // Pausing: by the user (pause()) or while a put is being retried.
    bool partitions_paused_ = false;
    std::map<tp_key, int64_t> need_seek_;  // where to read again after a pause
    std::map<tp_key, int64_t> position_;   // next offset this task will take
    std::map<tp_key, int64_t> committed_;  // what this task last committed

    int attempt_ = 0;
    int64_t first_failure_ms_ = -1;
    int64_t next_retry_ms_ = 0;
};

void sink_worker::run() {
    if (auto st = open(); !st) {
        fail(st.message());
    } else {
        set_state(task_state::running);
        loop();
    }
    // Leaving the group revokes the partitions first: what the task made
    // durable is committed (pre_commit) and its buffers closed, while it
    // still runs; then it stops.
    if (consumer_) {
        (void)consumer_->close();
    }
    task_->stop();
    if (!failed_) {
        set_state(task_state::stopped);
    }
}

cs::status sink_worker::open() {
    auto handler = error_handler::create(worker_, spec_, policy_);
    if (!handler) {
        return handler.take_error();
    }
    errors_ = std::move(handler).value();
    reporter_.tolerate_all = errors_->policy().tolerate_all;
    client::client_settings settings;
    settings.set("auto.offset.reset", "earliest", "connect sink default");
    const client::client_settings configured = client_settings_for(
        worker_, client::role::consumer, spec_.connector, spec_.connector_config);
    for (const auto& s : configured.entries()) {
        settings.set(s.key, s.value, s.origin, s.line);
    }
    std::string group = "connect-" + spec_.connector;
    settings.set("group.id", group, "connect sink task");
    settings.set("client.id", fmt::format("connector-consumer-{}", name_), "connect sink task");
    settings.set("enable.auto.commit", "false", "connect sink task");
    settings.set("enable.auto.offset.store", "false", "connect sink task");
    config::diagnostics diags;
    auto c = client::consumer::create(
        settings, diags, [this](const client::rebalance_event& ev) { on_rebalance(ev); });
    if (!c) {
        return error{c.err().code, "cannot create the sink consumer: " + c.err().message};
    }
    consumer_ = std::move(c).value();
    std::vector<std::string> topics;
    if (auto it = spec_.connector_config.find("topics.regex");
        it != spec_.connector_config.end() && !it->second.empty()) {
        topics.push_back(it->second.starts_with("^") ? it->second : "^" + it->second);
    } else {
        std::string list =
            spec_.connector_config.contains("topics")
                ? spec_.connector_config.at("topics")
                : (spec_.task_config.contains("topics") ? spec_.task_config.at("topics")
                                                        : std::string());
        topics = split_list(list);
    }
    if (topics.empty()) {
        return error{errc::invalid_argument,
                     "Must configure one of topics or topics.regex for a sink connector"};
    }
    if (auto st = consumer_->subscribe(topics); !st) {
        return st;
    }
    if (auto st = task_->start(spec_.task_config, reporter_); !st) {
        return error{st.code(), fmt::format("{}: the sink task failed to start: {}", task_class_,
                                            st.message())};
    }
    logger()->info("{}: sink task started, group {}, topics {}", name_, group,
                   fmt::join(topics, ","));
    return {};
}

void sink_worker::on_rebalance(const client::rebalance_event& ev) {
    if (ev.what == client::rebalance_event::kind::assigned) {
        for (const auto& p : ev.partitions) {
            position_.erase({p.topic, p.partition});
        }
        if (partitions_paused_) {
            auto list = client::to_partition_list(ev.partitions);
            rd_kafka_pause_partitions(consumer_->handle(), list.get());
        }
        return;
    }
    // Revoked: commit what the task has made durable of those partitions
    // (not while a batch waits for a retried put: its records were taken
    // but not written), then the task drops what it buffered. Records of
    // them in the uncommitted batch belong to their next owner now, which
    // starts from the committed offset.
    std::set<tp_key> gone;
    std::vector<tp_key> closing;
    for (const auto& p : ev.partitions) {
        gone.insert({p.topic, p.partition});
        closing.push_back({p.topic, p.partition});
    }
    if (!has_pending_ && !ev.lost) {
        std::map<tp_key, int64_t> current;
        for (const auto& tp : closing) {
            if (auto it = position_.find(tp); it != position_.end()) {
                current.emplace(tp, it->second);
            }
        }
        commit_offsets(task_->pre_commit(current));
    }
    task_->close(closing);
    for (const auto& p : ev.partitions) {
        committed_.erase({p.topic, p.partition});
        position_.erase({p.topic, p.partition});
        need_seek_.erase({p.topic, p.partition});
        pending_offsets_.erase({p.topic, p.partition});
    }
    std::vector<record> kept;
    std::vector<original_record> kept_orig;
    for (size_t i = 0; i < originals_.size(); ++i) {
        if (!gone.contains({originals_[i].topic, originals_[i].partition})) {
            kept.push_back(std::move(pending_[i]));
            kept_orig.push_back(std::move(originals_[i]));
        }
    }
    pending_ = std::move(kept);
    originals_ = std::move(kept_orig);
    if (pending_offsets_.empty()) {
        has_pending_ = false;
        pending_.clear();
        originals_.clear();
        attempt_ = 0;
        first_failure_ms_ = -1;
    }
}

void sink_worker::pause_partitions(bool pause) {
    if (partitions_paused_ == pause) {
        return;
    }
    auto assigned = consumer_->assignment();
    if (assigned) {
        auto list = client::to_partition_list(*assigned);
        if (pause) {
            rd_kafka_pause_partitions(consumer_->handle(), list.get());
        } else {
            rd_kafka_resume_partitions(consumer_->handle(), list.get());
        }
    }
    partitions_paused_ = pause;
    if (!pause && !need_seek_.empty()) {
        // Records that arrived while paused were not taken: read them again.
        std::vector<client::topic_partition_offset> seeks;
        for (const auto& [tp, offset] : need_seek_) {
            seeks.push_back({tp.first, tp.second, offset});
        }
        need_seek_.clear();
        if (!seeks.empty()) {
            auto list = client::to_partition_list(seeks);
            if (rd_kafka_error_t* e =
                    rd_kafka_seek_partitions(consumer_->handle(), list.get(), 5000)) {
                logger()->warn("{}: seek after resume failed: {}", name_, rd_kafka_error_string(e));
                rd_kafka_error_destroy(e);
            }
        }
    }
}

cs::status sink_worker::take(std::vector<client::message>& msgs) {
    for (auto& m : msgs) {
        tp_key tp{std::string(m.topic()), m.partition()};
        auto pos = position_.find(tp);
        if (pos != position_.end() && m.offset() < pos->second) {
            continue;  // already taken (a replay after a seek)
        }
        original_record orig;
        orig.topic = tp.first;
        orig.partition = m.partition();
        orig.offset = m.offset();
        orig.timestamp = m.timestamp_ms();
        if (auto k = m.key()) {
            orig.key = std::string(*k);
        }
        if (auto v = m.value()) {
            orig.value = std::string(*v);
        }
        for (size_t i = 0; i < m.header_count(); ++i) {
            auto h = m.header(i);
            orig.headers.push_back(
                header{std::string(h.key),
                       h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt});
        }
        position_[tp] = m.offset() + 1;
        pending_offsets_[tp] = m.offset() + 1;
        has_pending_ = true;
        update_counters([](task_counters& c) { ++c.records_read; });
        note_topic(orig.topic);

        auto failed = [&](processing_error e) -> cs::status {
            update_counters([](task_counters& c) { ++c.records_failed; });
            auto st = errors_->handle(orig, e);
            if (st && errors_->policy().tolerate_all && !errors_->policy().dlq_topic.empty()) {
                update_counters([](task_counters& c) { ++c.records_to_dlq; });
            }
            return st;
        };
        record r;
        r.topic = orig.topic;
        r.partition = orig.partition;
        r.kafka_offset = orig.offset;
        r.timestamp = orig.timestamp >= 0 ? std::optional<int64_t>(orig.timestamp) : std::nullopt;
        switch (m.timestamp_type()) {
            case client::timestamp_kind::none:
                r.ts_type = timestamp_type::none;
                break;
            case client::timestamp_kind::create_time:
                r.ts_type = timestamp_type::create_time;
                break;
            case client::timestamp_kind::log_append_time:
                r.ts_type = timestamp_type::log_append_time;
                break;
        }
        r.headers = orig.headers;
        r.raw_key = orig.key;
        r.raw_value = orig.value;
        auto key = key_conv_->to_connect(orig.topic, m.key());
        if (!key) {
            if (auto st = failed(
                    {stage_key_converter, key_spec_.class_name, data_exception, key.err().message});
                !st) {
                return st;
            }
            continue;
        }
        auto value = value_conv_->to_connect(orig.topic, m.value());
        if (!value) {
            if (auto st = failed({stage_value_converter, value_spec_.class_name, data_exception,
                                  value.err().message});
                !st) {
                return st;
            }
            continue;
        }
        r.key_schema = std::move(key->schema);
        r.key = std::move(key->value);
        r.value_schema = std::move(value->schema);
        r.value = std::move(value->value);
        std::optional<transform_failure> tf;
        auto out = chain_.apply(std::move(r), tf);
        if (tf) {
            if (auto st =
                    failed({stage_transformation, tf->class_name, data_exception, tf->err.message});
                !st) {
                return st;
            }
            continue;
        }
        if (!out) {
            update_counters([](task_counters& c) { ++c.records_filtered; });
            continue;
        }
        pending_.push_back(std::move(*out));
        originals_.push_back(std::move(orig));
    }
    return {};
}

cs::status sink_worker::commit() {
    if (auto st = errors_->flush(); !st) {
        return st;
    }
    // Every record taken so far has been put: the task says how much of it
    // is durable.
    advance_past_control_records();
    commit_offsets(task_->pre_commit(position_));
    pending_.clear();
    originals_.clear();
    pending_offsets_.clear();
    has_pending_ = false;
    return {};
}

// A transactional producer ends each transaction with a marker in every
// partition it wrote, which the consumer skips: it never reaches take(), but
// librdkafka's position moves past it. Committing that position, as Kafka's
// consumers do, leaves a caught-up partition with lag 0 rather than 1 per
// marker (an exactly-once query's output, read by this sink).
void sink_worker::advance_past_control_records() {
    if (position_.empty()) {
        return;
    }
    std::vector<client::topic_partition_offset> parts;
    for (const auto& [tp, next] : position_) {
        parts.push_back({tp.first, tp.second, next});
    }
    auto positions = consumer_->position(parts);
    if (!positions) {
        return;
    }
    for (const auto& e : *positions) {
        auto it = position_.find({e.topic, e.partition});
        if (it != position_.end() && e.offset > it->second) {
            it->second = e.offset;
        }
    }
}

void sink_worker::commit_offsets(const std::map<tp_key, int64_t>& offsets) {
    std::vector<client::topic_partition_offset> moved;
    for (const auto& [tp, off] : offsets) {
        auto it = committed_.find(tp);
        if (off >= 0 && (it == committed_.end() || it->second != off)) {
            moved.push_back({tp.first, tp.second, off});
        }
    }
    if (moved.empty()) {
        return;
    }
    if (auto st = consumer_->commit(moved, client::commit_mode::sync); !st) {
        // The records are written; a lost commit only means a replay.
        logger()->warn(
            "{}: offset commit failed (the records since the last commit will be replayed "
            "after a restart): {}",
            name_, st.message());
        return;
    }
    for (const auto& m : moved) {
        committed_[{m.topic, m.partition}] = m.offset;
    }
    update_counters([&](task_counters& c) {
        ++c.batches_committed;
        c.last_commit_ms = worker_.time->now_ms();
    });
}

cs::status sink_worker::attempt_put() {
    reporter_.clear();
    // An empty put (an idle poll) lets the task act on time.
    cs::status st = task_->put(pending_);
    if (st) {
        for (size_t i = 0; i < reporter_.reports.size(); ++i) {
            const record* rp = reporter_.reports[i].first;
            const record& copy = reporter_.copies[i];
            const original_record* orig = nullptr;
            std::less<const record*> before;
            if (!pending_.empty() && !before(rp, pending_.data()) &&
                before(rp, pending_.data() + pending_.size())) {
                orig = &originals_[static_cast<size_t>(rp - pending_.data())];
            } else {
                for (const auto& o : originals_) {
                    if (o.partition == copy.partition.value_or(-1) &&
                        o.offset == copy.kafka_offset) {
                        orig = &o;
                        break;
                    }
                }
            }
            original_record fallback;
            if (!orig) {
                fallback.topic = copy.topic;
                fallback.partition = copy.partition.value_or(-1);
                fallback.offset = copy.kafka_offset;
                fallback.key = copy.raw_key;
                fallback.value = copy.raw_value;
                fallback.headers = copy.headers;
                orig = &fallback;
            }
            update_counters([](task_counters& c) { ++c.records_failed; });
            auto handled = errors_->handle(*orig, {stage_task_put, task_class_, connect_exception,
                                                   reporter_.reports[i].second});
            if (!handled) {
                return handled;
            }
            if (errors_->policy().tolerate_all && !errors_->policy().dlq_topic.empty()) {
                update_counters([](task_counters& c) { ++c.records_to_dlq; });
            }
        }
        size_t written = pending_.size() - reporter_.reports.size();
        update_counters([&](task_counters& c) { c.records_written += written; });
        if (attempt_ > 0) {
            logger()->info("{}: put succeeded after {} retries", name_, attempt_);
        }
        attempt_ = 0;
        first_failure_ms_ = -1;
        reporter_.clear();
        if (auto c = commit(); !c) {
            return c;
        }
        return {};
    }
    reporter_.clear();
    // Nothing more is taken until this put (possibly of no records: a
    // task's own upload that failed) succeeds.
    has_pending_ = true;
    if (!retriable(st.code())) {
        return error{st.code(),
                     fmt::format("{}: {}: {}", connect_exception, task_class_, st.message())};
    }
    int64_t now = worker_.time->monotonic_ms();
    if (first_failure_ms_ < 0) {
        first_failure_ms_ = now;
    }
    int64_t delay = initial_backoff_ms;
    for (int i = 0; i < attempt_ && delay < policy_.retry_delay_max_ms; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, policy_.retry_delay_max_ms);
    ++attempt_;
    bool past_timeout =
        policy_.retry_timeout_ms >= 0 && now - first_failure_ms_ >= policy_.retry_timeout_ms;
    if (past_timeout) {
        delay = policy_.retry_delay_max_ms;
    }
    if (int64_t asked = task_->retry_backoff_ms(); asked >= 0) {
        delay = asked;  // the task paces (and counts) its own retries
        past_timeout = false;
    }
    next_retry_ms_ = now + delay;
    update_counters([](task_counters& c) { ++c.retries; });
    logger()->warn(
        "{}: put of {} records failed (retriable, attempt {}{}), retrying the same "
        "batch in {} ms: {}",
        name_, pending_.size(), attempt_,
        past_timeout ? ", errors.retry.timeout passed: the task stays paused and keeps "
                       "retrying"
                     : "",
        delay, st.message());
    return {};
}

void sink_worker::loop() {
    size_t max_records = 500;
    if (auto it = spec_.connector_config.find("consumer.override.max.poll.records");
        it != spec_.connector_config.end()) {
        max_records = static_cast<size_t>(std::max(1L, std::atol(it->second.c_str())));
    }
    std::vector<client::message> msgs;
    while (!stop_requested_) {
        bool user_paused = pause_requested_;
        bool retrying = attempt_ > 0 && has_pending_;
        pause_partitions(user_paused || retrying);
        if (user_paused) {
            set_state(task_state::paused);
        } else {
            set_state(task_state::running);
        }
        if (!user_paused && retrying && worker_.time->monotonic_ms() >= next_retry_ms_) {
            if (auto st = attempt_put(); !st) {
                fail(st.message());
                return;
            }
            continue;
        }
        msgs.clear();
        auto n = consumer_->poll_batch(msgs, max_records, poll_wait);
        if (!n) {
            logger()->warn("{}: poll: {}", name_, n.err().message);
            continue;
        }
        if (msgs.empty()) {
            if (!user_paused && !pause_requested_ && !retrying && !has_pending_) {
                if (auto st = attempt_put(); !st) {
                    fail(st.message());
                    return;
                }
            }
            continue;
        }
        // A pause requested while the poll waited counts too: the herder
        // shows PAUSED as soon as it asked, so nothing fetched after that
        // may be written.
        if (user_paused || pause_requested_ || retrying || has_pending_) {
            // Fetched before the pause took effect: read again on resume.
            for (const auto& m : msgs) {
                tp_key tp{std::string(m.topic()), m.partition()};
                auto pos = position_.find(tp);
                int64_t target = pos != position_.end() ? pos->second : m.offset();
                auto [it, fresh] = need_seek_.emplace(tp, target);
                if (!fresh) {
                    it->second = std::min(it->second, target);
                }
            }
            continue;
        }
        if (auto st = take(msgs); !st) {
            fail(st.message());
            return;
        }
        if (auto st = attempt_put(); !st) {
            fail(st.message());
            return;
        }
    }
}

}  // namespace

result<std::unique_ptr<task_runner>> start_sink_worker(const worker_settings& worker,
                                                       task_spec spec,
                                                       std::unique_ptr<sink_task> task,
                                                       task_state_listener on_state) {
    return launch_task_worker<sink_worker>(worker, std::move(spec), std::move(task),
                                           std::move(on_state));
}

}  // namespace cs::connect
