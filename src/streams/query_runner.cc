#include "streams/query_runner.h"

#include <fmt/format.h>

#include "base/log.h"
#include "client/admin.h"

namespace cs::streams {

std::string query_group_id(std::string_view service_id, std::string_view query_id) {
    return fmt::format("_confluent-ksql-{}query_{}", service_id, query_id);
}

const char* query_state_name(query_state s) {
    switch (s) {
        case query_state::created:
            return "CREATED";
        case query_state::loading_tables:
            return "LOADING_TABLES";
        case query_state::running:
            return "RUNNING";
        case query_state::stopped:
            return "STOPPED";
        case query_state::failed:
            return "ERROR";
    }
    return "?";
}

struct query_runner::batch_state {
    uint64_t outputs = 0;  // sent to the sink in this batch
    uint64_t dlq = 0;      // sent to the DLQ in this batch
    std::vector<std::shared_lock<std::shared_mutex>> locks;
};

result<std::unique_ptr<query_runner>> query_runner::create(
    query_plan plan, std::vector<std::shared_ptr<table_reader>> tables,
    const client::client_settings& settings, runner_options options) {
    if (tables.size() != plan.joins.size()) {
        return error{errc::invalid_argument,
                     fmt::format("query {}: {} tables for {} joins", plan.id, tables.size(),
                                 plan.joins.size())};
    }
    if (plan.projections.size() != plan.sink.columns.size()) {
        return error{errc::invalid_argument,
                     fmt::format("query {}: {} projections for {} sink columns", plan.id,
                                 plan.projections.size(), plan.sink.columns.size())};
    }
    size_t width = plan.source.columns.size();
    for (size_t j = 0; j < plan.joins.size(); ++j) {
        const auto& step = plan.joins[j];
        if (!step.stream_key) {
            return error{errc::invalid_argument,
                         fmt::format("query {}: join {} has no key", plan.id, step.table)};
        }
        if (step.first_column != width) {
            return error{errc::invalid_argument,
                         fmt::format("query {}: join {} starts at column {}, expected {}", plan.id,
                                     step.table, step.first_column, width)};
        }
        width += tables[j]->store()->def().columns.size();
    }
    if (plan.joined_width != width) {
        return error{errc::invalid_argument,
                     fmt::format("query {}: joined width {} but the sources have {} columns",
                                 plan.id, plan.joined_width, width)};
    }
    if (plan.dlq_topic.empty()) {
        plan.dlq_topic = plan.sink.topic + "-dlq";
    }
    std::unique_ptr<query_runner> r(new query_runner());
    auto decoder = row_decoder::create(plan.source, options.parse_timestamp);
    if (!decoder) {
        return decoder.take_error();
    }
    auto encoder = row_encoder::create(plan.sink);
    if (!encoder) {
        return encoder.take_error();
    }
    r->decoder_ = std::move(*decoder);
    r->encoder_ = std::move(*encoder);
    r->source_headers_ = reads_headers(plan.source);
    r->group_id_ = query_group_id(options.service_id, plan.id);
    for (size_t j = 0; j < plan.joins.size(); ++j) {
        r->counters_.join_misses.push_back(std::make_unique<std::atomic<uint64_t>>(0));
    }
    r->plan_ = std::move(plan);
    r->tables_ = std::move(tables);
    r->settings_ = settings;
    r->options_ = std::move(options);
    return r;
}

query_runner::~query_runner() {
    stop();
}

std::string query_runner::last_error() const {
    std::lock_guard lock(error_mu_);
    return last_error_;
}

void query_runner::fail(const error& e) {
    log::get("streams")->error("query {}: {}", plan_.id, e.message);
    {
        std::lock_guard lock(error_mu_);
        last_error_ = e.message;
    }
    state_.store(query_state::failed);
}

status query_runner::prepare() {
    config::diagnostics diags;
    auto admin = client::admin_client::create(settings_, diags);
    if (!admin) {
        return admin.err();
    }
    auto md = (*admin)->metadata();
    if (!md) {
        return md.err();
    }
    auto partitions_of = [&](const std::string& topic) -> int {
        for (const auto& t : md->topics) {
            if (t.name == topic && t.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
                return static_cast<int>(t.partitions.size());
            }
        }
        return 0;
    };
    int source_partitions = partitions_of(plan_.source.topic);
    if (source_partitions == 0) {
        return status(errc::not_found, fmt::format("query {}: source topic {} does not exist",
                                                   plan_.id, plan_.source.topic));
    }
    // ksqlDB: unset PARTITIONS / REPLICAS come from the left-most source.
    int sink_partitions = plan_.sink.partitions > 0 ? plan_.sink.partitions : source_partitions;
    int replicas = plan_.sink.replicas > 0 ? plan_.sink.replicas : -1;
    std::vector<client::new_topic> to_create;
    if (int have = partitions_of(plan_.sink.topic); have == 0) {
        to_create.push_back({.name = plan_.sink.topic,
                             .partitions = sink_partitions,
                             .replication_factor = replicas,
                             .configs = {}});
    } else if (plan_.sink.partitions > 0 && have != plan_.sink.partitions) {
        return status(errc::invalid_argument,
                      fmt::format("query {}: topic {} exists with {} partitions, not the {} "
                                  "PARTITIONS asks for",
                                  plan_.id, plan_.sink.topic, have, plan_.sink.partitions));
    }
    if (partitions_of(plan_.dlq_topic) == 0) {
        to_create.push_back({.name = plan_.dlq_topic,
                             .partitions = sink_partitions,
                             .replication_factor = replicas,
                             .configs = {}});
    }
    if (!to_create.empty()) {
        auto created = (*admin)->create_topics(to_create);
        if (!created) {
            return created.err();
        }
        for (const auto& item : *created) {
            // Another instance of the same query may have created it first.
            if (!item.ok() && item.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                return status(errc::io, fmt::format("query {}: cannot create topic {}: {}",
                                                    plan_.id, item.name, item.message));
            }
        }
    }

    state_.store(query_state::loading_tables);
    for (const auto& t : tables_) {
        if (auto st = t->wait_loaded(options_.table_load_timeout); !st) {
            return st;
        }
    }

    client::client_settings cs = settings_;
    cs.set("group.id", group_id_, "query " + plan_.id);
    cs.set("enable.auto.commit", "false", "query runner: commits after delivery");
    cs.set("enable.auto.offset.store", "false", "query runner: stores after delivery");
    if (cs.find("auto.offset.reset") == nullptr) {
        cs.set("auto.offset.reset", options_.auto_offset_reset, "query runner");
    }
    auto consumer = client::consumer::create(cs, diags);
    if (!consumer) {
        return consumer.err();
    }
    consumer_ = std::move(*consumer);
    client::client_settings ps = settings_;
    if (ps.find("acks") == nullptr) {
        ps.set("acks", "all", "query runner");
    }
    auto producer = client::producer::create(ps, diags);
    if (!producer) {
        return producer.err();
    }
    producer_ = std::move(*producer);
    if (auto st = consumer_->subscribe({plan_.source.topic}); !st) {
        return st;
    }
    state_.store(query_state::running);
    return {};
}

void query_runner::send_to_dlq(const client::message& m, std::string_view stage,
                               std::string_view err, batch_state& b) {
    std::vector<client::record_header> headers;
    for (size_t i = 0, n = m.header_count(); i < n; ++i) {
        auto h = m.header(i);
        headers.push_back(
            {std::string(h.key), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
    }
    headers.push_back({std::string(dlq_header_error), std::string(err)});
    headers.push_back({std::string(dlq_header_stage), std::string(stage)});
    headers.push_back({std::string(dlq_header_topic), std::string(m.topic())});
    headers.push_back({std::string(dlq_header_partition), std::to_string(m.partition())});
    headers.push_back({std::string(dlq_header_offset), std::to_string(m.offset())});
    headers.push_back({std::string(dlq_header_query), plan_.id});
    int64_t ts = m.timestamp_ms();
    auto st = producer_->send({.topic = plan_.dlq_topic,
                               .key = m.key(),
                               .value = m.value(),
                               .headers = std::move(headers),
                               .timestamp_ms = ts > 0 ? ts : 0});
    if (!st) {
        // Not even the DLQ takes it (too large, ...): stop rather than lose it.
        fail(error{st.code(),
                   fmt::format("{}-{}@{}: cannot write to DLQ {}: {}", m.topic(), m.partition(),
                               m.offset(), plan_.dlq_topic, st.message())});
        return;
    }
    ++b.dlq;
}

void query_runner::process(const client::message& m, batch_state& b) {
    record_view rv = to_record_view(m, header_scratch_, source_headers_);
    eval_context ctx{.joined = &joined_,
                     .record = {.rowtime = 0, .partition = m.partition(), .offset = m.offset()}};
    auto decoded = decoder_->decode(rv, joined_, ctx.record.rowtime);
    if (!decoded) {
        send_to_dlq(m, "decode", decoded.err().message, b);
        return;
    }
    if (!*decoded) {
        process_null_value(m, ctx, b);
        return;
    }
    joined_.resize(plan_.joined_width);
    for (size_t j = 0; j < plan_.joins.size(); ++j) {
        const join_step& step = plan_.joins[j];
        const table_store& table = *tables_[j]->store();
        const size_t width = table.def().columns.size();
        auto key = step.stream_key->eval(ctx);
        if (!key) {
            send_to_dlq(m, "join",
                        fmt::format("join {} key {}: {}", step.table, step.stream_key->to_sql(),
                                    key.err().message),
                        b);
            return;
        }
        const row* hit = nullptr;
        if (!key->is_null()) {
            hit = table.find(lookup_key(*key, step.stream_key->type(), lookup_scratch_));
        }
        if (hit == nullptr) {
            counters_.join_misses[j]->fetch_add(1, std::memory_order_relaxed);
            // A NULL join key drops the record under LEFT JOIN too, as in
            // ksqlDB (ksql#2657), where it is only logged.
            if (step.kind == join_kind::inner || key->is_null()) {
                counters_.filtered.fetch_add(1, std::memory_order_relaxed);
                return;
            }
            for (size_t c = 0; c < width; ++c) {
                joined_[step.first_column + c] = value();
            }
        } else {
            for (size_t c = 0; c < width; ++c) {
                joined_[step.first_column + c] = (*hit)[c];
            }
        }
    }
    if (plan_.where) {
        auto keep = plan_.where->eval(ctx);
        if (!keep) {
            send_to_dlq(m, "where", keep.err().message, b);
            return;
        }
        if (keep->is_null() || !keep->as_bool()) {
            counters_.filtered.fetch_add(1, std::memory_order_relaxed);
            return;
        }
    }
    out_.resize(plan_.projections.size());
    for (size_t i = 0; i < plan_.projections.size(); ++i) {
        // A column or constant lends its value: one copy-assignment that
        // reuses out_[i]'s string capacity (streams_eval_bench: 2.5-4.8x
        // eval()'s copy-then-move).
        if (const value* lent = plan_.projections[i].expr->ref(ctx)) {
            out_[i] = *lent;
            continue;
        }
        auto v = plan_.projections[i].expr->eval(ctx);
        if (!v) {
            send_to_dlq(m, "project",
                        fmt::format("{}: {}", plan_.projections[i].name, v.err().message), b);
            return;
        }
        out_[i] = std::move(*v);
    }
    bool key_null = true;
    if (auto st = encoder_->encode(out_, key_buf_, key_null, value_buf_); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return;
    }
    send_output(m, key_null, value_buf_, ctx.record.rowtime, b);
}

// As ksqlDB: a projection (SelectValueMapper) and PARTITION BY pass a null
// value on as a null value; a filter (SqlPredicate) and a join drop it, and
// so does a TIMESTAMP column (ksqlDB's extractor fails on the null value and
// Kafka Streams skips the record). The key: the key columns as read, or a
// PARTITION BY expression of them (projection::key_only); any other key
// expression is NULL (ksqlDB evaluates it on a null row).
void query_runner::process_null_value(const client::message& m, const eval_context& ctx,
                                      batch_state& b) {
    if (plan_.where || !plan_.joins.empty() || plan_.source.timestamp_column) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    out_.resize(plan_.projections.size());
    for (size_t i = 0; i < plan_.projections.size(); ++i) {
        const projection& pr = plan_.projections[i];
        out_[i] = value();
        if (!pr.is_key || !pr.key_only) {
            continue;
        }
        auto v = pr.expr->eval(ctx);
        if (!v) {
            send_to_dlq(m, "project", fmt::format("{}: {}", pr.name, v.err().message), b);
            return;
        }
        out_[i] = std::move(*v);
    }
    bool key_null = true;
    if (auto st = encoder_->encode_key(out_, key_buf_, key_null); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return;
    }
    send_output(m, key_null, std::nullopt, m.timestamp_ms(), b);
}

void query_runner::send_output(const client::message& m, bool key_null,
                               std::optional<std::string_view> value, int64_t rowtime,
                               batch_state& b) {
    auto st =
        producer_->send({.topic = plan_.sink.topic,
                         .key = key_null ? std::nullopt : std::optional<std::string_view>(key_buf_),
                         .value = value,
                         .timestamp_ms = rowtime > 0 ? rowtime : 0});
    if (!st) {
        send_to_dlq(m, "produce", st.message(), b);
        return;
    }
    ++b.outputs;
}

// The one place where processed input becomes committed: wait for every
// record of the batch to be acknowledged, then store and commit the
// batch's offsets. (Exactly-once replaces this with send_offsets_to_transaction
// + commit_transaction.)
status query_runner::deliver_and_commit(std::span<const client::message> batch, batch_state& b) {
    uint64_t failed_before = producer_->stats().failed;
    if (auto st = producer_->flush(options_.flush_timeout); !st) {
        return status(st.code(), fmt::format("output not acknowledged: {}", st.message()));
    }
    if (producer_->stats().failed != failed_before) {
        return status(errc::io,
                      fmt::format("{} output records failed ({}); offsets not committed",
                                  producer_->stats().failed - failed_before, producer_->summary()));
    }
    counters_.produced.fetch_add(b.outputs, std::memory_order_relaxed);
    counters_.dlq.fetch_add(b.dlq, std::memory_order_relaxed);
    if (batch.empty()) {
        return {};
    }
    if (auto st = consumer_->store_offsets(batch); !st) {
        return st;
    }
    return consumer_->commit(client::commit_mode::sync);
}

void query_runner::update_lag(std::span<const client::message> batch) {
    for (const auto& m : batch) {
        bool found = false;
        for (auto& [p, next] : positions_) {
            if (p == m.partition()) {
                next = m.offset() + 1;
                found = true;
            }
        }
        if (!found) {
            positions_.emplace_back(m.partition(), m.offset() + 1);
        }
    }
    int64_t lag = 0;
    std::string topic = plan_.source.topic;
    for (const auto& [p, next] : positions_) {
        int64_t low = 0;
        int64_t high = 0;
        // Cached from fetch responses: no request to the broker.
        if (rd_kafka_get_watermark_offsets(consumer_->handle(), topic.c_str(), p, &low, &high) ==
                RD_KAFKA_RESP_ERR_NO_ERROR &&
            high > next) {
            lag += high - next;
        }
    }
    counters_.lag.store(lag, std::memory_order_relaxed);
}

result<size_t> query_runner::step() {
    if (state_.load() != query_state::running) {
        return error{errc::shutting_down,
                     fmt::format("query {} is {}", plan_.id, query_state_name(state_.load()))};
    }
    batch_.clear();
    auto n = consumer_->poll_batch(batch_, options_.max_batch, options_.poll_timeout);
    if (!n) {
        fail(n.err());
        return n.take_error();
    }
    batch_state b;
    b.locks.reserve(tables_.size());
    for (const auto& t : tables_) {
        b.locks.push_back(t->store()->read_lock());
    }
    for (const auto& m : batch_) {
        process(m, b);
        if (state_.load() == query_state::failed) {
            return error{errc::io, last_error()};
        }
    }
    b.locks.clear();  // let the table readers apply updates while we wait for acks
    counters_.consumed.fetch_add(batch_.size(), std::memory_order_relaxed);
    if (auto st = deliver_and_commit(batch_, b); !st) {
        fail(st.err());
        return st.err();
    }
    counters_.batches.fetch_add(1, std::memory_order_relaxed);
    update_lag(batch_);
    return *n;
}

void query_runner::start() {
    thread_ = std::thread([this] {
        if (auto st = prepare(); !st) {
            fail(st.err());
            return;
        }
        while (!stop_.load() && state_.load() == query_state::running) {
            (void)step();
        }
    });
}

void query_runner::stop() {
    stop_.store(true);
    if (thread_.joinable()) {
        thread_.join();
    }
    batch_.clear();
    if (consumer_) {
        (void)consumer_->close();
        consumer_.reset();
    }
    if (producer_) {
        (void)producer_->flush(options_.flush_timeout);
        producer_.reset();
    }
    if (state_.load() != query_state::failed) {
        state_.store(query_state::stopped);
    }
}

}  // namespace cs::streams
