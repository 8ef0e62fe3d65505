#include "streams/command_log.h"

#include <simdjson.h>

#include "client/consumer.h"
#include "formats/json_writer.h"

namespace cs::streams {

using namespace std::chrono_literals;

std::string encode_command(const command& c) {
    std::string props = "{";
    bool first = true;
    for (const auto& [k, v] : c.properties) {
        if (!first) {
            props += ',';
        }
        first = false;
        formats::append_json_string(props, k);
        props += ':';
        formats::append_json_string(props, v);
    }
    props += '}';
    std::string out;
    formats::json_object_writer w(out);
    w.string("statement", c.statement).raw("streamsProperties", props);
    w.close();
    return out;
}

result<command> decode_command(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(json.data(), json.size()).get(doc); err) {
        return error{errc::invalid_argument, std::string("command topic record is not JSON: ") +
                                                 simdjson::error_message(err)};
    }
    command c;
    std::string_view stmt;
    if (doc["statement"].get_string().get(stmt) != simdjson::SUCCESS) {
        return error{errc::invalid_argument, "command topic record has no \"statement\" string"};
    }
    c.statement = std::string(stmt);
    simdjson::dom::object props;
    if (doc["streamsProperties"].get_object().get(props) == simdjson::SUCCESS) {
        for (auto [k, v] : props) {
            std::string_view s;
            if (v.get_string().get(s) == simdjson::SUCCESS) {
                c.properties.emplace(std::string(k), std::string(s));
            } else {
                c.properties.emplace(std::string(k), simdjson::minify(v));
            }
        }
    }
    return c;
}

command_log::~command_log() = default;

result<std::unique_ptr<command_log>> command_log::open(const client::client_settings& settings,
                                                       client::admin_client& admin,
                                                       std::string topic) {
    auto md = admin.metadata();
    if (!md) {
        return md.err();
    }
    bool exists = false;
    for (const auto& t : md->topics) {
        exists = exists || (t.name == topic && t.error == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    if (!exists) {
        auto created = admin.create_topics({client::new_topic{
            .name = topic, .partitions = 1, .replication_factor = -1, .configs = {}}});
        if (!created) {
            return created.err();
        }
        for (const auto& s : *created) {
            if (!s.ok() && s.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                return error{errc::io, "cannot create command topic " + topic + ": " + s.message};
            }
        }
    }
    std::unique_ptr<command_log> log(new command_log());
    log->settings_ = settings;
    log->admin_ = &admin;
    log->topic_ = std::move(topic);
    client::client_settings ps = settings;
    ps.set("acks", "all", "command topic");
    config::diagnostics diags;
    auto p = client::producer::create(ps, diags);
    if (!p) {
        return p.err();
    }
    log->producer_ = std::move(*p);
    return log;
}

status command_log::append(const command& c, std::string_view key) {
    std::string v = encode_command(c);
    if (auto st = producer_->send(client::outgoing_record{.topic = topic_,
                                                          .partition = 0,
                                                          .key = key,
                                                          .value = v,
                                                          .headers = {},
                                                          .timestamp_ms = 0});
        !st) {
        return st;
    }
    uint64_t failed = producer_->stats().failed;
    if (auto st = producer_->flush(30s); !st) {
        return st;
    }
    if (producer_->stats().failed != failed) {
        return error{errc::io, "cannot write to the command topic " + topic_};
    }
    return {};
}

result<std::vector<command>> command_log::read_all() {
    auto wm = admin_->query_watermarks({topic_, 0});
    if (!wm) {
        return wm.err();
    }
    std::vector<command> out;
    if (wm->high <= wm->low) {
        return out;
    }
    client::client_settings cs = settings_;
    cs.set("group.id", "_clickstream-command-reader", "command topic");
    cs.set("enable.auto.commit", "false", "command topic");
    config::diagnostics diags;
    auto consumer = client::consumer::create(cs, diags);
    if (!consumer) {
        return consumer.err();
    }
    if (auto st = (*consumer)->assign({{topic_, 0, wm->low}}); !st) {
        return st.err();
    }
    std::vector<client::message> batch;
    int64_t next = wm->low;
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (next < wm->high) {
        if (std::chrono::steady_clock::now() > deadline) {
            return error{errc::timed_out, "timed out reading the command topic " + topic_};
        }
        batch.clear();
        auto n = (*consumer)->poll_batch(batch, 500, 200ms);
        if (!n) {
            return n.err();
        }
        for (const auto& m : batch) {
            next = m.offset() + 1;
            if (m.offset() >= wm->high || !m.value()) {
                continue;
            }
            auto c = decode_command(*m.value());
            if (!c) {
                return error{c.err().code, c.err().message + " (" + topic_ + " offset " +
                                               std::to_string(m.offset()) + ")"};
            }
            out.push_back(std::move(*c));
        }
    }
    (void)(*consumer)->close();
    return out;
}

}  // namespace cs::streams
