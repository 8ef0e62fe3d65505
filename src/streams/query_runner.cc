#include "streams/query_runner.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"
#include "base/thread_name.h"
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
    std::unique_ptr<query_runner> r(new query_runner());
    size_t width = plan.source.columns.size();
    if (plan.two_source) {
        // The right source and the join key, then any joined tables.
        width += plan.two_source->right.columns.size() + 1;
    }
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
        const size_t table_width = tables[j]->store()->def().columns.size();
        std::vector<uint32_t> copy;
        for (size_t c = 0; c < table_width; ++c) {
            if (plan.reads.empty() || (width + c < plan.reads.size() && plan.reads[width + c])) {
                copy.push_back(static_cast<uint32_t>(c));
            }
        }
        r->join_columns_.push_back(std::move(copy));
        width += table_width;
    }
    if (plan.joined_width != width) {
        return error{errc::invalid_argument,
                     fmt::format("query {}: joined width {} but the sources have {} columns",
                                 plan.id, plan.joined_width, width)};
    }
    if (plan.dlq_topic.empty()) {
        plan.dlq_topic = plan.sink.topic + "-dlq";
    }
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
    if (r->aggregating()) {
        if (auto st = r->create_aggregate(); !st) {
            return st.err();
        }
    }
    if (r->plan_.two_source) {
        if (auto st = r->create_source_join(); !st) {
            return st.err();
        }
        if (auto st = r->create_join_rekey(); !st) {
            return st.err();
        }
    }
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
    if (transient()) {
        return prepare_transient(**admin, *md);
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
    std::vector<client::new_topic> rekey_topics;
    if (plan_.two_source) {
        auto topics =
            join_input_topics(source_partitions, partitions_of(plan_.two_source->right.topic),
                              plan_.sink.replicas > 0 ? plan_.sink.replicas : -1);
        if (!topics) {
            return topics.err();
        }
        rekey_topics = std::move(*topics);
    }
    // A join reads partition p of each side (a repartition topic has the
    // join's partition count).
    const int join_partitions =
        rekey_topics.empty() ? source_partitions : rekey_topics[0].partitions;
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
    std::vector<client::new_topic> state_topics;
    if (join_log_) {
        state_topics = join_topics(join_partitions, replicas);
    }
    if (aggregating()) {
        // Over a join: as many partitions as the join's.
        auto more = aggregate_topics(join_partitions, replicas);
        state_topics.insert(state_topics.end(), std::make_move_iterator(more.begin()),
                            std::make_move_iterator(more.end()));
    }
    for (auto& t : state_topics) {
        if (partitions_of(t.name) == 0) {
            to_create.push_back(std::move(t));
        }
    }
    for (auto& t : rekey_topics) {
        if (partitions_of(t.name) == 0) {
            to_create.push_back(t);
        }
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
    // Kafka Streams' (and so ksqlDB's) at-least-once consumers read
    // uncommitted records (the Java default); librdkafka's default is
    // read_committed.
    if (cs.find("isolation.level") == nullptr) {
        cs.set("isolation.level", "read_uncommitted", "query runner (as Kafka Streams)");
    }
    if (plan_.two_source) {
        if (auto st = co_partition(cs); !st) {
            return st;
        }
    }
    client::client_settings ps = settings_;
    if (ps.find("acks") == nullptr) {
        ps.set("acks", "all", "query runner");
    }
    // ksqlDB's output lands where its Java producer puts each key.
    client::default_to_java_partitioner(ps, "query runner (as ksqlDB)");
    if (exactly_once()) {
        make_transactional(cs, ps);
    }
    // Neither of our own paths reads read_committed or writes transactions.
    auto consumer = client::consumer::create(
        cs, diags, [this](const client::rebalance_event& e) { on_rebalance(e); },
        {.builtin_fetch = options_.builtin_fetch && !exactly_once()});
    if (!consumer) {
        return consumer.err();
    }
    consumer_ = std::move(*consumer);
    auto producer = client::producer::create(
        ps, diags, {.builtin_produce = options_.builtin_produce && !exactly_once()});
    if (!producer) {
        return producer.err();
    }
    producer_ = std::move(*producer);
    if (exactly_once()) {
        if (auto st = init_transactions(); !st) {
            return st;
        }
    }
    // Without this the first output waits for librdkafka's next metadata
    // refresh (~1 s) to learn the sink's partitions.
    std::vector<std::string> written = {plan_.sink.topic, plan_.dlq_topic};
    std::vector<std::string> read = {plan_.source.topic};
    if (plan_.two_source) {
        read.push_back(plan_.two_source->right.topic);
        for (const auto& t : rekey_topics) {
            written.push_back(t.name);
            read.push_back(t.name);
        }
        for (auto& t : join_topic_names()) {
            written.push_back(std::move(t));
        }
    }
    if (aggregating()) {
        for (auto& t : aggregate_topic_names()) {
            written.push_back(std::move(t));
        }
        if (plan_.aggregate->repartition) {
            read.push_back(written.back());  // aggregate_topic_names(): the repartition topic last
        }
    }
    if (auto st = producer_->learn_topics(written, std::chrono::seconds(5)); !st) {
        log::get("streams")->warn("query {}: {} (the first outputs may wait for it)", plan_.id,
                                  st.message());
    }
    if (auto st = consumer_->subscribe(read); !st) {
        return st;
    }
    state_.store(query_state::running);
    return {};
}

void query_runner::send_to_dlq(const client::message& m, std::string_view stage,
                               std::string_view err, batch_state& b) {
    if (transient()) {
        // No dead-letter topic: the record is skipped.
        counters_.dlq.fetch_add(1, std::memory_order_relaxed);
        log::get("streams")->warn("query {}: skipping {}-{}@{} ({}): {}", plan_.id, m.topic(),
                                  m.partition(), m.offset(), stage, err);
        return;
    }
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
        if (transaction_refused(st)) {
            return;  // read again after the abort
        }
        // Not even the DLQ takes it (too large, ...): stop rather than lose it.
        fail(error{st.code(),
                   fmt::format("{}-{}@{}: cannot write to DLQ {}: {}", m.topic(), m.partition(),
                               m.offset(), plan_.dlq_topic, st.message())});
        return;
    }
    ++b.dlq;
}

