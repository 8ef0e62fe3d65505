#include "client/fetcher.h"

#include <algorithm>
#include <deque>
#include <map>

#include <fmt/format.h>
#include <poll.h>

#include "base/log.h"
#include "client/fetch_decoder.h"
#include "client/kafka_connection.h"
#include "protocol/error_code.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/list_offsets.h"

namespace cs::client {

namespace {

using clock = std::chrono::steady_clock;
using kafka::error_code;

const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("fetcher");
    return l;
}

constexpr int16_t max_fetch_version = 11;
constexpr int16_t min_fetch_version = 4;
constexpr int16_t max_list_offsets_version = 5;
constexpr int16_t min_list_offsets_version = 1;
// Room above fetch.max.bytes for a response's own fields (and the one batch
// a broker returns whole even when it is larger than the limit).
constexpr size_t frame_slack = 1u << 20;
// The same transient problem is logged at most this often.
constexpr auto log_interval = std::chrono::seconds(10);

// ListOffsets' timestamp for a reset policy; nullopt for "none"/"error".
std::optional<int64_t> reset_timestamp(const std::string& policy) {
    if (policy == "earliest" || policy == "smallest" || policy == "beginning") {
        return -2;
    }
    if (policy == "latest" || policy == "largest" || policy == "end") {
        return -1;
    }
    return std::nullopt;
}

std::string_view error_name(int16_t ec) {
    return kafka::error_code_name(static_cast<error_code>(ec));
}

}  // namespace

struct fetcher::impl {
    using key = std::pair<std::string, int32_t>;

    struct partition {
        topic_partition tp;
        int64_t fetch_offset = 0;  // next to fetch; offset_beginning/offset_end until resolved
        int64_t position = 0;      // next to hand out
        std::string leader;        // key of brokers; empty: to be resolved
        std::string last_leader;
        clock::time_point resolve_at{};
        uint64_t inflight_seq = 0;  // the request it is in; 0: none
        bool resetting = false;     // fetch_offset < 0 because of auto.offset.reset
        bool failed = false;        // a permanent error was reported: not fetched any more
        int buffered_chunks = 0;
        std::optional<partition_watermarks> marks;
    };

    enum class request_kind { api_versions, list_offsets, fetch };
    struct request {
        request_kind kind = request_kind::api_versions;
        uint64_t seq = 0;
        int16_t version = 0;
        clock::time_point deadline;
        std::vector<key> parts;
    };

    struct broker {
        broker_address addr;
        std::string name;
        std::unique_ptr<kafka_connection> conn;
        clock::time_point retry_at{};
        bool versions_known = false;
        int16_t fetch_version = 0;
        int16_t list_offsets_version = 0;
        std::optional<request> pending;  // at most one request in flight
    };

    // Records of one partition from one response, not handed out yet.
    struct chunk {
        partition* p = nullptr;
        std::vector<message> msgs;
        size_t next = 0;
    };

    struct fetched_response : fetched_buffers {
        kafka::fetch_response resp;
    };

    fetch_options opt;
    leader_resolver resolver;
    std::map<key, partition> parts;
    std::map<std::string, broker> brokers;
    std::deque<chunk> ready;
    std::optional<error> failure;
    fetch_counters counters;
    uint64_t next_seq = 1;
    log_limiter log_limits{log_interval};

    impl(fetch_options o, leader_resolver r) : opt(std::move(o)), resolver(std::move(r)) {}

    static key key_of(const topic_partition& tp) { return {tp.topic, tp.partition}; }

    partition* find(const key& k) {
        auto it = parts.find(k);
        return it == parts.end() ? nullptr : &it->second;
    }

    bool should_log(const std::string& what, clock::time_point now) {
        return log_limits.should_log(what, now);
    }

    void drop_chunks(const partition* p) {
        std::erase_if(ready, [p](const chunk& c) { return c.p == p; });
    }

    // ---- partitions ----

    void add(const topic_partition& tp, int64_t offset) {
        auto [it, fresh] = parts.try_emplace(key_of(tp));
        partition& p = it->second;
        if (!fresh) {
            drop_chunks(&p);
        }
        std::string leader = fresh ? std::string() : p.leader;
        std::string last_leader = fresh ? std::string() : p.last_leader;
        p = partition{};
        p.tp = tp;
        p.fetch_offset = offset;
        p.position = offset;
        p.leader = std::move(leader);
        p.last_leader = std::move(last_leader);
    }

    void remove(const topic_partition& tp) {
        auto it = parts.find(key_of(tp));
        if (it == parts.end()) {
            return;
        }
        drop_chunks(&it->second);
        parts.erase(it);
    }

