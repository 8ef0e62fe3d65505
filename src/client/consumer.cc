#include "client/consumer.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include "base/log.h"
#include "client/fetcher.h"
#include "protocol/wire_reader.h"

namespace cs::client {

namespace {

const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("consumer");
    return l;
}

// Conditions librdkafka recovers from by itself (reconnects, re-resolves,
// rejoins): worth a log line, not the end of a consumer.
bool transient(rd_kafka_resp_err_t err) {
    switch (err) {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        case RD_KAFKA_RESP_ERR__TRANSPORT:
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        case RD_KAFKA_RESP_ERR__RESOLVE:
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED:
        case RD_KAFKA_RESP_ERR__NO_OFFSET:
            return true;
        default:
            return false;
    }
}

std::string message_error(const rd_kafka_message_t* m) {
    std::string where;
    if (m->rkt != nullptr) {
        where = m->partition >= 0
                    ? fmt::format("{} [{}]: ", rd_kafka_topic_name(m->rkt), m->partition)
                    : fmt::format("{}: ", rd_kafka_topic_name(m->rkt));
    }
    return fmt::format("{}{}", where, rd_kafka_message_errstr(m));
}

// Header i of a record's encoded header section (after its count): each
// header is varint key length, key, varint value length (-1: null), value.
header_view fetched_header(std::string_view raw, int32_t count, size_t i) {
    kafka::wire_reader r(as_bytes(raw));
    for (size_t k = 0; k < static_cast<size_t>(count); ++k) {
        int32_t key_len = r.read_varint();
        std::string_view key =
            as_string_view(r.read_raw(static_cast<size_t>(std::max(key_len, 0))));
        int32_t value_len = r.read_varint();
        std::optional<std::string_view> value;
        if (value_len >= 0) {
            value = as_string_view(r.read_raw(static_cast<size_t>(value_len)));
        }
        if (r.failed() || key_len < 0) {
            return {};
        }
        if (k == i) {
            return {key, value};
        }
    }
    return {};
}

// librdkafka before 2.1 stops fetching while the consumer's queue holds
// queued.min.messages (its default 100000) and looks again only when its
// broker thread next wakes, up to a second later (2.1 made that wait
// fetch.queue.backoff.ms). A consumer that processes faster than that but
// slower than the fetch (a query, a table load, a sink catching up) was held
// to ~130k records/s (bench/RESULTS.md, enrichment "ours-rdk"). Memory
// stays bounded by queued.max.messages.kbytes (64 MiB by default).
client_settings with_fetch_queue_default(const client_settings& settings) {
    client_settings s = settings;
    if (rd_kafka_version() < 0x020100ff && s.find("queued.min.messages") == nullptr) {
        s.set("queued.min.messages", std::to_string(fetch_queue_min_messages),
              "clickstream default (librdkafka < 2.1 pauses fetching up to 1 s at the default)");
    }
    return s;
}

}  // namespace

std::string_view timestamp_kind_name(timestamp_kind k) {
    switch (k) {
        case timestamp_kind::create_time:
            return "CreateTime";
        case timestamp_kind::log_append_time:
            return "LogAppendTime";
        case timestamp_kind::none:
            break;
    }
    return "NoTimestampType";
}

message::message(message_handle m) : m_(std::move(m)) {
    const rd_kafka_message_t* r = m_.get();
    f_.topic = r->rkt != nullptr ? std::string_view(rd_kafka_topic_name(r->rkt)) : "";
    f_.partition = r->partition;
    f_.offset = r->offset;
    if (r->key != nullptr) {
        f_.key = std::string_view(static_cast<const char*>(r->key), r->key_len);
    }
    if (r->payload != nullptr) {
        f_.value = std::string_view(static_cast<const char*>(r->payload), r->len);
    }
    rd_kafka_timestamp_type_t type;
    f_.timestamp_ms = rd_kafka_message_timestamp(r, &type);
    switch (type) {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME:
            f_.timestamp_type = timestamp_kind::create_time;
            break;
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME:
            f_.timestamp_type = timestamp_kind::log_append_time;
            break;
        case RD_KAFKA_TIMESTAMP_NOT_AVAILABLE:
            f_.timestamp_type = timestamp_kind::none;
            break;
    }
}

size_t message::header_count() const {
    if (!m_) {
        return static_cast<size_t>(f_.header_count);
    }
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m_.get(), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return 0;
    }
    return rd_kafka_header_cnt(hdrs);
}