// A batch goes through in phases so that the table look-ups, which miss
// the cache (a 100k-row table is megabytes), can be issued ahead of use:
// decode every record, then each join over the whole batch (its keys first,
// then the look-ups with prefetches a few records ahead), then WHERE,
// projection, encoding and produce per record. A record that fails a phase
// goes to the DLQ there and skips the rest; outputs keep the batch's order.
void query_runner::process_batch(std::span<const client::message> batch, batch_state& b) {
    if (plan_.two_source) {
        process_source_join(batch, b);
        return;
    }
    if (table_aggregation()) {
        process_table_grouping(batch, b);
        return;
    }
    // In chunks small enough that their rows stay in the cache between
    // the phases.
    constexpr size_t chunk = 1024;
    if (rows_.size() < chunk) {
        rows_.resize(chunk);
        key_values_.resize(chunk);
        key_bytes_.resize(chunk);
        keys_.resize(chunk);
        hashes_.resize(chunk);
    }
    for (size_t first = 0; first < batch.size() && state_.load() != query_state::failed;
         first += chunk) {
        auto part = batch.subspan(first, std::min(chunk, batch.size() - first));
        const size_t n = part.size();
        rowtimes_.assign(n, 0);
        live_.assign(n, 0);
        decode_batch(part, b);
        for (size_t j = 0; j < plan_.joins.size() && state_.load() != query_state::failed; ++j) {
            join_batch(j, part, b);
        }
        for (size_t i = 0; i < n && state_.load() != query_state::failed; ++i) {
            if (live_[i] == tombstone) {
                process_null_value(part[i], context_of(part[i], i), b);
            } else if (live_[i] == regrouped) {
                aggregate_record(part[i], context_of(part[i], i), b);
            } else if (live_[i] != done) {
                finish(part[i], i, b);
            }
        }
    }
}

void query_runner::process_under_table_locks(std::span<const client::message> batch,
                                             batch_state& b) {
    b.locks.reserve(tables_.size());
    for (const auto& t : tables_) {
        b.locks.push_back(t->store()->read_lock());
    }
    process_batch(batch, b);
    b.locks.clear();  // let the table readers apply updates
}