    // A permanent error of p: it is not fetched any more; poll reports it.
    void fail(partition& p, error e) {
        p.failed = true;
        logger()->error("{}", e.message);
        if (!failure) {
            failure = std::move(e);
        }
    }

    void lost_leader(partition& p, clock::time_point now, std::string_view why) {
        if (should_log(fmt::format("leader {} {}", p.tp.topic, p.tp.partition), now)) {
            logger()->warn("{} [{}]: {} from {}; looking up its leader again", p.tp.topic,
                           p.tp.partition, why, p.leader);
        }
        p.leader.clear();
        p.resolve_at = now + opt.reconnect_backoff;
    }

    // ---- hand-out ----

    size_t hand_out(std::vector<message>& out, size_t max) {
        size_t n = 0;
        while (n < max && !ready.empty()) {
            chunk& c = ready.front();
            size_t take = std::min(max - n, c.msgs.size() - c.next);
            for (size_t i = 0; i < take; ++i) {
                out.push_back(std::move(c.msgs[c.next + i]));
            }
            c.next += take;
            n += take;
            if (take > 0) {
                c.p->position = out.back().offset() + 1;
            }
            if (c.next == c.msgs.size()) {
                if (--c.p->buffered_chunks == 0) {
                    c.p->position = c.p->fetch_offset;
                }
                ready.pop_front();
            }
        }
        counters.records += n;
        return n;
    }

    // ---- brokers ----

    static std::string broker_name(const broker_address& a) {
        return broker_display_name(a.host, a.port, a.id);
    }

    void resolve_leaders(clock::time_point now) {
        std::vector<topic_partition> ask;
        for (auto& [k, p] : parts) {
            if (p.leader.empty() && !p.failed && p.resolve_at <= now) {
                ask.push_back(p.tp);
            }
        }
        if (ask.empty()) {
            return;
        }
        auto found = resolver(ask);
        if (!found) {
            if (should_log("resolver", now)) {
                logger()->warn("looking up the leaders of {} partitions: {}", ask.size(),
                               found.err().message);
            }
            for (const auto& tp : ask) {
                find(key_of(tp))->resolve_at = now + opt.reconnect_backoff;
            }
            return;
        }
        for (const auto& [tp, addr] : *found) {
            partition* p = find(key_of(tp));
            if (p == nullptr || !p->leader.empty()) {
                continue;
            }
            std::string name = broker_name(addr);
            auto [bit, fresh] = brokers.try_emplace(name);
            if (fresh) {
                bit->second.addr = addr;
                bit->second.name = name;
            }
            if (!p->last_leader.empty() && p->last_leader != name) {
                ++counters.leader_changes;
            }
            p->leader = name;
            p->last_leader = name;
        }
        for (const auto& tp : ask) {
            partition* p = find(key_of(tp));
            if (p->leader.empty()) {
                if (should_log(fmt::format("noleader {} {}", tp.topic, tp.partition), now)) {
                    logger()->info("{} [{}]: no leader known yet; asking again", tp.topic,
                                   tp.partition);
                }
                p->resolve_at = now + opt.reconnect_backoff;
            }
        }
    }

    // The connection to b is unusable: close it, retry after the backoff,
    // and look up the leaders of its partitions again.
    void connection_failed(broker& b, clock::time_point now, const std::string& why) {
        if (should_log("conn " + b.name, now)) {
            logger()->warn("broker {}: {}; reconnecting after {} ms", b.name, why,
                           opt.reconnect_backoff.count());
        }
        b.conn.reset();
        b.versions_known = false;
        if (b.pending) {
            for (const auto& k : b.pending->parts) {
                if (partition* p = find(k); p != nullptr && p->inflight_seq == b.pending->seq) {
                    p->inflight_seq = 0;
                }
            }
            b.pending.reset();
        }
        b.retry_at = now + opt.reconnect_backoff;
        for (auto& [k, p] : parts) {
            if (p.leader == b.name) {
                p.leader.clear();
                p.resolve_at = now + opt.reconnect_backoff;
            }
        }
    }

    // Sends req on b's connection; false when the connection failed.
    template <class Req>
    bool send(broker& b, request_kind kind, const Req& req, int16_t version, std::vector<key> sent,
              clock::time_point now) {
        request r;
        r.kind = kind;
        r.seq = next_seq++;
        r.version = version;
        r.deadline = now + opt.socket_timeout +
                     (kind == request_kind::fetch ? std::chrono::milliseconds(opt.max_wait_ms)
                                                  : std::chrono::milliseconds(0));
        for (const auto& k : sent) {
            find(k)->inflight_seq = r.seq;
        }
        r.parts = std::move(sent);
        b.pending = std::move(r);
        if (auto st = b.conn->send(req, version); !st) {
            connection_failed(b, now, st.message());
            return false;
        }
        return true;
    }