header_view message::header(size_t i) const {
    if (!m_) {
        return fetched_header(f_.raw_headers, f_.header_count, i);
    }
    rd_kafka_headers_t* hdrs = nullptr;
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    if (rd_kafka_message_headers(m_.get(), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_header_get_all(hdrs, i, &name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {};
    }
    header_view h{name, std::nullopt};
    if (value != nullptr) {
        h.value = std::string_view(static_cast<const char*>(value), size);
    }
    return h;
}

partition_list_handle to_partition_list(const std::vector<topic_partition_offset>& parts) {
    partition_list_handle l(rd_kafka_topic_partition_list_new(static_cast<int>(parts.size())));
    for (const auto& p : parts) {
        rd_kafka_topic_partition_list_add(l.get(), p.topic.c_str(), p.partition)->offset = p.offset;
    }
    return l;
}

std::vector<topic_partition_offset> from_partition_list(const rd_kafka_topic_partition_list_t* l) {
    std::vector<topic_partition_offset> out;
    if (l == nullptr) {
        return out;
    }
    out.reserve(static_cast<size_t>(l->cnt));
    for (int i = 0; i < l->cnt; ++i) {
        out.push_back({l->elems[i].topic, l->elems[i].partition, l->elems[i].offset});
    }
    return out;
}

result<std::unique_ptr<consumer>> consumer::create(const client_settings& settings,
                                                   config::diagnostics& diags,
                                                   rebalance_listener on_rebalance,
                                                   consumer_options options) {
    auto conf = make_conf(with_fetch_queue_default(settings), role::consumer, diags);
    if (!conf.ok()) {
        return conf.take_error();
    }
    std::unique_ptr<consumer> c(new consumer());
    c->listener_ = std::move(on_rebalance);
    rd_kafka_conf_set_rebalance_cb(conf->get(), &consumer::on_rebalance);
    rd_kafka_conf_set_opaque(conf->get(), c.get());
    char errstr[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
    if (rk == nullptr) {
        return error{errc::invalid_argument, fmt::format("cannot create consumer: {}", errstr)};
    }
    (void)conf->release();  // owned by rk now
    c->rk_.reset(rk);
    // Errors and rebalances arrive on the consumer queue, served by poll_batch.
    rd_kafka_poll_set_consumer(rk);
    c->queue_.reset(rd_kafka_queue_get_consumer(rk));
    if (options.builtin_fetch) {
        c->enable_builtin_fetch(settings);
    }
    return c;
}

consumer::~consumer() {
    if (rk_ && !closed_) {
        if (auto st = close(); !st.ok()) {
            logger()->warn("closing consumer {}: {}", rd_kafka_name(rk_.get()), st.message());
        }
    }
    // queue_ is released before rk_ (member order): librdkafka requires every
    // queue reference gone before rd_kafka_destroy.
}

status consumer::subscribe(const std::vector<std::string>& topics) {
    auto list = to_partition_list([&] {
        std::vector<topic_partition_offset> parts;
        for (const auto& t : topics) {
            parts.push_back({t, RD_KAFKA_PARTITION_UA, offset_stored});
        }
        return parts;
    }());
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_.get(), list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {errc::invalid_argument,
                fmt::format("cannot subscribe to {}: {}", fmt::join(topics, ", "),
                            rd_kafka_err2str(err))};
    }
    return {};
}

status consumer::assign(const std::vector<topic_partition_offset>& partitions) {
    auto list = to_partition_list(partitions);
    rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {errc::invalid_argument,
                fmt::format("cannot assign partitions: {}", rd_kafka_err2str(err))};
    }
    return {};
}

result<size_t> consumer::poll_batch(std::vector<message>& out, size_t max,
                                    std::chrono::milliseconds timeout) {
    size_t appended = 0;
    std::optional<error> failure;
    auto take = [&](rd_kafka_message_t* raw) {
        message_handle m(raw);
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (fetcher_ && m->rkt != nullptr &&
                fetcher_->position({rd_kafka_topic_name(m->rkt), m->partition})) {
                // librdkafka fetched it before the pause took effect: the
                // fetcher reads this partition (from the committed offset).
                return;
            }
            out.emplace_back(std::move(m));
            ++appended;
        } else if (transient(m->err)) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                logger()->warn("{} (retrying)", message_error(m.get()));
            }
        } else if (!failure) {
            failure = error{
                m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ? errc::not_found : errc::io,
                message_error(m.get())};
        }
    };
    if (max == 0) {
        return size_t{0};
    }
    // With the built-in fetch, librdkafka's queue carries the rebalances and
    // errors (the group's partitions are paused in it): served without
    // waiting while the fetcher has partitions to wait on instead, and
    // looked at again at least every queue_check, so neither a rebalance
    // nor the fetch of a new assignment waits for a long poll timeout.
    constexpr std::chrono::milliseconds queue_check{100};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto remaining = std::max(std::chrono::milliseconds(0),
                                  std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now()));
        auto wait = !fetcher_           ? remaining
                    : fetcher_->empty() ? std::min(remaining, queue_check)
                                        : std::chrono::milliseconds(0);
        if (rd_kafka_message_t* first =
                rd_kafka_consumer_poll(rk_.get(), static_cast<int>(wait.count()))) {
            take(first);
            // Whatever else is already fetched comes in one call, without waiting.
            while (appended < max && !failure) {
                size_t want = max - appended;
                scratch_.resize(want);
                ssize_t n = rd_kafka_consume_batch_queue(queue_.get(), 0, scratch_.data(), want);
                if (n <= 0) {
                    break;
                }
                for (ssize_t i = 0; i < n; ++i) {
                    take(scratch_[static_cast<size_t>(i)]);
                }
            }
        }
        if (fetcher_ && !failure) {
            failure = std::exchange(fetch_failure_, std::nullopt);
        }
        if (fetcher_ && !failure && !fetcher_->empty() && appended < max) {
            auto n = fetcher_->poll(out, max - appended, std::min(remaining, queue_check));
            if (n) {
                appended += *n;
            } else {
                failure = n.take_error();
            }
        }
        if (fetcher_ && appended == 0 && !failure && remaining > queue_check) {
            continue;
        }
        break;
    }
    // Records taken before a failure are still returned; the failure is what
    // the caller sees on an empty batch.
    if (failure && appended == 0) {
        return std::move(*failure);
    }
    if (failure) {
        logger()->error("{}", failure->message);
    }
    return appended;
}