eval_context query_runner::context_of(const client::message& m, size_t i) const {
    return eval_context{
        .joined = &rows_[i],
        .record = {.rowtime = rowtimes_[i], .partition = m.partition(), .offset = m.offset()}};
}

void query_runner::decode_batch(std::span<const client::message> batch, batch_state& b) {
    for (size_t i = 0; i < batch.size(); ++i) {
        const client::message& m = batch[i];
        if (from_repartition(m)) {
            if (auto st = decode_repartitioned(m, rows_[i], rowtimes_[i]); !st) {
                send_to_dlq(m, "decode", st.message(), b);
                continue;
            }
            live_[i] = regrouped;
            continue;
        }
        record_view rv = to_record_view(m, header_scratch_, source_headers_);
        auto decoded = decoder_->decode(rv, rows_[i], rowtimes_[i]);
        if (!decoded) {
            send_to_dlq(m, "decode", decoded.err().message, b);
            continue;
        }
        if (!*decoded) {
            // Passed on (or not) in the last phase, in order with the rest.
            live_[i] = tombstone;
            continue;
        }
        rows_[i].resize(plan_.joined_width);
        live_[i] = live;
    }
}

void query_runner::join_batch(size_t j, std::span<const client::message> batch, batch_state& b) {
    const join_step& step = plan_.joins[j];
    const table_store& table = *tables_[j]->store();
    const std::vector<uint32_t>& copy = join_columns_[j];  // the columns the query reads
    const size_t n = batch.size();
    // The keys first.
    for (size_t i = 0; i < n; ++i) {
        if (live_[i] != live && live_[i] != keyed) {
            continue;
        }
        live_[i] = live;
        eval_context ctx = context_of(batch[i], i);
        const value* key = step.stream_key->ref(ctx);
        if (key == nullptr) {
            auto v = step.stream_key->eval(ctx);
            if (!v) {
                live_[i] = done;
                send_to_dlq(batch[i], "join",
                            fmt::format("join {} key {}: {}", step.table, step.stream_key->to_sql(),
                                        v.err().message),
                            b);
                continue;
            }
            key_values_[i] = std::move(*v);
            key = &key_values_[i];
        }
        if (key->is_null()) {
            // Dropped under LEFT JOIN too, as in ksqlDB (ksql#2657), where
            // it is only logged.
            counters_.join_misses[j]->fetch_add(1, std::memory_order_relaxed);
            counters_.filtered.fetch_add(1, std::memory_order_relaxed);
            live_[i] = done;
            continue;
        }
        keys_[i] = lookup_key(*key, step.stream_key->type(), key_bytes_[i]);
        hashes_[i] = table_store::hash_key(keys_[i]);
        live_[i] = keyed;
    }
    // The look-ups: the slot of the record 48 ahead and the row of the one
    // 24 ahead are on their way while this one is joined (distances of
    // 20/10 measured the same; bench/RESULTS.md, session 10).
    constexpr size_t slot_ahead = 48;
    constexpr size_t row_ahead = 24;
    for (size_t i = 0; i < n; ++i) {
        if (i + slot_ahead < n && live_[i + slot_ahead] == keyed) {
            table.prefetch_slot(hashes_[i + slot_ahead]);
        }
        if (i + row_ahead < n && live_[i + row_ahead] == keyed) {
            table.prefetch_row(hashes_[i + row_ahead]);
        }

        if (live_[i] != keyed) {
            continue;
        }
        const value* hit = table.find(keys_[i], hashes_[i]);
        row& joined = rows_[i];
        if (hit == nullptr) {
            counters_.join_misses[j]->fetch_add(1, std::memory_order_relaxed);
            if (step.kind == join_kind::inner) {
                counters_.filtered.fetch_add(1, std::memory_order_relaxed);
                live_[i] = done;
                continue;
            }
            for (uint32_t c : copy) {
                joined[step.first_column + c] = value();
            }
        } else {
            for (uint32_t c : copy) {
                joined[step.first_column + c].assign(hit[c]);  // bounded reuse (value.h)
            }
        }
    }
}

