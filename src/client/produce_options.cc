// produce_options (client/direct_producer.h): the direct producer's settings
// from a producer's librdkafka/Java properties, and whether it can serve
// them.

#include <fmt/format.h>

#include "base/ascii.h"
#include "client/direct_producer.h"
#include "client/setting_values.h"

namespace cs::client {

namespace {

result<kafka::compression_codec> parse_codec(const setting& v) {
    std::string c = ascii_lower(v.value);
    if (c == "none") {
        return kafka::compression_codec::none;
    }
    if (c == "gzip") {
        return kafka::compression_codec::gzip;
    }
    if (c == "snappy") {
        return kafka::compression_codec::snappy;
    }
    if (c == "lz4") {
        return kafka::compression_codec::lz4;
    }
    if (c == "zstd") {
        return kafka::compression_codec::zstd;
    }
    return error{errc::invalid_argument,
                 fmt::format("{}: {}={} is not one of none, gzip, snappy, lz4, zstd", v.origin,
                             v.key, v.value)};
}

}  // namespace

result<produce_options> produce_options::from_settings(const client_settings& s) {
    produce_options o;
    int32_t request_timeout = 30'000;
    int32_t delivery_timeout = 300'000;
    int32_t retry_backoff = 100;
    int32_t reconnect_backoff = 100;
    int32_t linger = 5;
    for (auto st : {read_int(s, {"request.timeout.ms"}, request_timeout),
                    read_int(s, {"message.timeout.ms", "delivery.timeout.ms"}, delivery_timeout),
                    read_int(s, {"retry.backoff.ms"}, retry_backoff),
                    read_int(s, {"reconnect.backoff.ms"}, reconnect_backoff),
                    read_int(s, {"linger.ms", "queue.buffering.max.ms"}, linger),
                    read_int(s, {"retries", "message.send.max.retries"}, o.retries),
                    read_int(s, {"batch.size"}, o.batch_size),
                    read_int(s, {"message.max.bytes", "max.request.size"}, o.max_request_size),
                    read_int(s, {"queue.buffering.max.messages"}, o.max_buffered_records),
                    read_int(s, {"queue.buffering.max.kbytes"}, o.max_buffered_kbytes)}) {
        if (!st) {
            return st.err();
        }
    }
    o.request_timeout = std::chrono::milliseconds(request_timeout);
    o.delivery_timeout = std::chrono::milliseconds(delivery_timeout);
    o.retry_backoff = std::chrono::milliseconds(retry_backoff);
    o.reconnect_backoff = std::chrono::milliseconds(reconnect_backoff);
    o.linger = std::chrono::milliseconds(linger);
    if (const setting* v = first_set(s, {"acks", "request.required.acks"}); v != nullptr) {
        std::string a = ascii_lower(v->value);
        if (a == "all" || a == "-1") {
            o.acks = -1;
        } else if (a == "1") {
            o.acks = 1;
        } else if (a == "0") {
            o.acks = 0;
        } else {
            return error{
                errc::invalid_argument,
                fmt::format("{}: {}={} is not one of all, -1, 0, 1", v->origin, v->key, v->value)};
        }
    }
    if (const setting* v = first_set(s, {"compression.type", "compression.codec"}); v != nullptr) {
        auto c = parse_codec(*v);
        if (!c) {
            return c.err();
        }
        o.codec = *c;
    }
    if (const setting* v = first_set(s, {"client.id"}); v != nullptr) {
        o.client_id = v->value;
    }
    if (o.batch_size == 0 || o.max_request_size == 0 || o.max_buffered_records == 0 ||
        o.max_buffered_kbytes == 0) {
        return error{errc::invalid_argument,
                     "batch.size, message.max.bytes and queue.buffering.max.* must be positive"};
    }
    return o;
}

std::string produce_options::unsupported_reason(const client_settings& s) {
    if (std::string why = plaintext_only_reason(s); !why.empty()) {
        return why;
    }
    if (const setting* v = first_set(s, {"acks", "request.required.acks"});
        v != nullptr && v->value == "0") {
        return "acks=0 (the built-in producer waits for each response)";
    }
    bool idempotent = false;
    if (auto st = read_bool(s, {"enable.idempotence"}, idempotent); !st || idempotent) {
        return "enable.idempotence=true (no producer ids or sequences)";
    }
    if (s.find("transactional.id") != nullptr) {
        return "transactional.id is set (no transactions)";
    }
    const setting* p = s.find("partitioner");
    if (p == nullptr) {
        return "no partitioner is set (librdkafka's default, consistent_random, is CRC32 based; "
               "only Java's murmur2/murmur2_random are built in)";
    }
    if (p->value != "murmur2" && p->value != "murmur2_random") {
        return fmt::format("partitioner={} (only murmur2 and murmur2_random are built in)",
                           p->value);
    }
    return {};
}

}  // namespace cs::client