    // Sends b's next request when none is in flight: ApiVersions on a new
    // connection, then ListOffsets for partitions without a numeric offset,
    // then a Fetch of every partition that may be fetched.
    void service(broker& b, const std::vector<partition*>& led, clock::time_point now) {
        if (b.pending || led.empty()) {
            return;
        }
        if (!b.conn) {
            if (now < b.retry_at) {
                return;
            }
            ++counters.reconnects;
            auto c = kafka_connection::open(
                b.addr.host, b.addr.port,
                {opt.client_id, static_cast<size_t>(std::max(opt.max_bytes, 0)) + frame_slack});
            if (!c) {
                connection_failed(b, now, c.err().message);
                return;
            }
            b.conn = std::move(*c);
        }
        if (!b.versions_known) {
            send(b, request_kind::api_versions, kafka::api_versions_request{}, 0, {}, now);
            return;
        }
        std::vector<key> sent;
        kafka::list_offsets_request lo;
        lo.replica_id = -1;
        for (partition* p : led) {
            if (p->fetch_offset >= 0 || p->inflight_seq != 0) {
                continue;
            }
            // One topic per request: librdkafka 2.0.2's mock cluster answers
            // a ListOffsets of two topics with a malformed response (a null
            // topic name). The other topics go in the next request.
            if (!lo.topics.empty() && lo.topics.back().name != p->tp.topic) {
                continue;
            }
            if (lo.topics.empty()) {
                lo.topics.push_back({p->tp.topic, {}});
            }
            lo.topics.back().partitions.push_back({p->tp.partition, -1, p->fetch_offset});
            sent.push_back(key_of(p->tp));
        }
        if (!sent.empty()) {
            send(b, request_kind::list_offsets, lo, b.list_offsets_version, std::move(sent), now);
            return;
        }
        kafka::fetch_request f;
        f.replica_id = -1;
        f.max_wait_ms = opt.max_wait_ms;
        f.min_bytes = opt.min_bytes;
        f.max_bytes = opt.max_bytes;
        f.isolation_level = 0;
        f.session_id = 0;
        f.session_epoch = -1;
        for (partition* p : led) {
            // At most one response ahead of the caller: a partition whose
            // records of an older response are still buffered waits.
            if (p->fetch_offset < 0 || p->inflight_seq != 0 || p->buffered_chunks > 1) {
                continue;
            }
            if (f.topics.empty() || f.topics.back().topic != p->tp.topic) {
                f.topics.push_back({p->tp.topic, {}});
            }
            f.topics.back().partitions.push_back(
                {p->tp.partition, -1, p->fetch_offset, -1, opt.partition_max_bytes});
            sent.push_back(key_of(p->tp));
        }
        if (!sent.empty() &&
            send(b, request_kind::fetch, f, b.fetch_version, std::move(sent), now)) {
            ++counters.requests;
        }
    }

    // Partitions that may be fetched, by the name of their leader.
    std::map<std::string, std::vector<partition*>> by_leader() {
        std::map<std::string, std::vector<partition*>> m;
        for (auto& [k, p] : parts) {
            if (!p.leader.empty() && !p.failed) {
                m[p.leader].push_back(&p);
            }
        }
        return m;
    }

    void service_all(clock::time_point now) {
        auto led = by_leader();
        static const std::vector<partition*> none;
        for (auto it = brokers.begin(); it != brokers.end();) {
            auto l = led.find(it->first);
            if (l == led.end() && !it->second.pending) {
                it = brokers.erase(it);  // no partition of ours left there
                continue;
            }
            service(it->second, l == led.end() ? none : l->second, now);
            ++it;
        }
    }

