#include "client/producer.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "client/direct_producer.h"

namespace cs::client {

result<std::unique_ptr<producer>> producer::create(const client_settings& settings,
                                                   config::diagnostics& diags,
                                                   producer_options options) {
    auto conf = make_conf(settings, role::producer, diags);
    if (!conf.ok()) {
        return conf.take_error();
    }
    std::unique_ptr<producer> p(new producer());
    rd_kafka_conf_set_dr_msg_cb(conf->get(), &producer::on_delivery);
    rd_kafka_conf_set_opaque(conf->get(), p.get());
    char errstr[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr);
    if (rk == nullptr) {
        return error{errc::invalid_argument, fmt::format("cannot create producer: {}", errstr)};
    }
    (void)conf->release();  // owned by rk now
    p->rk_.reset(rk);
    p->transactional_ = settings.find("transactional.id") != nullptr;
    if (options.builtin_produce) {
        p->enable_builtin_produce(settings);
    }
    return p;
}

producer::producer() = default;

producer::~producer() {
    direct_.reset();
    if (rk_) {
        // Whatever is still queued is given a short chance; the caller that
        // cares has called flush() and read stats().
        rd_kafka_flush(rk_.get(), 0);
    }
}

void producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<producer*>(opaque);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++self->stats_.delivered;
        self->stats_.bytes += m->len + m->key_len;
    } else {
        ++self->stats_.failed;
        ++self->stats_.failures[rd_kafka_err2str(m->err)];
        if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
            m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
            ++self->stats_.purged;
        }
    }
}

status producer::send(const outgoing_record& r) {
    if (direct_) {
        return send_direct(r);
    }
    rd_kafka_headers_t* hdrs = nullptr;
    if (!r.headers.empty()) {
        hdrs = rd_kafka_headers_new(r.headers.size());
        for (const auto& h : r.headers) {
            rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()),
                                h.value ? h.value->data() : nullptr,
                                h.value ? static_cast<ssize_t>(h.value->size()) : 0);
        }
    }
    headers_handle owned_headers(hdrs);
    auto rkt = topic(r.topic);
    if (!rkt) {
        return rkt.err();
    }
    // rd_kafka_produceva: the RD_KAFKA_V_* macros of producev use C casts.
    rd_kafka_vu_t vu[7] = {};
    size_t n = 0;
    vu[n].vtype = RD_KAFKA_VTYPE_RKT;
    vu[n++].u.rkt = *rkt;
    vu[n].vtype = RD_KAFKA_VTYPE_PARTITION;
    vu[n++].u.i32 = r.partition;
    vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
    vu[n].vtype = RD_KAFKA_VTYPE_KEY;
    vu[n].u.mem.ptr = r.key ? const_cast<char*>(r.key->data()) : nullptr;  // copied (F_COPY)
    vu[n++].u.mem.size = r.key ? r.key->size() : 0;
    vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
    vu[n].u.mem.ptr = r.value ? const_cast<char*>(r.value->data()) : nullptr;
    vu[n++].u.mem.size = r.value ? r.value->size() : 0;
    vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    vu[n++].u.i64 = r.timestamp_ms;
    if (hdrs != nullptr) {
        vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
        vu[n++].u.headers = hdrs;
    }
    for (;;) {
        error_handle e(rd_kafka_produceva(rk_.get(), vu, n));
        rd_kafka_resp_err_t err = e ? rd_kafka_error_code(e.get()) : RD_KAFKA_RESP_ERR_NO_ERROR;
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            (void)owned_headers.release();  // librdkafka owns them on success
            ++stats_.sent;
            return {};
        }
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(rk_.get(), 100);
            continue;
        }
        errc code = err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ? errc::too_large
                    : err == RD_KAFKA_RESP_ERR__STATE || err == RD_KAFKA_RESP_ERR__FATAL
                        ? errc::io
                        : errc::invalid_argument;
        return {code, fmt::format("{}: {}", r.topic, rd_kafka_err2str(err))};
    }
}

status producer::learn_topics(const std::vector<std::string>& topics,
                              std::chrono::milliseconds timeout) {
    if (direct_) {
        for (const auto& name : topics) {
            if (auto n = direct_->partition_count(name); !n) {
                return status(errc::timed_out,
                              fmt::format("metadata of topic {}: {}", name, n.err().message));
            }
        }
        return {};
    }
    for (const auto& name : topics) {
        // A metadata response updates librdkafka's cache of every topic
        // handle it names, the one send() uses included.
        auto rkt = topic(name);
        if (!rkt) {
            return rkt.err();
        }
        const rd_kafka_metadata_t* md = nullptr;
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(rk_.get(), 0, *rkt, &md, static_cast<int>(timeout.count()));
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return status(errc::timed_out,
                          fmt::format("metadata of topic {}: {}", name, rd_kafka_err2str(err)));
        }
        rd_kafka_metadata_destroy(md);
    }
    return {};
}

result<rd_kafka_topic_t*> producer::topic(std::string_view name) {
    if (auto it = topics_.find(name); it != topics_.end()) {
        return it->second.get();
    }
    std::string key(name);
    topic_handle rkt(rd_kafka_topic_new(rk_.get(), key.c_str(), nullptr));
    if (!rkt) {
        return error{errc::invalid_argument,
                     fmt::format("topic {}: {}", name, rd_kafka_err2str(rd_kafka_last_error()))};
    }
    rd_kafka_topic_t* raw = rkt.get();
    topics_.emplace(std::move(key), std::move(rkt));
    return raw;
}

void producer::poll(std::chrono::milliseconds timeout) {
    if (direct_) {
        direct_->poll(timeout);
        return;
    }
    rd_kafka_poll(rk_.get(), static_cast<int>(timeout.count()));
}

std::chrono::milliseconds producer::max_wait(std::chrono::milliseconds want) const {
    if (!direct_) {
        return want;
    }
    auto due = direct_->next_linger_deadline();
    if (!due) {
        return want;
    }
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(*due - std::chrono::steady_clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), want);
}

status producer::flush(std::chrono::milliseconds timeout) {
    if (direct_) {
        sticky_.clear();
        (void)direct_->flush(timeout);  // stats_ says what is still in flight
    } else {
        rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
        rd_kafka_poll(rk_.get(), 0);
    }
    if (stats_.in_flight() > 0) {
        return {errc::timed_out, fmt::format("{} records still undelivered after {} ms",
                                             stats_.in_flight(), timeout.count())};
    }
    return {};
}

std::string producer::summary() const {
    std::string out = fmt::format("{} delivered, {} failed", stats_.delivered, stats_.failed);
    if (stats_.in_flight() > 0) {
        out += fmt::format(", {} undelivered", stats_.in_flight());
    }
    if (!stats_.failures.empty()) {
        out += " (";
        bool first = true;
        for (const auto& [why, n] : stats_.failures) {
            out += fmt::format("{}{}: {}", first ? "" : "; ", why, n);
            first = false;
        }
        out += ")";
    }
    return out;
}

}  // namespace cs::client
