#include "client/direct_producer.h"

#include <algorithm>
#include <deque>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <poll.h>

#include "base/log.h"
#include "client/kafka_connection.h"
#include "protocol/error_code.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/produce.h"

namespace cs::client {

namespace {

using clock = std::chrono::steady_clock;
using kafka::error_code;

const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("producer");
    return l;
}

// Produce v3 is the first with RecordBatch v2; v8 the last before flexible
// versions (v9) that this codec describes.
constexpr int16_t min_produce_version = 3;
constexpr int16_t max_produce_version = 8;
constexpr auto log_interval = std::chrono::seconds(10);
constexpr auto topic_propagation = std::chrono::seconds(5);
// A Produce response is small; this bounds what a broker may make us read.
constexpr size_t max_response_frame = 16u << 20;

}  // namespace

struct direct_producer::impl {
    struct batch {
        bytes data;
        int32_t records = 0;
        uint64_t payload = 0;  // key + value bytes
        clock::time_point created;
        clock::time_point not_before{};
        int attempts = 0;
    };

    struct partition {
        std::string topic;
        int32_t id = 0;
        std::string leader;  // key of brokers; empty: to be resolved
        clock::time_point resolve_at{};
        kafka::record_batch_writer open;
        uint64_t open_payload = 0;
        clock::time_point open_since{};
        std::deque<batch> queue;  // closed, in order; the front goes next
        bool in_flight = false;
    };

    struct topic {
        std::map<int32_t, std::unique_ptr<partition>> parts;
    };

    struct sent_batch {
        partition* p = nullptr;
        batch b;
    };

    struct request {
        bool api_versions = false;
        int16_t version = 0;
        clock::time_point deadline;
        std::vector<sent_batch> batches;
    };

    struct broker {
        broker_address addr;
        std::string name;
        std::unique_ptr<kafka_connection> conn;
        clock::time_point retry_at{};
        bool versions_known = false;
        int16_t produce_version = 0;
        std::optional<request> pending;
    };

    produce_options opt;
    topic_layout_source layout;
    delivery_sink sink;
    std::map<std::string, topic, std::less<>> topics;
    std::pair<const std::string, topic>* last_topic = nullptr;  // see topic_named()
    std::map<std::string, broker> brokers;
    uint64_t accepted = 0;
    uint64_t reported = 0;
    uint64_t accepted_bytes = 0;  // key + value
    uint64_t reported_bytes = 0;
    produce_counters counters;
    log_limiter log_limits{log_interval};

    impl(produce_options o, topic_layout_source l, delivery_sink s)
        : opt(std::move(o)), layout(std::move(l)), sink(std::move(s)) {}

    // ---- topics and leaders ----

    // Asks the layout source about t and records every partition's leader.
    status refresh(const std::string& name, clock::time_point now) {
        auto parts = layout(name);
        if (!parts) {
            return parts.err();
        }
        topic& t = topics[name];
        for (const auto& pl : *parts) {
            auto& slot = t.parts[pl.partition];
            if (!slot) {
                slot = std::make_unique<partition>();
                slot->topic = name;
                slot->id = pl.partition;
                slot->open = kafka::record_batch_writer(opt.codec);
            }
            if (!pl.leader) {
                slot->leader.clear();
                slot->resolve_at = now + opt.reconnect_backoff;
                continue;
            }
            std::string bname =
                broker_display_name(pl.leader->host, pl.leader->port, pl.leader->id);
            auto [bit, fresh] = brokers.try_emplace(bname);
            if (fresh) {
                bit->second.addr = *pl.leader;
                bit->second.name = bname;
            }
            slot->leader = bname;
        }
        return {};
    }

    void resolve_leaders(clock::time_point now) {
        std::vector<std::string> ask;
        for (auto& [name, t] : topics) {
            for (auto& [id, p] : t.parts) {
                if (p->leader.empty() && !p->queue.empty() && p->resolve_at <= now) {
                    ask.push_back(name);
                    break;
                }
            }
        }
        for (const auto& name : ask) {
            if (auto st = refresh(name, now); !st) {
                if (log_limits.should_log("layout " + name, now)) {
                    logger()->warn("looking up the leaders of {}: {}", name, st.message());
                }
                for (auto& [id, p] : topics[name].parts) {
                    if (p->leader.empty()) {
                        p->resolve_at = now + opt.reconnect_backoff;
                    }
                }
            }
        }
    }