    void step(clock::time_point now) {
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
            connection_failed(b, now, fmt::format("ApiVersions: {}", error_name(resp.error_code)));
            return;
        }
        int16_t fv = pick_version(resp, kafka::api_key::fetch, max_fetch_version);
        int16_t lv = pick_version(resp, kafka::api_key::list_offsets, max_list_offsets_version);
        if (fv < min_fetch_version || lv < min_list_offsets_version) {
            error e{errc::unsupported,
                    fmt::format("broker {} does not support Fetch v{}+ and ListOffsets v{}+ "
                                "(best common versions: {} and {}); the built-in fetcher cannot "
                                "read from it",
                                b.name, min_fetch_version, min_list_offsets_version, fv, lv)};
            for (auto& [k, p] : parts) {
                if (p.leader == b.name) {
                    fail(p, e);
                }
            }
            b.conn.reset();
            return;
        }
        b.fetch_version = fv;
        b.list_offsets_version = lv;
        b.versions_known = true;
        logger()->debug("broker {}: Fetch v{}, ListOffsets v{}", b.name, fv, lv);
    }

    void on_list_offsets(broker& b, const request& req, const kafka_connection::response& r,
                         clock::time_point now) {
        kafka::list_offsets_response resp;
        if (auto st = decode_response(resp, r); !st) {
            connection_failed(b, now, "bad ListOffsets response: " + st.message());
            return;
        }
        for (const auto& t : resp.topics) {
            for (const auto& pr : t.partitions) {
                partition* p = find({t.name, pr.partition_index});
                if (p == nullptr || p->inflight_seq != req.seq) {
                    continue;
                }
                p->inflight_seq = 0;
                auto ec = static_cast<error_code>(pr.error_code);
                if (ec == error_code::none) {
                    if (p->resetting) {
                        ++counters.resets;
                        logger()->info("{} [{}]: offset reset to {} (auto.offset.reset={})", t.name,
                                       pr.partition_index, pr.offset, opt.auto_offset_reset);
                    }
                    p->resetting = false;
                    p->fetch_offset = pr.offset;
                    if (p->buffered_chunks == 0) {
                        p->position = pr.offset;
                    }
                } else if (leader_may_have_moved(ec)) {
                    lost_leader(*p, now, fmt::format("ListOffsets: {}", error_name(pr.error_code)));
                } else {
                    fail(*p,
                         {errc::io, fmt::format("{} [{}]: ListOffsets failed: {}", t.name,
                                                pr.partition_index, error_name(pr.error_code))});
                }
            }
        }
    }

    void on_fetch(broker& b, const request& req, kafka_connection::response& r,
                  clock::time_point now) {
        auto holder = std::make_shared<fetched_response>();
        if (auto st = decode_response(holder->resp, r); !st) {
            connection_failed(b, now, "bad Fetch response: " + st.message());
            return;
        }
        r.frame = bytes();  // decoded: the records are copies
        ++counters.responses;
        if (holder->resp.error_code != 0) {
            connection_failed(b, now,
                              fmt::format("Fetch: {}", error_name(holder->resp.error_code)));
            return;
        }
        std::shared_ptr<const void> owner = holder;
        for (auto& t : holder->resp.responses) {
            for (auto& pd : t.partitions) {
                partition* p = find({t.topic, pd.partition_index});
                if (p == nullptr || p->inflight_seq != req.seq) {
                    continue;  // removed or re-added since: its records are dropped
                }
                p->inflight_seq = 0;
                on_partition(*p, t.topic, pd, *holder, owner, now);
            }
        }
    }

    void on_partition(partition& p, const std::string& topic,
                      const kafka::fetch_response::fetchable_topic_response::partition_data& pd,
                      fetched_response& holder, const std::shared_ptr<const void>& owner,
                      clock::time_point now) {
        auto ec = static_cast<error_code>(pd.error_code);
        if (ec == error_code::none) {
            p.marks =
                partition_watermarks{pd.high_watermark, pd.last_stable_offset, pd.log_start_offset};
            bytes_view records = pd.records ? bytes_view(*pd.records) : bytes_view();
            counters.bytes += records.size();
            chunk c{&p, {}, 0};
            int64_t stopped = p.fetch_offset;
            auto d = decode_fetched_records(records, topic, p.tp.partition, p.fetch_offset, holder,
                                            owner, c.msgs, &stopped, opt.check_crcs);
            if (!c.msgs.empty()) {
                ready.push_back(std::move(c));
                ++p.buffered_chunks;
            }
            p.fetch_offset = d ? d->next_offset : stopped;
            if (p.buffered_chunks == 0) {
                p.position = p.fetch_offset;
            }
            if (!d) {
                fail(p, d.take_error());
            }
            return;
        }
        if (ec == error_code::offset_out_of_range) {
            auto ts = reset_timestamp(opt.auto_offset_reset);
            if (!ts) {
                fail(p,
                     {errc::out_of_range,
                      fmt::format("{} [{}]: offset {} is out of range and auto.offset.reset "
                                  "is {}",
                                  topic, p.tp.partition, p.fetch_offset, opt.auto_offset_reset)});
                return;
            }
            logger()->info("{} [{}]: offset {} is out of range; resetting to the {} offset", topic,
                           p.tp.partition, p.fetch_offset, *ts == -2 ? "earliest" : "latest");
            p.fetch_offset = *ts;
            p.resetting = true;
            return;
        }
        if (leader_may_have_moved(ec)) {
            lost_leader(p, now, fmt::format("Fetch: {}", error_name(pd.error_code)));
            return;
        }
        fail(p, {errc::io, fmt::format("{} [{}]: Fetch failed: {}", topic, p.tp.partition,
                                       error_name(pd.error_code))});
    }

    void on_response(broker& b, kafka_connection::response& r, clock::time_point now) {
        request req = std::move(*b.pending);
        b.pending.reset();
        switch (req.kind) {
            case request_kind::api_versions:
                on_api_versions(b, r, now);
                break;
            case request_kind::list_offsets:
                on_list_offsets(b, req, r, now);
                break;
            case request_kind::fetch:
                on_fetch(b, req, r, now);
                break;
        }
        // Partitions of the request the response did not mention.
        for (const auto& k : req.parts) {
            if (partition* p = find(k); p != nullptr && p->inflight_seq == req.seq) {
                p->inflight_seq = 0;
            }
        }
    }

    // ---- waiting ----

    // When the earliest backoff or request deadline falls, if before `until`.
    clock::time_point next_timer(clock::time_point until) const {
        clock::time_point t = until;
        for (const auto& [k, p] : parts) {
            if (p.leader.empty() && !p.failed) {
                t = std::min(t, p.resolve_at);
            }
        }
        for (const auto& [n, b] : brokers) {
            if (!b.conn) {
                t = std::min(t, b.retry_at);
            }
            if (b.pending) {
                t = std::min(t, b.pending->deadline);
            }
        }
        return t;
    }

    // Waits for socket events or a timer, at most until `until`, and
    // handles what arrived. Sends the next Fetch of a broker as soon as its
    // response is decoded.
    void wait(clock::time_point until) {
        static const std::vector<partition*> none;
        serve_connections(
            brokers, next_timer(until),
            [&](broker& b, kafka_connection::response& r) { on_response(b, r, clock::now()); },
            [&](broker& b) {
                auto led = by_leader();
                auto l = led.find(b.name);
                service(b, l == led.end() ? none : l->second, clock::now());
            },
            [&](broker& b, const std::string& why) { connection_failed(b, clock::now(), why); });
    }

    result<size_t> poll(std::vector<message>& out, size_t max, std::chrono::milliseconds timeout) {
        auto deadline = clock::now() + timeout;
        while (true) {
            size_t n = hand_out(out, max);
            if (n > 0) {
                step(clock::now());  // partitions just drained may be fetched again
                return n;
            }
            if (failure) {
                error e = std::move(*failure);
                failure.reset();
                return e;
            }
            auto now = clock::now();
            step(now);
            bool expired = now >= deadline || max == 0;
            wait(expired ? now : deadline);
            if (expired && (ready.empty() || max == 0) && !failure) {
                return size_t{0};
            }
        }
    }
};