status consumer::store_offsets(std::span<const message> msgs) {
    if (msgs.empty()) {
        return {};
    }
    partition_list_handle list(rd_kafka_topic_partition_list_new(4));
    rd_kafka_topic_partition_t* last = nullptr;
    std::string topic;  // NUL-terminated copy of the current run's topic
    for (const auto& m : msgs) {
        if (last == nullptr || last->partition != m.partition() || topic != m.topic()) {
            topic.assign(m.topic());
            last = rd_kafka_topic_partition_list_find(list.get(), topic.c_str(), m.partition());
            if (last == nullptr) {
                last = rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), m.partition());
            }
        }
        last->offset = std::max(last->offset, m.offset() + 1);
    }
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk_.get(), list.get());
    if (err == RD_KAFKA_RESP_ERR__INVALID_ARG) {
        return {errc::invalid_argument,
                "storing offsets needs enable.auto.offset.store=false in the consumer settings"};
    }
    for (int i = 0; i < list->cnt; ++i) {
        const auto& e = list->elems[i];
        if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR && e.err != RD_KAFKA_RESP_ERR__STATE) {
            return {errc::io, fmt::format("{} [{}]: storing offset {}: {}", e.topic, e.partition,
                                          e.offset, rd_kafka_err2str(e.err))};
        }
    }
    return {};
}

status consumer::commit(commit_mode mode) {
    rd_kafka_resp_err_t err =
        rd_kafka_commit(rk_.get(), nullptr, mode == commit_mode::async ? 1 : 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        return {errc::io, fmt::format("commit failed: {}", rd_kafka_err2str(err))};
    }
    return {};
}

status consumer::commit(const std::vector<topic_partition_offset>& offsets, commit_mode mode) {
    auto list = to_partition_list(offsets);
    rd_kafka_resp_err_t err =
        rd_kafka_commit(rk_.get(), list.get(), mode == commit_mode::async ? 1 : 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {errc::io, fmt::format("commit failed: {}", rd_kafka_err2str(err))};
    }
    if (mode == commit_mode::sync) {
        for (int i = 0; i < list->cnt; ++i) {
            const auto& e = list->elems[i];
            if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                return {errc::io, fmt::format("{} [{}]: commit of offset {} failed: {}", e.topic,
                                              e.partition, e.offset, rd_kafka_err2str(e.err))};
            }
        }
    }
    return {};
}