    // The topic named t, or nullptr. The last one found is remembered: a
    // query writes one topic record after record (map nodes stay where they
    // are, and no topic is erased).
    topic* topic_named(std::string_view t) {
        if (last_topic != nullptr && last_topic->first == t) {
            return &last_topic->second;
        }
        auto it = topics.find(t);
        if (it == topics.end()) {
            return nullptr;
        }
        last_topic = &*it;
        return &it->second;
    }

    partition* find(std::string_view t, int32_t id) {
        topic* tp = topic_named(t);
        if (tp == nullptr) {
            return nullptr;
        }
        auto p = tp->parts.find(id);
        return p == tp->parts.end() ? nullptr : p->second.get();
    }

    // ---- reports ----

    void report(uint64_t records, uint64_t payload, std::string error) {
        reported += records;
        reported_bytes += payload;
        sink({records, payload, std::move(error)});
    }

    // b failed for good: its records are reported failed.
    void fail(const partition& p, const batch& b, std::string why) {
        if (log_limits.should_log("fail " + p.topic, clock::now())) {
            logger()->warn("{} [{}]: {} records failed: {}", p.topic, p.id, b.records, why);
        }
        report(static_cast<uint64_t>(b.records), b.payload, std::move(why));
    }

    // b is tried again after the backoff unless retries or the delivery
    // timeout ran out; it goes back to the front of p's queue (order kept).
    void retry(partition& p, batch b, const std::string& why, bool lost_leader,
               clock::time_point now) {
        p.in_flight = false;
        if (lost_leader) {
            p.leader.clear();
            p.resolve_at = now + opt.retry_backoff;
        }
        if (b.attempts > opt.retries) {
            fail(p, b, fmt::format("{} (after {} retries)", why, opt.retries));
            return;
        }
        if (now - b.created >= opt.delivery_timeout) {
            fail(p, b, fmt::format("Local: Message timed out ({})", why));
            return;
        }
        ++counters.retries;
        if (log_limits.should_log(fmt::format("retry {} {}", p.topic, p.id), now)) {
            logger()->info("{} [{}]: {}; retrying after {} ms", p.topic, p.id, why,
                           opt.retry_backoff.count());
        }
        b.not_before = now + opt.retry_backoff;
        p.queue.push_front(std::move(b));
    }

    // ---- batches ----

    void close_open(partition& p) {
        if (p.open.empty()) {
            return;
        }
        const int32_t n = p.open.record_count();
        const uint64_t payload = p.open_payload;
        auto data = p.open.finish();
        p.open_payload = 0;
        if (!data) {
            report(static_cast<uint64_t>(n), payload,
                   fmt::format("Local: compression failed: {}", data.err().message));
            return;
        }
        p.queue.push_back({std::move(*data), n, payload, p.open_since});
    }

    void close_all() {
        for (auto& [name, t] : topics) {
            for (auto& [id, p] : t.parts) {
                close_open(*p);
            }
        }
    }

    void close_lingering(clock::time_point now) {
        for (auto& [name, t] : topics) {
            for (auto& [id, p] : t.parts) {
                if (!p->open.empty() && now - p->open_since >= opt.linger) {
                    close_open(*p);
                }
            }
        }
    }

    // Batches that wait for a leader longer than the delivery timeout fail.
    void expire_queued(clock::time_point now) {
        for (auto& [name, t] : topics) {
            for (auto& [id, p] : t.parts) {
                while (!p->in_flight && !p->queue.empty() &&
                       now - p->queue.front().created >= opt.delivery_timeout) {
                    fail(*p, p->queue.front(),
                         p->leader.empty() ? "Local: Message timed out (no leader known)"
                                           : "Local: Message timed out");
                    p->queue.pop_front();
                }
            }
        }
    }

    // ---- brokers ----

