#include "client/java_compat.h"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace cs::client {
namespace {

using kind = java_translation::kind;

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

java_translation ignored(std::string note) {
    return {kind::ignore, "", "", std::move(note)};
}

java_translation renamed(std::string key, std::string value, std::string note = "") {
    return {kind::rename, std::move(key), std::move(value), std::move(note)};
}

// The tools move keys and values as bytes: the String and ByteArray
// (de)serializers are what they do anyway; any other class would need code
// clickstream doesn't run.
java_translation serializer(std::string_view key, std::string_view value) {
    static constexpr std::array<std::string_view, 6> same_as_bytes = {
        "StringSerializer",      "StringDeserializer", "ByteArraySerializer",
        "ByteArrayDeserializer", "BytesSerializer",    "BytesDeserializer"};
    for (auto name : same_as_bytes) {
        if (ends_with(value, name)) {
            return ignored(
                fmt::format("{} ignored: clickstream's clients move keys and values "
                            "as bytes, which is what {} does",
                            key, value));
        }
    }
    return {kind::refuse, "", "",
            fmt::format("{}={}: custom Java (de)serializers can't run here; keys and values are "
                        "moved as bytes (remove the line, or use StringSerializer)",
                        key, value)};
}

// partition.assignment.strategy holds Java class names; librdkafka takes
// short names.
java_translation assignor(std::string_view value) {
    std::string out;
    size_t start = 0;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string_view item =
            value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        std::string name(item);
        if (ends_with(item, "CooperativeStickyAssignor")) {
            name = "cooperative-sticky";
        } else if (ends_with(item, "RoundRobinAssignor")) {
            name = "roundrobin";
        } else if (ends_with(item, "RangeAssignor")) {
            name = "range";
        } else if (ends_with(item, "StickyAssignor")) {
            return {kind::refuse, "", "",
                    "partition.assignment.strategy: the eager StickyAssignor has no librdkafka "
                    "equivalent; use CooperativeStickyAssignor, RangeAssignor or "
                    "RoundRobinAssignor"};
        }
        if (!name.empty()) {
            out += out.empty() ? "" : ",";
            out += name;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return renamed("partition.assignment.strategy", out);
}

}  // namespace

java_translation translate_java_key(std::string_view key, std::string_view value, role r) {
    if (key == "key.serializer" || key == "value.serializer" || key == "key.deserializer" ||
        key == "value.deserializer") {
        return serializer(key, value);
    }
    if (key == "buffer.memory") {
        // Java: total bytes the producer may buffer; librdkafka: KiB.
        uint64_t bytes = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), bytes);
        if (ec != std::errc() || p != value.data() + value.size()) {
            return {kind::refuse, "", "",
                    fmt::format("buffer.memory = \"{}\": expected a number of bytes", value)};
        }
        return renamed("queue.buffering.max.kbytes",
                       std::to_string(std::max<uint64_t>(1, (bytes + 1023) / 1024)));
    }
    if (key == "max.request.size") {
        return renamed("message.max.bytes", std::string(value));
    }
    if (key == "fetch.max.wait.ms") {
        return renamed("fetch.wait.max.ms", std::string(value));
    }
    if (key == "send.buffer.bytes") {
        return renamed("socket.send.buffer.bytes", std::string(value));
    }
    if (key == "receive.buffer.bytes") {
        return renamed("socket.receive.buffer.bytes", std::string(value));
    }
    if (key == "auto.offset.reset" && value == "none") {
        return renamed("auto.offset.reset", "error");
    }
    if (key == "partition.assignment.strategy") {
        return assignor(value);
    }
    if (key == "max.poll.records") {
        return ignored(
            "max.poll.records ignored: librdkafka hands records over one at a time from its "
            "prefetch queue (queued.max.messages.kbytes bounds it)");
    }
    if (key == "max.block.ms" || key == "default.api.timeout.ms" || key == "client.dns.lookup" ||
        key == "metric.reporters" || key == "metrics.num.samples" ||
        key == "metrics.sample.window.ms" || key == "metrics.recording.level" ||
        key == "auto.include.jmx.reporter" || key == "interceptor.classes") {
        return ignored(
            fmt::format("{} ignored: a Java client setting with no librdkafka "
                        "equivalent",
                        key));
    }
    if (key == "partitioner.class") {
        return {kind::refuse, "", "",
                "partitioner.class: Java partitioners can't run here; set `partitioner` "
                "(murmur2_random is the Java default's hash)"};
    }
    if (key == "sasl.jaas.config" || key.starts_with("ssl.truststore.") ||
        key.starts_with("ssl.keystore.")) {
        return {kind::refuse, "", "",
                fmt::format("{}: Java keystores and JAAS files are Java-only; use librdkafka's "
                            "sasl.username/sasl.password and ssl.ca.location/"
                            "ssl.certificate.location/ssl.key.location",
                            key)};
    }
    (void)r;
    return {};
}

}  // namespace cs::client
