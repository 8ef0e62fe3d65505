#include "connect/offset_store.h"

#include <chrono>

#include <fmt/format.h>

#include "base/log.h"
#include "client/admin.h"
#include "client/consumer.h"
#include "config/diagnostics.h"
#include "connect/converters/converter.h"

namespace cs::connect {

namespace {

std::unique_ptr<converter> schemaless_json() {
    return make_converter(converter_spec{json_converter_class, {{"schemas.enable", "false"}}},
                          false)
        .value();
}

}  // namespace

std::string encode_offset_key(const std::string& connector, const data& partition) {
    auto c = schemaless_json();
    auto out = c->from_connect("", nullptr, data::list({data(connector), partition}));
    return out.ok() && out->has_value() ? **out : std::string();
}

std::optional<std::string> encode_offset_value(const data& offset) {
    if (offset.is_null()) {
        return std::nullopt;
    }
    auto c = schemaless_json();
    auto out = c->from_connect("", nullptr, offset);
    return out.ok() ? *out : std::nullopt;
}

status ensure_offset_topic(const worker_settings& worker) {
    config::diagnostics diags;
    client::client_settings settings = worker.common;
    for (const auto& s : worker.admin.entries()) {
        settings.set(s.key, s.value, s.origin, s.line);
    }
    auto admin = client::admin_client::create(settings, diags, std::chrono::seconds(30));
    if (!admin) {
        return admin.take_error();
    }
    auto md = (*admin)->metadata();
    if (!md) {
        return md.take_error();
    }
    for (const auto& t : md->topics) {
        if (t.name == worker.offset_storage_topic && t.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return {};
        }
    }
    auto created =
        (*admin)->create_topics({client::new_topic{worker.offset_storage_topic,
                                                   worker.offset_storage_partitions,
                                                   worker.offset_storage_replication_factor,
                                                   {{"cleanup.policy", "compact"}}}});
    if (!created) {
        return created.take_error();
    }
    for (const auto& st : *created) {
        if (!st.ok() && st.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            return error{errc::io, fmt::format("cannot create the offset topic {}: {}",
                                               worker.offset_storage_topic, st.message)};
        }
    }
    return {};
}

result<std::vector<connector_offset>> read_offset_topic(const worker_settings& worker,
                                                        const std::string& connector) {
    config::diagnostics diags;
    client::client_settings admin_settings = worker.common;
    for (const auto& s : worker.admin.entries()) {
        admin_settings.set(s.key, s.value, s.origin, s.line);
    }
    auto admin = client::admin_client::create(admin_settings, diags, std::chrono::seconds(30));
    if (!admin) {
        return admin.take_error();
    }
    auto md = (*admin)->metadata();
    if (!md) {
        return md.take_error();
    }
    std::vector<client::topic_partition_offset> assign;
    std::map<int32_t, int64_t> ends;
    for (const auto& t : md->topics) {
        if (t.name != worker.offset_storage_topic) {
            continue;
        }
        for (const auto& p : t.partitions) {
            auto wm = (*admin)->query_watermarks({t.name, p.id});
            if (!wm) {
                return wm.take_error();
            }
            if (wm->high > wm->low) {
                assign.push_back({t.name, p.id, wm->low});
                ends[p.id] = wm->high;
            }
        }
    }
    std::vector<connector_offset> out;
    if (assign.empty()) {
        return out;
    }
    client::client_settings settings = worker.common;
    for (const auto& s : worker.consumer.entries()) {
        settings.set(s.key, s.value, s.origin, s.line);
    }
    settings.set("group.id", "connect-offset-reader", "connect offset reader");
    settings.set("enable.auto.commit", "false", "connect offset reader");
    settings.set("enable.partition.eof", "false", "connect offset reader");
    auto consumer = client::consumer::create(settings, diags);
    if (!consumer) {
        return consumer.take_error();
    }
    if (auto st = (*consumer)->assign(assign); !st) {
        return st.err();
    }
    auto json = schemaless_json();
    std::vector<client::message> msgs;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!ends.empty()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return error{errc::timed_out,
                         fmt::format("reading the offset topic {} did not reach its end in 30 s",
                                     worker.offset_storage_topic)};
        }
        msgs.clear();
        auto n = (*consumer)->poll_batch(msgs, 1000, std::chrono::milliseconds(200));
        if (!n) {
            return n.take_error();
        }
        for (const auto& m : msgs) {
            auto it = ends.find(m.partition());
            if (it != ends.end() && m.offset() + 1 >= it->second) {
                ends.erase(it);
            }
            auto key = json->to_connect("", m.key());
            if (!key || !key->value.is_list() || key->value.as_list().size() != 2 ||
                !key->value.as_list()[0].is_string() ||
                key->value.as_list()[0].as_string() != connector) {
                continue;
            }
            const data& partition = key->value.as_list()[1];
            auto value = json->to_connect("", m.value());
            data offset = value ? value->value : data();
            auto existing = std::find_if(out.begin(), out.end(), [&](const connector_offset& o) {
                return o.partition == partition;
            });
            if (existing != out.end()) {
                existing->offset = offset;
            } else {
                out.push_back({partition, offset});
            }
        }
    }
    (void)(*consumer)->close();
    std::erase_if(out, [](const connector_offset& o) { return o.offset.is_null(); });
    return out;
}

status send_offsets(client::producer& producer, const worker_settings& worker,
                    const std::string& connector, const std::vector<connector_offset>& offsets) {
    for (const auto& o : offsets) {
        std::string key = encode_offset_key(connector, o.partition);
        auto value = encode_offset_value(o.offset);
        client::outgoing_record r;
        r.topic = worker.offset_storage_topic;
        r.key = std::string_view(key);
        if (value) {
            r.value = std::string_view(*value);
        }
        if (auto st = producer.send(r); !st) {
            return st;
        }
    }
    return {};
}

}  // namespace cs::connect
