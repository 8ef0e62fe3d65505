#include "streams/golden_sync.h"

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>
#include <variant>

#include <fmt/format.h>

#include "streams/golden_json.h"
#include "streams/parser.h"
#include "streams/serde.h"

namespace cs::streams::golden {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// Generous: only reached when something is wrong (each wait ends as soon as
// its condition holds).
constexpr auto wait_limit = 30s;

}  // namespace

struct golden_sync::probe {
    std::string topic;      // the probe stream's topic
    std::string out_topic;  // the probe query's sink
    // Made after the probe topic exists (a producer meeting a topic newer
    // than itself waits for its next metadata refresh, about a second).
    std::unique_ptr<client::producer> writer;
    std::unique_ptr<client::consumer> reader;
};

result<query_info> describe_query(const engine& e, const query_status& s) {
    auto stmt = parse_statement(s.sql);
    if (!stmt) {
        return stmt.err();
    }
    const ast::select_stmt* select = nullptr;
    const ast::properties* with = nullptr;
    if (const auto* c = std::get_if<ast::create_as_select_stmt>(&stmt->body)) {
        select = &c->select;
        with = &c->with;
    } else if (const auto* i = std::get_if<ast::insert_select_stmt>(&stmt->body)) {
        select = &i->select;
        with = &i->with;
    } else {
        return error{errc::invalid_argument, "query " + s.id + ": not a query: " + s.sql};
    }
    const source_def* from = e.find(select->from.name);
    const source_def* sink = e.find(s.sink);
    if (from == nullptr || sink == nullptr) {
        return error{errc::not_found, "query " + s.id + ": source or sink not in the catalog"};
    }
    query_info q;
    q.id = s.id;
    q.sink = s.sink;
    q.source_topic = from->topic;
    q.sink_topic = sink->topic;
    q.dlq_topic = sink->topic + "-dlq";
    if (const auto* d = with->find("DLQ_TOPIC"); d != nullptr && !d->val.is_null()) {
        q.dlq_topic = d->val.as_string();
    }
    for (const auto& j : select->joins) {
        const source_def* other = e.find(j.source.name);
        if (other != nullptr && other->kind == from->kind && &j == &select->joins.front()) {
            q.other_source_topic = other->topic;  // a two-source join
            continue;
        }
        q.tables.push_back(j.source.name);
    }
    return q;
}

golden_sync::golden_sync(engine& e, client::admin_client& admin, client::producer& producer,
                         client::client_settings settings, std::string prefix)
    : engine_(e),
      admin_(admin),
      producer_(producer),
      settings_(std::move(settings)),
      prefix_(std::move(prefix)) {}

golden_sync::~golden_sync() = default;

result<std::vector<int32_t>> golden_sync::partitions_of(const std::string& topic) {
    auto md = admin_.metadata();
    if (!md) {
        return md.err();
    }
    std::vector<int32_t> out;
    for (const auto& t : md->topics) {
        if (t.name == topic) {
            for (const auto& p : t.partitions) {
                out.push_back(p.id);
            }
        }
    }
    return out;
}

result<int64_t> golden_sync::records_in(const std::string& topic) {
    auto parts = partitions_of(topic);
    if (!parts) {
        return parts.err();
    }
    int64_t n = 0;
    for (int32_t p : *parts) {
        auto wm = admin_.query_watermarks({topic, p});
        if (!wm) {
            return wm.err();
        }
        n += wm->high - wm->low;
    }
    return n;
}

// The counters DESCRIBE EXTENDED prints for the queries writing each sink
// ("<id>: consumed N, produced N, dlq N, filtered N, skipped N, lag N,
// state S"): query_statuses() has no filtered or skipped count.
result<std::map<std::string, golden_sync::counters>> golden_sync::read_counters(
    const std::vector<query_info>& queries) {
    static const std::regex line(
        R"((\S+): consumed (\d+), produced (\d+), dlq (\d+), filtered (\d+), skipped (\d+), lag -?\d+, state (\S+))");
    std::map<std::string, counters> out;
    std::set<std::string> sinks;
    for (const auto& q : queries) {
        sinks.insert(q.sink);
    }
    for (const auto& sink : sinks) {
        std::vector<std::string> text;
        if (auto st = engine_.execute_script(
                "DESCRIBE EXTENDED " + ast::quote_identifier(sink) + ";", text);
            !st) {
            return st.err();
        }
        for (const auto& t : text) {
            for (std::sregex_iterator it(t.begin(), t.end(), line), end; it != end; ++it) {
                const auto& m = *it;
                out[m[1].str()] = counters{std::stoull(m[2].str()), std::stoull(m[3].str()),
                                           std::stoull(m[4].str()), std::stoull(m[5].str()),
                                           std::stoull(m[6].str()), m[7].str()};
            }
        }
    }
    return out;
}