    void connection_failed(broker& b, clock::time_point now, const std::string& why) {
        if (log_limits.should_log("conn " + b.name, now)) {
            logger()->warn("broker {}: {}; reconnecting after {} ms", b.name, why,
                           opt.reconnect_backoff.count());
        }
        b.conn.reset();
        b.versions_known = false;
        b.retry_at = now + opt.reconnect_backoff;
        if (b.pending) {
            auto sent = std::move(b.pending->batches);
            b.pending.reset();
            // Back to the queues in reverse, so each partition's order holds.
            for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
                retry(*it->p, std::move(it->b), "connection to " + b.name + " lost: " + why, true,
                      now);
            }
        }
        for (auto& [name, t] : topics) {
            for (auto& [id, p] : t.parts) {
                if (p->leader == b.name) {
                    p->leader.clear();
                    p->resolve_at = now + opt.reconnect_backoff;
                }
            }
        }
    }

    // Encodes and sends req as b's pending request r; `encoded` runs right
    // after encoding, before a failed connection is handled.
    template <class Req, class Encoded = void (*)()>
    bool send(
        broker& b, const Req& req, request r, clock::time_point now, Encoded&& encoded = [] {}) {
        r.deadline = now + opt.request_timeout + std::chrono::seconds(1);
        int16_t version = r.version;
        b.pending = std::move(r);
        auto st = b.conn->send(req, version);
        encoded();
        if (!st) {
            connection_failed(b, now, st.message());
            return false;
        }
        return true;
    }

    // Sends b's next request when none is in flight: ApiVersions on a new
    // connection, then a Produce of the front batch of each partition it
    // leads, up to message.max.bytes.
    void service(broker& b, clock::time_point now) {
        if (b.pending) {
            return;
        }
        std::vector<partition*> ready;
        for (auto& [name, t] : topics) {
            for (auto& [id, p] : t.parts) {
                if (p->leader == b.name && !p->in_flight && !p->queue.empty() &&
                    p->queue.front().not_before <= now) {
                    ready.push_back(p.get());
                }
            }
        }
        if (ready.empty()) {
            return;
        }
        if (!b.conn) {
            if (now < b.retry_at) {
                return;
            }
            ++counters.reconnects;
            auto c = kafka_connection::open(b.addr.host, b.addr.port,
                                            {opt.client_id, max_response_frame});
            if (!c) {
                connection_failed(b, now, c.err().message);
                return;
            }
            b.conn = std::move(*c);
        }
        if (!b.versions_known) {
            request av;
            av.api_versions = true;
            send(b, kafka::api_versions_request{}, std::move(av), now);
            return;
        }
        kafka::produce_request req;
        req.acks = opt.acks;
        req.timeout_ms = static_cast<int32_t>(opt.request_timeout.count());
        request r;
        r.version = b.produce_version;
        size_t bytes_in = 0;
        for (partition* p : ready) {
            const batch& front = p->queue.front();
            if (!r.batches.empty() &&
                bytes_in + front.data.size() > static_cast<size_t>(opt.max_request_size)) {
                continue;  // in the next request
            }
            bytes_in += front.data.size();
            p->in_flight = true;
            r.batches.push_back({p, std::move(p->queue.front())});
            p->queue.pop_front();
        }
        // The request borrows the batches' bytes while it is encoded (the
        // one copy, into the connection's buffer) and gives them back: the
        // batches keep them for a retry.
        for (auto& sb : r.batches) {
            if (req.topic_data.empty() || req.topic_data.back().name != sb.p->topic) {
                req.topic_data.push_back({sb.p->topic, {}});
            }
            req.topic_data.back().partition_data.push_back({sb.p->id, std::move(sb.b.data)});
            ++sb.b.attempts;
        }
        auto give_back = [&] {
            size_t i = 0;
            for (auto& td : req.topic_data) {
                for (auto& pd : td.partition_data) {
                    b.pending->batches[i++].b.data = std::move(*pd.records);
                }
            }
        };
        if (send(b, req, std::move(r), now, give_back)) {
            ++counters.requests;
        }
    }

    void service_all(clock::time_point now) {
        for (auto& [name, b] : brokers) {
            service(b, now);
        }
    }

    void step(clock::time_point now) {
        expire_queued(now);
        resolve_leaders(now);
        service_all(now);
    }

    // ---- responses ----

    void on_api_versions(broker& b, const kafka_connection::response& r, clock::time_point now) {
        kafka::api_versions_response resp;
        if (auto st = decode_response(resp, r); !st) {
            connection_failed(b, now, "bad ApiVersions response: " + st.message());
            return;
        }
        if (resp.error_code != 0) {
            connection_failed(
                b, now,
                fmt::format("ApiVersions: {}",
                            kafka::error_code_name(static_cast<error_code>(resp.error_code))));
            return;
        }
        int16_t v = pick_version(resp, kafka::api_key::produce, max_produce_version);
        if (v < min_produce_version) {
            std::string why = fmt::format(
                "broker {} does not support Produce v{}+ (RecordBatch v2); its best is v{}", b.name,
                min_produce_version, v);
            logger()->error("{}", why);
            for (auto& [name, t] : topics) {
                for (auto& [id, p] : t.parts) {
                    while (p->leader == b.name && !p->queue.empty()) {
                        fail(*p, p->queue.front(), why);
                        p->queue.pop_front();
                    }
                }
            }
            b.conn.reset();
            return;
        }
        b.produce_version = v;
        b.versions_known = true;
        logger()->debug("broker {}: Produce v{}", b.name, v);
    }

    void on_produce(broker& b, request& req, const kafka_connection::response& r,
                    clock::time_point now) {
        kafka::produce_response resp;
        if (auto st = decode_response(resp, r); !st) {
            // The batches may or may not be written: retried (at least once).
            b.pending = std::move(req);
            connection_failed(b, now, "bad Produce response: " + st.message());
            return;
        }
        for (auto& sb : req.batches) {
            const kafka::produce_response::topic_produce_response::partition_produce_response*
                found = nullptr;
            for (const auto& t : resp.responses) {
                if (t.name != sb.p->topic) {
                    continue;
                }
                for (const auto& pr : t.partition_responses) {
                    if (pr.index == sb.p->id) {
                        found = &pr;
                    }
                }
            }
            partition& p = *sb.p;
            if (found == nullptr) {
                retry(p, std::move(sb.b), "no answer for the partition in the Produce response",
                      true, now);
                continue;
            }
            auto ec = static_cast<error_code>(found->error_code);
            if (ec == error_code::none) {
                p.in_flight = false;
                ++counters.batches;
                report(static_cast<uint64_t>(sb.b.records), sb.b.payload, {});
                continue;
            }
            std::string why = fmt::format("Broker: {}", kafka::error_code_name(ec));
            if (found->error_message && !found->error_message->empty()) {
                why += ": " + *found->error_message;
            }
            if (kafka::is_retriable(ec) || leader_may_have_moved(ec)) {
                retry(p, std::move(sb.b), why, leader_may_have_moved(ec), now);
            } else {
                p.in_flight = false;
                fail(p, sb.b, why);
            }
        }
    }

    void on_response(broker& b, const kafka_connection::response& r, clock::time_point now) {
        request req = std::move(*b.pending);
        b.pending.reset();
        if (req.api_versions) {
            on_api_versions(b, r, now);
        } else {
            on_produce(b, req, r, now);
        }
    }

    clock::time_point next_timer(clock::time_point until) const {
        clock::time_point t = until;
        for (const auto& [n, b] : brokers) {
            if (!b.conn) {
                t = std::min(t, b.retry_at);
            }
            if (b.pending) {
                t = std::min(t, b.pending->deadline);
            }
        }
        for (const auto& [name, tp] : topics) {
            for (const auto& [id, p] : tp.parts) {
                if (!p->queue.empty()) {
                    t = std::min(t, std::max(p->queue.front().not_before, p->resolve_at));
                }
                if (!p->open.empty()) {
                    t = std::min(t, p->open_since + opt.linger);
                }
            }
        }
        return t;
    }

    // Waits for socket events or a timer, at most until `until`, and handles
    // what arrived; sends a broker's next request as soon as it answered.
    void wait(clock::time_point until) {
        serve_connections(
            brokers, next_timer(until),
            [&](broker& b, const kafka_connection::response& r) {
                on_response(b, r, clock::now());
            },
            [&](broker& b) { service(b, clock::now()); },
            [&](broker& b, const std::string& why) { connection_failed(b, clock::now(), why); });
    }

    // ---- the public operations ----

    result<int32_t> partition_count(std::string_view topic_name) {
        if (const topic* tp = topic_named(topic_name); tp != nullptr && !tp->parts.empty()) {
            return static_cast<int32_t>(tp->parts.size());
        }
        auto it = topics.find(topic_name);
        if (it == topics.end() || it->second.parts.empty()) {
            // A topic being created answers LEADER_NOT_AVAILABLE for a moment:
            // asked again for up to topic_propagation; an unknown topic is an
            // error at once.
            const std::string name(topic_name);
            auto until = clock::now() + topic_propagation;
            status st = refresh(name, clock::now());
            while (!st && st.code() != errc::not_found && clock::now() < until) {
                std::this_thread::sleep_for(opt.retry_backoff);
                st = refresh(name, clock::now());
            }
            if (!st) {
                return st.err();
            }
            it = topics.find(name);
        }
        return static_cast<int32_t>(it->second.parts.size());
    }

    status append(std::string_view t, int32_t id, std::optional<std::string_view> key,
                  std::optional<std::string_view> value, std::span<const header> headers,
                  int64_t ts) {
        partition* p = find(t, id);
        if (p == nullptr) {
            if (auto st = refresh(std::string(t), clock::now()); !st) {
                return st;
            }
            p = find(t, id);
            if (p == nullptr) {
                return status(
                    errc::not_found,
                    fmt::format("Local: Unknown partition: {} has no partition {}", t, id));
            }
        }
        size_t header_bytes = 0;
        for (const auto& h : headers) {
            header_bytes += h.key.size() + (h.value ? h.value->size() : 0) + 10;
        }
        const size_t klen = key ? key->size() : 0;
        const size_t vlen = value ? value->size() : 0;
        const size_t est =
            kafka::record_batch_writer::record_size_estimate(klen, vlen, header_bytes);
        if (est + kafka::batch_layout::header_size > static_cast<size_t>(opt.max_request_size)) {
            return status(errc::too_large,
                          fmt::format("Broker: Message size too large: a record of {} bytes is "
                                      "more than message.max.bytes={}",
                                      est, opt.max_request_size));
        }
        wait_for_room(klen + vlen);
        // The clock is read only when a batch closes or opens (not per record).
        if (!p->open.empty() && p->open.size() + est > static_cast<size_t>(opt.batch_size)) {
            close_open(*p);
            if (!p->leader.empty()) {
                service(brokers[p->leader], clock::now());
            }
        }
        if (p->open.empty()) {
            p->open_since = clock::now();
        }
        p->open.append(ts, key, value, headers);
        p->open_payload += klen + vlen;
        ++accepted;
        accepted_bytes += klen + vlen;
        return {};
    }

    bool full(uint64_t more_bytes) const {
        return accepted - reported >= static_cast<uint64_t>(opt.max_buffered_records) ||
               (accepted_bytes - reported_bytes + more_bytes) / 1024 >=
                   static_cast<uint64_t>(opt.max_buffered_kbytes);
    }

    // Sends what is buffered and serves responses until a record of
    // `more_bytes` fits under the buffer limits. Every buffered record ends
    // reported (delivered, or failed by message.timeout.ms), so this ends.
    void wait_for_room(uint64_t more_bytes) {
        if (!full(more_bytes) || accepted == reported) {
            return;
        }
        close_all();
        while (full(more_bytes) && accepted != reported) {
            step(clock::now());
            wait(clock::now() + std::chrono::milliseconds(100));
        }
    }

    void poll(std::chrono::milliseconds timeout) {
        auto deadline = clock::now() + timeout;
        auto now = clock::now();
        close_lingering(now);
        step(now);
        wait(deadline);
        now = clock::now();
        close_lingering(now);
        step(now);
    }

    status flush(std::chrono::milliseconds timeout) {
        auto deadline = clock::now() + timeout;
        close_all();
        while (true) {
            auto now = clock::now();
            step(now);
            if (accepted == reported) {
                return {};
            }
            if (now >= deadline) {
                return status(errc::timed_out, fmt::format("{} records still in flight after {} ms",
                                                           accepted - reported, timeout.count()));
            }
            wait(deadline);
        }
    }
};