result<std::vector<topic_partition_offset>> consumer::committed(
    const std::vector<topic_partition_offset>& partitions, std::chrono::milliseconds timeout) {
    auto list = to_partition_list(partitions);
    rd_kafka_resp_err_t err =
        rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{err == RD_KAFKA_RESP_ERR__TIMED_OUT ? errc::timed_out : errc::io,
                     fmt::format("fetching committed offsets: {}", rd_kafka_err2str(err))};
    }
    return from_partition_list(list.get());
}

result<std::vector<topic_partition_offset>> consumer::assignment() const {
    rd_kafka_topic_partition_list_t* raw = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_assignment(rk_.get(), &raw);
    partition_list_handle list(raw);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{errc::io, fmt::format("assignment: {}", rd_kafka_err2str(err))};
    }
    return from_partition_list(list.get());
}

result<std::vector<topic_partition_offset>> consumer::position(
    const std::vector<topic_partition_offset>& partitions) const {
    auto list = to_partition_list(partitions);
    rd_kafka_resp_err_t err = rd_kafka_position(rk_.get(), list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{errc::io, fmt::format("position: {}", rd_kafka_err2str(err))};
    }
    for (int i = 0; i < list->cnt; ++i) {
        if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            list->elems[i].offset = -1;
        }
    }
    return from_partition_list(list.get());
}

status consumer::close() {
    if (closed_) {
        return {};
    }
    closed_ = true;
    rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {errc::io, fmt::format("closing consumer: {}", rd_kafka_err2str(err))};
    }
    return {};
}

void consumer::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* parts, void* opaque) {
    static_cast<consumer*>(opaque)->handle_rebalance(err, parts);
}

void consumer::handle_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    rd_kafka_t* rk = rk_.get();
    // NULL or "NONE" when the group is no longer valid (the final revoke of a
    // close can see it): the protocol of the last rebalance still applies.
    const char* protocol = rd_kafka_rebalance_protocol(rk);
    if (protocol != nullptr && std::strcmp(protocol, "NONE") != 0) {
        last_cooperative_ = std::strcmp(protocol, "COOPERATIVE") == 0;
    }
    const bool cooperative = last_cooperative_;
    rebalance_event ev;
    ev.cooperative = cooperative;
    ev.partitions = from_partition_list(parts);
    // The listener runs inside a C callback: nothing may unwind through it.
    auto notify = [&] {
        if (!listener_) {
            return;
        }
        try {
            listener_(ev);
        } catch (const std::exception& e) {
            logger()->error("rebalance listener threw: {}", e.what());
        }
    };
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (cooperative) {
            error_handle e(rd_kafka_incremental_assign(rk, parts));
            if (e) {
                logger()->error("incremental assign: {}", rd_kafka_error_string(e.get()));
            }
        } else {
            rd_kafka_resp_err_t r = rd_kafka_assign(rk, parts);
            if (r != RD_KAFKA_RESP_ERR_NO_ERROR) {
                logger()->error("assign: {}", rd_kafka_err2str(r));
            }
        }
        if (fetcher_) {
            fetch_assigned(parts);
        }
        ev.what = rebalance_event::kind::assigned;
        logger()->debug("assigned {} partition(s) ({})", ev.partitions.size(),
                        cooperative ? "cooperative" : "eager");
        notify();
        return;
    }
    if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        logger()->error("rebalance failed: {}", rd_kafka_err2str(err));
    }
    ev.what = rebalance_event::kind::revoked;
    ev.lost = rd_kafka_assignment_lost(rk) != 0;
    notify();
    if (fetcher_) {
        fetch_revoked(parts, !cooperative);
    }
    // Whichever call librdkafka's state wants: if the one of the last
    // protocol is refused (the group changed state under a close), the other.
    auto incremental = [&] {
        error_handle e(rd_kafka_incremental_unassign(rk, parts));
        return e ? std::string(rd_kafka_error_string(e.get())) : std::string();
    };
    auto eager = [&] {
        rd_kafka_resp_err_t r = rd_kafka_assign(rk, nullptr);
        return r != RD_KAFKA_RESP_ERR_NO_ERROR ? std::string(rd_kafka_err2str(r)) : std::string();
    };
    std::string first = cooperative ? incremental() : eager();
    if (!first.empty()) {
        std::string second = cooperative ? eager() : incremental();
        if (!second.empty()) {
            logger()->error("unassigning revoked partitions: {}; {}", first, second);
        }
    }
}

}  // namespace cs::client