status golden_sync::quiesce(const std::vector<query_info>& queries) {
    // Upstream first: a query whose source no other waiting query writes.
    std::vector<const query_info*> order;
    std::vector<const query_info*> left;
    for (const auto& q : queries) {
        left.push_back(&q);
    }
    while (!left.empty()) {
        auto next = std::find_if(left.begin(), left.end(), [&](const query_info* q) {
            return std::none_of(left.begin(), left.end(), [&](const query_info* up) {
                return up != q &&
                       (up->sink_topic == q->source_topic || up->dlq_topic == q->source_topic ||
                        (!q->other_source_topic.empty() &&
                         up->sink_topic == q->other_source_topic));
            });
        });
        if (next == left.end()) {
            next = left.begin();  // a cycle: INSERT INTO its own source
        }
        order.push_back(*next);
        left.erase(next);
    }
    for (const query_info* q : order) {
        auto deadline = steady::now() + wait_limit;
        std::string last;
        while (true) {
            auto want = records_in(q->source_topic);
            if (!want) {
                return want.err();
            }
            if (!q->other_source_topic.empty()) {
                auto other = records_in(q->other_source_topic);
                if (!other) {
                    return other.err();
                }
                *want += *other;
            }
            auto all = read_counters(queries);
            if (!all) {
                return all.err();
            }
            auto it = all->find(q->id);
            if (it == all->end()) {
                return status(errc::not_found,
                              "DESCRIBE EXTENDED " + q->sink + " lists no counters for " + q->id);
            }
            const counters& c = it->second;
            if (c.state == "ERROR") {
                for (const auto& s : engine_.query_statuses()) {
                    if (s.id == q->id) {
                        return status(errc::io, "query " + q->id + " failed: " + s.error);
                    }
                }
            }
            // Each record read ends as at least one of these (a record of
            // several hopping windows is an output for each).
            if (c.consumed == static_cast<uint64_t>(*want) &&
                c.produced + c.dlq + c.filtered + c.skipped >= c.consumed) {
                break;
            }
            last = fmt::format(
                "{} of {} records of {} consumed; produced {}, dlq {}, filtered {}, skipped {}",
                c.consumed, *want, q->source_topic, c.produced, c.dlq, c.filtered, c.skipped);
            if (steady::now() > deadline) {
                return status(errc::timed_out, "query " + q->id + " did not finish: " + last);
            }
            std::this_thread::sleep_for(5ms);
        }
    }
    return {};
}

namespace {

// The PRIMARY KEY column of table `name`.
result<const column_def*> table_key(const engine& e, const std::string& name) {
    const source_def* def = e.find(name);
    if (def == nullptr) {
        return error{errc::not_found, "table " + name + " is gone"};
    }
    for (const auto& c : def->columns) {
        if (c.origin == column_origin::key) {
            return &c;
        }
    }
    return error{errc::invalid_argument, "table " + name + " has no PRIMARY KEY"};
}

}  // namespace

status golden_sync::start_probes(const std::set<std::string>& tables,
                                 std::vector<query_info>& queries) {
    for (const auto& t : tables) {
        if (auto p = probe_for(t, queries); !p) {
            return p.err();
        }
    }
    return {};
}

result<golden_sync::probe*> golden_sync::probe_for(const std::string& table,
                                                   std::vector<query_info>& queries) {
    if (auto it = probes_.find(table); it != probes_.end()) {
        return it->second.get();
    }
    auto found = table_key(engine_, table);
    if (!found) {
        return found.err();
    }
    const column_def& key = **found;
    int n = static_cast<int>(probes_.size()) + 1;
    auto p = std::make_unique<probe>();
    p->topic = fmt::format("{}-golden-probe-{}", prefix_, n);
    p->out_topic = p->topic + "-out";
    std::string stream = fmt::format("GOLDEN_PROBE_{}", n);
    std::string sql = fmt::format(
        "CREATE STREAM {0} (K {1}) WITH (KAFKA_TOPIC='{2}', VALUE_FORMAT='JSON', PARTITIONS=1);\n"
        "CREATE STREAM {0}_OUT WITH (KAFKA_TOPIC='{3}') AS SELECT p.K AS K, t.{4} AS HIT "
        "FROM {0} p LEFT JOIN {5} t ON p.K = t.{4};",
        stream, key.type.to_string(), p->topic, p->out_topic, ast::quote_identifier(key.name),
        ast::quote_identifier(table));
    std::vector<std::string> out;
    if (auto st = engine_.execute_script(sql, out); !st) {
        return error{st.code(), "the table probe failed: " + st.message() + "\n" + sql};
    }
    for (const auto& s : engine_.query_statuses()) {
        if (s.sink == stream + "_OUT") {
            auto q = describe_query(engine_, s);
            if (!q) {
                return q.err();
            }
            q->probe = true;
            queries.push_back(std::move(*q));
        }
    }
    config::diagnostics diags;
    auto writer = client::producer::create(settings_, diags);
    if (!writer) {
        return writer.err();
    }
    p->writer = std::move(*writer);
    client::client_settings cs = settings_;
    cs.set("group.id", "golden-probe-reader", "golden");
    cs.set("enable.auto.commit", "false", "golden");
    auto reader = client::consumer::create(cs, diags);
    if (!reader) {
        return reader.err();
    }
    p->reader = std::move(*reader);
    // Offset 0 of the new topic itself (offset_beginning costs a lookup).
    if (auto st = p->reader->assign({{p->out_topic, 0, 0}}); !st) {
        return st.err();
    }
    return probes_.emplace(table, std::move(p)).first->second.get();
}