std::optional<bool> query_runner::passes_where(const client::message& m, const eval_context& ctx,
                                               batch_state& b) {
    auto keep = plan_.where->eval(ctx);
    if (!keep) {
        send_to_dlq(m, "where", keep.err().message, b);
        return std::nullopt;
    }
    return !keep->is_null() && keep->as_bool();
}

void query_runner::finish(const client::message& m, size_t i, batch_state& b) {
    eval_context ctx = context_of(m, i);
    if (plan_.where) {
        auto keep = passes_where(m, ctx, b);
        if (!keep) {
            return;
        }
        if (!*keep) {
            if (table_changelog()) {
                // The row leaves the table (Kafka Streams' KTable filter
                // forwards a tombstone for a row that does not pass): an
                // output, counted as produced.
                send_tombstone(m, ctx, b);
                return;
            }
            counters_.filtered.fetch_add(1, std::memory_order_relaxed);
            return;
        }
    }
    if (aggregating()) {
        group_record(m, ctx, b);
        return;
    }
    if (!plan_.table_functions.empty()) {
        send_flat_mapped(m, ctx, b);
        return;
    }
    send_projected(m, ctx, b);
}

void query_runner::send_projected(const client::message& m, const eval_context& ctx,
                                  batch_state& b) {
    if (!project_row(m, ctx, b)) {
        return;
    }
    if (transient()) {
        emit_transient(m, out_refs_);
        return;
    }
    bool key_null = true;
    if (auto st = encoder_->encode(out_refs_, key_buf_, key_null, value_buf_); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return;
    }
    if (key_null && table_changelog()) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);  // a table ignores it
        return;
    }
    send_output(m, key_null, value_buf_, ctx.record.rowtime, b);
}

bool query_runner::project_row(const client::message& m, const eval_context& ctx, batch_state& b) {
    const size_t width = plan_.projections.size();
    out_.resize(width);
    out_refs_.resize(width);
    for (size_t p = 0; p < width; ++p) {
        // A column or constant lends its value: the encoder reads it where
        // it is (no copy); a computed one is evaluated into out_[p].
        if (const value* lent = plan_.projections[p].expr->ref(ctx)) {
            out_refs_[p] = lent;
            continue;
        }
        auto v = plan_.projections[p].expr->eval(ctx);
        if (!v) {
            send_to_dlq(m, "project",
                        fmt::format("{}: {}", plan_.projections[p].name, v.err().message), b);
            return false;
        }
        out_[p] = std::move(*v);
        out_refs_[p] = &out_[p];
    }
    return true;
}

// As ksqlDB: a projection (SelectValueMapper) and PARTITION BY pass a null
// value on as a null value; a filter (SqlPredicate) and a join drop it, and
// so does a TIMESTAMP column (ksqlDB's extractor fails on the null value and
// Kafka Streams skips the record). The key: the key columns as read, or a
// PARTITION BY expression of them (projection::key_only); any other key
// expression is NULL (ksqlDB evaluates it on a null row).
//
// A TABLE read by CREATE TABLE AS SELECT is a changelog: a null value
// deletes its key's row, so the output gets a tombstone of the key whatever
// the WHERE (send_tombstone).
void query_runner::process_null_value(const client::message& m, const eval_context& ctx,
                                      batch_state& b) {
    if (table_changelog()) {
        send_tombstone(m, ctx, b);
        return;
    }
    if (transient()) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);  // no row to show
        return;
    }
    if (plan_.where || !plan_.joins.empty() || plan_.source.timestamp_column || aggregating() ||
        !plan_.table_functions.empty()) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    send_tombstone(m, ctx, b);
}

void query_runner::send_tombstone(const client::message& m, const eval_context& ctx,
                                  batch_state& b) {
    if (transient()) {
        emit_transient(m, {});
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
    if (key_null && table_changelog()) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);  // a table ignores it
        return;
    }
    send_output(m, key_null, std::nullopt, m.timestamp_ms(), b);
}

