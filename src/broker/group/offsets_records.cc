#include "broker/group/offsets_records.h"

#include <fmt/format.h>

#include "broker/internal_record_io.h"

namespace cs::group {

using broker::internal_record_reader;
using broker::put_bytes_field;
using broker::put_nullable_string;
using broker::put_string;

bytes encode_offset_commit_key(const offset_commit_key& key) {
    bytes out;
    byte_writer w(out);
    w.put<int16_t>(offset_commit_key_version);
    put_string(w, key.group);
    put_string(w, key.topic);
    w.put<int32_t>(key.partition);
    return out;
}

bytes encode_group_metadata_key(const group_metadata_key& key) {
    bytes out;
    byte_writer w(out);
    w.put<int16_t>(group_metadata_key_version);
    put_string(w, key.group);
    return out;
}

bytes encode_offset_commit_value(const offset_commit_value& value, int16_t version) {
    bytes out;
    byte_writer w(out);
    w.put<int16_t>(version);
    w.put<int64_t>(value.offset);
    if (version >= 3) {
        w.put<int32_t>(value.leader_epoch);
    }
    put_string(w, value.metadata);
    w.put<int64_t>(value.commit_timestamp_ms);
    if (version == 1) {
        w.put<int64_t>(value.expire_timestamp_ms);
    }
    return out;
}

bytes encode_group_metadata_value(const group_metadata_value& value, int16_t version) {
    bytes out;
    byte_writer w(out);
    w.put<int16_t>(version);
    put_string(w, value.protocol_type);
    w.put<int32_t>(value.generation);
    put_nullable_string(w, value.protocol);
    put_nullable_string(w, value.leader);
    if (version >= 2) {
        w.put<int64_t>(value.current_state_timestamp_ms);
    }
    w.put<int32_t>(static_cast<int32_t>(value.members.size()));
    for (const auto& m : value.members) {
        put_string(w, m.member_id);
        if (version >= 3) {
            put_nullable_string(w, m.group_instance_id);
        }
        put_string(w, m.client_id);
        put_string(w, m.client_host);
        if (version >= 1) {
            w.put<int32_t>(m.rebalance_timeout_ms);
        }
        w.put<int32_t>(m.session_timeout_ms);
        put_bytes_field(w, m.subscription);
        put_bytes_field(w, m.assignment);
    }
    return out;
}

result<offsets_record_key> decode_offsets_record_key(bytes_view key) {
    internal_record_reader r(key, "__consumer_offsets record key");
    auto version = r.get<int16_t>();
    if (r.failed()) {
        return r.err();
    }
    if (version == 0 || version == 1) {
        offset_commit_key k;
        k.group = r.string();
        k.topic = r.string();
        k.partition = r.get<int32_t>();
        if (r.failed()) {
            return r.err();
        }
        return offsets_record_key{std::move(k)};
    }
    if (version == 2) {
        group_metadata_key k;
        k.group = r.string();
        if (r.failed()) {
            return r.err();
        }
        return offsets_record_key{std::move(k)};
    }
    return error{errc::unsupported,
                 fmt::format("__consumer_offsets record key version {} is not supported "
                             "(known: 0-1 offset commit, 2 group metadata)",
                             version)};
}

result<offset_commit_value> decode_offset_commit_value(bytes_view value) {
    internal_record_reader r(value, "__consumer_offsets offset commit value");
    auto version = r.get<int16_t>();
    if (r.failed()) {
        return r.err();
    }
    if (version < 0 || version > 3) {
        return error{
            errc::unsupported,
            fmt::format("offset commit value version {} is not supported (known: 0-3)", version)};
    }
    offset_commit_value v;
    v.offset = r.get<int64_t>();
    if (version >= 3) {
        v.leader_epoch = r.get<int32_t>();
    }
    v.metadata = r.string();
    v.commit_timestamp_ms = r.get<int64_t>();
    if (version == 1) {
        v.expire_timestamp_ms = r.get<int64_t>();
    }
    if (r.failed()) {
        return r.err();
    }
    return v;
}

result<group_metadata_value> decode_group_metadata_value(bytes_view value) {
    internal_record_reader r(value, "__consumer_offsets group metadata value");
    auto version = r.get<int16_t>();
    if (r.failed()) {
        return r.err();
    }
    if (version < 0 || version > 3) {
        return error{
            errc::unsupported,
            fmt::format("group metadata value version {} is not supported (known: 0-3)", version)};
    }
    group_metadata_value v;
    v.protocol_type = r.string();
    v.generation = r.get<int32_t>();
    v.protocol = r.nullable_string();
    v.leader = r.nullable_string();
    if (version >= 2) {
        v.current_state_timestamp_ms = r.get<int64_t>();
    }
    auto n = r.get<int32_t>();
    if (r.failed()) {
        return r.err();
    }
    // Each member takes at least 18 bytes; reject counts the input cannot hold.
    if (n < 0 || static_cast<size_t>(n) > r.remaining() / 18) {
        return error{errc::corrupt,
                     fmt::format("__consumer_offsets group metadata value: member count {} "
                                 "does not fit in {} remaining bytes",
                                 n, r.remaining())};
    }
    v.members.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n && !r.failed(); ++i) {
        group_member_value m;
        m.member_id = r.string();
        if (version >= 3) {
            m.group_instance_id = r.nullable_string();
        }
        m.client_id = r.string();
        m.client_host = r.string();
        if (version >= 1) {
            m.rebalance_timeout_ms = r.get<int32_t>();
        }
        m.session_timeout_ms = r.get<int32_t>();
        if (version == 0) {
            m.rebalance_timeout_ms = m.session_timeout_ms;
        }
        m.subscription = r.bytes_field();
        m.assignment = r.bytes_field();
        v.members.push_back(std::move(m));
    }
    if (r.failed()) {
        return r.err();
    }
    return v;
}

int32_t java_string_hash(std::string_view s) {
    uint32_t h = 0;
    auto add = [&h](uint32_t unit) { h = h * 31u + unit; };
    auto cont = [&s](size_t at) {
        return at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0u) == 0x80u;
    };
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        uint32_t cp = 0;
        size_t len = 0;
        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if ((c & 0xE0u) == 0xC0u && c >= 0xC2 && cont(i + 1)) {
            cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
            len = 2;
        } else if ((c & 0xF0u) == 0xE0u && cont(i + 1) && cont(i + 2)) {
            cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
            len = 3;
            if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                len = 0;
            }
        } else if ((c & 0xF8u) == 0xF0u && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
            cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                 ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
            len = 4;
            if (cp < 0x10000 || cp > 0x10FFFF) {
                len = 0;
            }
        }
        if (len == 0) {
            add(0xFFFD);
            i += 1;
            continue;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            add(0xD800u + (cp >> 10));
            add(0xDC00u + (cp & 0x3FFu));
        } else {
            add(cp);
        }
        i += len;
    }
    return static_cast<int32_t>(h);
}

int32_t offsets_partition_for(std::string_view group_id, int32_t num_partitions) {
    auto h = static_cast<uint32_t>(java_string_hash(group_id)) & 0x7fffffffu;
    return static_cast<int32_t>(h % static_cast<uint32_t>(num_partitions));
}

}  // namespace cs::group