status golden_sync::await_marker(probe& p, const std::string& key_json) {
    std::string record = "{\"K\":" + key_json + "}";
    auto deadline = steady::now() + wait_limit;
    std::vector<client::message> batch;
    while (steady::now() < deadline) {
        if (auto st = p.writer->send({.topic = p.topic, .value = record}); !st) {
            return st;
        }
        if (auto st = p.writer->flush(wait_limit); !st) {
            return st;
        }
        // The probe's answers, up to the one for this probe record.
        bool answered = false;
        while (!answered && steady::now() < deadline) {
            batch.clear();
            auto n = p.reader->poll_batch(batch, 100, 50ms);
            if (!n) {
                return n.err();
            }
            for (const auto& m : batch) {
                auto v = m.value() ? parse_json(*m.value()) : result<json>(json{});
                if (!v || !v->is_object()) {
                    continue;
                }
                const json* k = v->find("K");
                const json* hit = v->find("HIT");
                if (k == nullptr || hit == nullptr || to_json(*k) != key_json) {
                    continue;
                }
                if (!hit->is_null()) {
                    return {};
                }
                answered = true;  // not there yet: ask again
            }
        }
    }
    return status(errc::timed_out, "timed out waiting for the table probe to see " + key_json);
}

status golden_sync::sync_tables(const std::set<std::string>& tables,
                                const std::map<std::string, std::string>& values,
                                std::vector<query_info>& queries) {
    for (const auto& name : tables) {
        auto p = probe_for(name, queries);
        if (!p) {
            return p.err();
        }
        const source_def* def = engine_.find(name);
        const column_def* key = *table_key(engine_, name);
        auto parts = partitions_of(def->topic);
        if (!parts) {
            return parts.err();
        }
        auto encoder = row_encoder::create(*def);
        if (!encoder) {
            return encoder.err();
        }
        for (int32_t part : *parts) {
            int64_t n = ++markers_;
            row r(def->columns.size());
            value& k = r[static_cast<size_t>(key - def->columns.data())];
            std::string key_json;
            switch (key->type.kind) {
                case type_kind::string:
                    k = value(fmt::format("golden-sync-{}", n));
                    key_json = fmt::format("\"golden-sync-{}\"", n);
                    break;
                case type_kind::integer:
                    k = value(static_cast<int32_t>(2'000'000'000 + n));
                    key_json = std::to_string(2'000'000'000 + n);
                    break;
                case type_kind::bigint:
                    k = value(static_cast<int64_t>(8'000'000'000'000'000'000 + n));
                    key_json = std::to_string(8'000'000'000'000'000'000 + n);
                    break;
                default:
                    return status(errc::unsupported,
                                  "table " + name +
                                      ": a table input followed by a stream input needs a "
                                      "STRING, INTEGER or BIGINT key (the runner's sync marker)");
            }
            std::string kbytes;
            std::string vbytes;
            bool key_null = true;
            if (auto st = (*encoder)->encode(r, kbytes, key_null, vbytes); !st) {
                return st;
            }
            if (auto it = values.find(def->topic); it != values.end()) {
                vbytes = it->second;
            }
            if (auto st = producer_.send(
                    {.topic = def->topic, .partition = part, .key = kbytes, .value = vbytes});
                !st) {
                return st;
            }
            if (auto st = await_marker(**p, key_json); !st) {
                return st;
            }
        }
    }
    return {};
}

}  // namespace cs::streams::golden