void query_runner::send_output(const client::message& m, bool key_null,
                               std::optional<std::string_view> value, int64_t rowtime,
                               batch_state& b) {
    if (transient()) {
        // An aggregation's row (render_row left it in out_refs_), or, with
        // no value, its group leaving the result.
        ++b.outputs;
        emit_transient(m, value ? std::span<const streams::value* const>(out_refs_)
                                : std::span<const streams::value* const>());
        return;
    }
    auto st =
        producer_->send({.topic = plan_.sink.topic,
                         .key = key_null ? std::nullopt : std::optional<std::string_view>(key_buf_),
                         .value = value,
                         .timestamp_ms = rowtime > 0 ? rowtime : 0});
    if (!st) {
        if (!transaction_refused(st)) {
            send_to_dlq(m, "produce", st.message(), b);
        }
        return;
    }
    ++b.outputs;
}

// The one place where processed input becomes committed: wait for every
// record sent so far to be acknowledged, then commit the offsets stored
// after processing; or, exactly once, commit the transaction that holds
// both (commit_transaction).
status query_runner::deliver_and_commit() {
    if (uncommitted_.records == 0) {
        return {};
    }
    if (exactly_once()) {
        return commit_transaction();
    }
    if (auto st = producer_->flush(options_.flush_timeout); !st) {
        return status(st.code(), fmt::format("output not acknowledged: {}", st.message()));
    }
    if (uint64_t failed = producer_->stats().failed; failed != failed_at_commit_) {
        return status(errc::io, fmt::format("{} output records failed ({}); offsets not committed",
                                            failed - failed_at_commit_, producer_->summary()));
    }
    counters_.produced.fetch_add(uncommitted_.outputs, std::memory_order_relaxed);
    counters_.dlq.fetch_add(uncommitted_.dlq, std::memory_order_relaxed);
    uncommitted_ = {};
    // A commit the group refuses (a rebalance under way, a membership that
    // just expired) does not end the query: the offsets stay stored and the
    // next commit covers them, or the partitions' next owner reads the
    // records again (at least once).
    if (auto st = consumer_->commit(client::commit_mode::sync); !st) {
        log::get("streams")->warn(
            "query {}: offsets not committed ({}); the next commit "
            "covers them",
            plan_.id, st.message());
    }
    return {};
}

// On the runner's thread, inside poll_batch() or close(). Before partitions
// go, what was processed of them is committed, so their next owner does not
// repeat it; a lost assignment cannot commit (its records are read again).
void query_runner::on_rebalance(const client::rebalance_event& e) {
    if (e.what != client::rebalance_event::kind::revoked) {
        return;
    }
    // Every topic's: a join's or aggregation's topics need not share their
    // partition numbers' owners (a repartition topic may have more
    // partitions than a source; the assignor may be cooperative).
    revoking_ = e.partitions;
    if (!e.lost && state_.load() == query_state::running) {
        if (auto st = deliver_and_commit(); !st) {
            fail(st.err());
        }
    } else if (e.lost && txn_open_ && state_.load() == query_state::running) {
        // Its offsets can no longer be committed: the partitions' new owner
        // processes the input again, so the output must not become visible.
        if (auto st = abort_and_rewind("the group's assignment was lost"); !st) {
            fail(st.err());
        }
    }
    revoking_.clear();
    drop_state(e.partitions, false);
    drop_join_state(e.partitions, false);
    std::erase_if(positions_, [&](const auto& pos) {
        for (const auto& p : e.partitions) {
            if (p.topic == pos.topic && p.partition == pos.partition) {
                return true;
            }
        }
        return false;
    });
}

void query_runner::update_lag(std::span<const client::message> batch) {
    // Every topic read has its position: exactly once, positions_ are the
    // offsets committed in the transaction, the repartition topics' too.
    for (const auto& m : batch) {
        bool found = false;
        for (auto& pos : positions_) {
            if (pos.partition == m.partition() && pos.topic == m.topic()) {
                pos.offset = m.offset() + 1;
                found = true;
            }
        }
        if (!found) {
            positions_.push_back({std::string(m.topic()), m.partition(), m.offset() + 1});
        }
    }
    int64_t lag = 0;
    for (const auto& pos : positions_) {
        if (repartition_topic(pos.topic)) {
            continue;  // the lag counted is the source's
        }
        // Cached from fetch responses: no request to the broker.
        auto w = consumer_->cached_watermarks(pos.topic, pos.partition);
        if (w && w->high > pos.offset) {
            lag += w->high - pos.offset;
        }
    }
    counters_.lag.store(lag, std::memory_order_relaxed);
}