direct_producer::direct_producer(produce_options options, topic_layout_source layout,
                                 delivery_sink sink)
    : impl_(std::make_unique<impl>(std::move(options), std::move(layout), std::move(sink))) {}

direct_producer::~direct_producer() = default;

result<int32_t> direct_producer::partition_count(std::string_view topic) {
    return impl_->partition_count(topic);
}

status direct_producer::append(std::string_view topic, int32_t partition,
                               std::optional<std::string_view> key,
                               std::optional<std::string_view> value,
                               std::span<const header> headers, int64_t timestamp_ms) {
    return impl_->append(topic, partition, key, value, headers, timestamp_ms);
}

void direct_producer::poll(std::chrono::milliseconds timeout) {
    impl_->poll(timeout);
}

status direct_producer::flush(std::chrono::milliseconds timeout) {
    return impl_->flush(timeout);
}

std::optional<std::chrono::steady_clock::time_point> direct_producer::next_linger_deadline() const {
    std::optional<std::chrono::steady_clock::time_point> t;
    for (const auto& [name, tp] : impl_->topics) {
        for (const auto& [id, p] : tp.parts) {
            if (!p->open.empty() && (!t || p->open_since + impl_->opt.linger < *t)) {
                t = p->open_since + impl_->opt.linger;
            }
        }
    }
    return t;
}

uint64_t direct_producer::in_flight() const {
    return impl_->accepted - impl_->reported;
}

produce_counters direct_producer::counters() const {
    return impl_->counters;
}

}  // namespace cs::client
