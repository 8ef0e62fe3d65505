#include "tools/consume_format.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "base/strings.h"
#include "formats/json_writer.h"

namespace cs::tools {

namespace {

bool kafka_true(std::string_view v) {
    return parse_config_boolean(v).value_or(false);
}

void append_int(std::string& out, int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_bytes(std::string& out, std::optional<std::string_view> v, const record_format& f) {
    if (v) {
        out += *v;
    } else {
        out += f.null_literal;
    }
}

void append_json_or_null(std::string& out, std::optional<std::string_view> v) {
    if (v) {
        formats::append_json_string(out, *v);
    } else {
        out += "null";
    }
}

void append_default(std::string& out, const client::message& m, const record_format& f) {
    // Each field ends with key.separator when a later field follows, else
    // with line.separator, exactly as Kafka's writeSeparator does.
    auto separator = [&](bool more) { out += more ? f.key_separator : f.line_separator; };
    if (f.print_timestamp) {
        auto kind = m.timestamp_type();
        if (kind == client::timestamp_kind::none) {
            out += "NO_TIMESTAMP";
        } else {
            out += client::timestamp_kind_name(kind);
            out += ':';
            append_int(out, m.timestamp_ms());
        }
        separator(f.print_partition || f.print_offset || f.print_headers || f.print_key ||
                  f.print_value);
    }
    if (f.print_partition) {
        out += "Partition:";
        append_int(out, m.partition());
        separator(f.print_offset || f.print_headers || f.print_key || f.print_value);
    }
    if (f.print_offset) {
        out += "Offset:";
        append_int(out, m.offset());
        separator(f.print_headers || f.print_key || f.print_value);
    }
    if (f.print_headers) {
        size_t n = m.header_count();
        if (n == 0) {
            out += "NO_HEADERS";
        }
        for (size_t i = 0; i < n; ++i) {
            auto h = m.header(i);
            if (i > 0) {
                out += f.headers_separator;
            }
            out += h.key;
            out += f.headers_key_separator;
            append_bytes(out, h.value, f);
        }
        separator(f.print_key || f.print_value);
    }
    if (f.print_key) {
        append_bytes(out, m.key(), f);
        separator(f.print_value);
    }
    if (f.print_value) {
        append_bytes(out, m.value(), f);
        out += f.line_separator;
    }
}

void append_json(std::string& out, const client::message& m, const record_format& f) {
    out += "{\"topic\":";
    formats::append_json_string(out, m.topic());
    out += ",\"partition\":";
    append_int(out, m.partition());
    out += ",\"offset\":";
    append_int(out, m.offset());
    auto kind = m.timestamp_type();
    out += ",\"timestamp\":";
    if (kind == client::timestamp_kind::none) {
        out += "null";
    } else {
        append_int(out, m.timestamp_ms());
    }
    out += ",\"timestampType\":";
    formats::append_json_string(out, client::timestamp_kind_name(kind));
    out += ",\"key\":";
    append_json_or_null(out, m.key());
    out += ",\"value\":";
    append_json_or_null(out, m.value());
    out += ",\"headers\":[";
    size_t n = m.header_count();
    for (size_t i = 0; i < n; ++i) {
        auto h = m.header(i);
        out += i == 0 ? "{\"key\":" : ",{\"key\":";
        formats::append_json_string(out, h.key);
        out += ",\"value\":";
        append_json_or_null(out, h.value);
        out += '}';
    }
    out += "]}";
    out += f.line_separator;
}

}  // namespace

result<record_format> parse_record_format(std::string_view formatter,
                                          const std::vector<std::string>& properties) {
    record_format f;
    if (formatter == "json") {
        f.kind = record_format::style::json;
    } else if (formatter == "default" || formatter == "kafka.tools.DefaultMessageFormatter" ||
               formatter == "org.apache.kafka.tools.consumer.DefaultMessageFormatter") {
        f.kind = record_format::style::kafka_default;
    } else {
        return error{errc::invalid_argument,
                     fmt::format("unknown --formatter \"{}\" (use default or json)", formatter)};
    }
    for (const auto& p : properties) {
        size_t eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
            return error{errc::invalid_argument,
                         fmt::format("--property {}: expected key=value", p)};
        }
        std::string_view key(p.data(), eq);
        std::string value = p.substr(eq + 1);
        if (key == "print.timestamp") {
            f.print_timestamp = kafka_true(value);
        } else if (key == "print.partition") {
            f.print_partition = kafka_true(value);
        } else if (key == "print.offset") {
            f.print_offset = kafka_true(value);
        } else if (key == "print.headers") {
            f.print_headers = kafka_true(value);
        } else if (key == "print.key") {
            f.print_key = kafka_true(value);
        } else if (key == "print.value") {
            f.print_value = kafka_true(value);
        } else if (key == "key.separator") {
            f.key_separator = value;
        } else if (key == "line.separator") {
            f.line_separator = value;
        } else if (key == "headers.separator") {
            f.headers_separator = value;
        } else if (key == "headers.key.separator") {
            f.headers_key_separator = value;
        } else if (key == "null.literal") {
            f.null_literal = value;
        } else if (key.starts_with("key.deserializer") || key.starts_with("value.deserializer") ||
                   key.starts_with("headers.deserializer")) {
            // Java deserializer classes: bytes are printed as they are, which
            // is what StringDeserializer and ByteArrayDeserializer print.
        } else {
            return error{
                errc::invalid_argument,
                fmt::format("unknown --property \"{}\" (known: print.timestamp, print.partition, "
                            "print.offset, print.headers, print.key, print.value, key.separator, "
                            "line.separator, headers.separator, headers.key.separator, "
                            "null.literal)",
                            key)};
        }
    }
    return f;
}

void append_record(std::string& out, const client::message& m, const record_format& f) {
    if (f.kind == record_format::style::json) {
        append_json(out, m, f);
    } else {
        append_default(out, m, f);
    }
}

}  // namespace cs::tools