fetcher::fetcher(fetch_options options, leader_resolver resolver)
    : impl_(std::make_unique<impl>(std::move(options), std::move(resolver))) {}

fetcher::~fetcher() = default;

void fetcher::add(const topic_partition& tp, int64_t offset) {
    impl_->add(tp, offset);
}

void fetcher::remove(const topic_partition& tp) {
    impl_->remove(tp);
}

void fetcher::clear() {
    impl_->ready.clear();
    impl_->parts.clear();
}

bool fetcher::empty() const {
    return impl_->parts.empty();
}

result<size_t> fetcher::poll(std::vector<message>& out, size_t max,
                             std::chrono::milliseconds timeout) {
    return impl_->poll(out, max, timeout);
}

std::optional<int64_t> fetcher::position(const topic_partition& tp) const {
    auto it = impl_->parts.find(impl::key_of(tp));
    if (it == impl_->parts.end()) {
        return std::nullopt;
    }
    return it->second.position;
}

std::optional<partition_watermarks> fetcher::watermarks(const topic_partition& tp) const {
    auto it = impl_->parts.find(impl::key_of(tp));
    if (it == impl_->parts.end()) {
        return std::nullopt;
    }
    return it->second.marks;
}

fetch_counters fetcher::counters() const {
    return impl_->counters;
}

}  // namespace cs::client