result<size_t> query_runner::step() {
    if (transient()) {
        return step_transient();
    }
    if (state_.load() != query_state::running) {
        return error{errc::shutting_down,
                     fmt::format("query {} is {}", plan_.id, query_state_name(state_.load()))};
    }
    batch_.clear();
    rewound_.clear();  // a rewind before this poll concerns no record of it
    // Back before an open output batch is due (our own producer sends only
    // when called).
    auto wait = producer_->max_wait(options_.poll_timeout);
    auto n = consumer_->poll_batch(batch_, options_.max_batch, wait);
    if (!n) {
        fail(n.err());
        return n.take_error();
    }
    if (!rewound_.empty()) {
        drop_rewound(batch_);
    }
    if (state_.load() != query_state::running) {
        return error{errc::io, last_error()};  // a rebalance callback failed it
    }
    if (!batch_.empty() && exactly_once()) {
        if (auto st = begin_transaction(batch_); !st) {
            fail(st.err());
            return st.err();
        }
    }
    if (!batch_.empty()) {
        batch_state b;
        process_under_table_locks(batch_, b);
        if (state_.load() == query_state::failed) {
            return error{errc::io, last_error()};
        }
        // Records of the repartition topic were counted when read from the source.
        counters_.consumed.fetch_add(
            batch_.size() - static_cast<size_t>(std::count_if(
                                batch_.begin(), batch_.end(),
                                [this](const client::message& m) { return from_repartition(m); })),
            std::memory_order_relaxed);
        // Exactly once, the offsets are committed by the transaction.
        if (auto st = exactly_once() ? status() : consumer_->store_offsets(batch_); !st) {
            fail(st.err());
            return st.err();
        }
        if (uncommitted_.records == 0) {
            uncommitted_.since = std::chrono::steady_clock::now();
        }
        uncommitted_.records += batch_.size();
        uncommitted_.outputs += b.outputs;
        uncommitted_.dlq += b.dlq;
        counters_.batches.fetch_add(1, std::memory_order_relaxed);
        update_lag(batch_);
    }
    if (!txn_failed_.empty()) {
        // The transaction takes no more records: abort it now and read its
        // input again.
        if (auto st = deliver_and_commit(); !st) {
            fail(st.err());
            return st.err();
        }
    }
    // Nothing new in a whole poll timeout: caught up, commit. Nothing new
    // before an open output batch was due: send it now, there is nothing to
    // batch it with (the next poll waits the whole timeout).
    bool idle = *n == 0 && wait == options_.poll_timeout;
    if (*n == 0 && !idle) {
        (void)producer_->flush(std::chrono::milliseconds(0));
    } else {
        producer_->poll();  // sends what has lingered long enough, serves acknowledgements
    }
    if (uncommitted_.records > 0 &&
        (idle ||
         std::chrono::steady_clock::now() - uncommitted_.since >= options_.commit_interval)) {
        if (auto st = deliver_and_commit(); !st) {
            fail(st.err());
            return st.err();
        }
    }
    return *n;
}

void query_runner::start() {
    thread_ = std::thread([this] {
        set_thread_name(thread_name_keeping_number("cs:", plan_.id));  // cs:CSAS_ENRIC_3
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
    if (consumer_ && producer_ && state_.load() == query_state::running) {
        if (auto st = deliver_and_commit(); !st) {
            fail(st.err());
        }
    }
    if (producer_ && txn_open_) {
        // Failed with a transaction open: end it now rather than leave
        // read_committed readers waiting for transaction.timeout.ms.
        (void)producer_->abort_transaction(options_.flush_timeout);
        txn_open_ = false;
    }
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

void query_runner::abandon() {
    stop_.store(true);
    if (thread_.joinable()) {
        thread_.join();
    }
    // Not running: the revocation close() triggers commits nothing.
    state_.store(query_state::stopped);
    batch_.clear();
    if (consumer_) {
        (void)consumer_->close();
        consumer_.reset();
    }
    producer_.reset();
    txn_open_ = false;
}

}  // namespace cs::streams
