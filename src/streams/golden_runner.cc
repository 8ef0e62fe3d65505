#include "streams/golden_runner.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "client/admin.h"
#include "client/consumer.h"
#include "client/producer.h"
#include "streams/engine.h"
#include "streams/golden_compare.h"
#include "streams/golden_sync.h"
#include "streams/test_kafka.h"

namespace cs::streams::golden {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr auto wait_limit = 30s;

// Topic -> the file that used it, over this process's run.
std::map<std::string, std::string>& used_topics() {
    static std::map<std::string, std::string> m;
    return m;
}

// Engines of finished files, stopping on threads of their own: closing a
// query's consumer can wait up to a second for librdkafka's group timer.
struct stoppers {
    std::mutex mu;
    std::vector<std::thread> threads;
};
stoppers& background() {
    static stoppers s;
    return s;
}

class runner {
  public:
    runner(const cs::testing::test_broker& broker, const golden_case& c)
        : c_(c), settings_(test::settings_for(broker)) {}

    ~runner() {
        if (engine_) {
            std::lock_guard lock(background().mu);
            background().threads.emplace_back([e = std::move(engine_)]() mutable { e.reset(); });
        }
    }

    result<std::string> run() {
        config::diagnostics diags;
        auto admin = client::admin_client::create(settings_, diags);
        if (!admin) {
            return admin.err();
        }
        admin_ = std::move(*admin);
        if (auto st = check_new_topics(); !st) {
            return st.err();
        }
        engine_options o;
        o.service_id = "golden_" + c_.file + "_";
        o.persist = false;
        o.properties["auto.offset.reset"] = "earliest";
        auto e = engine::create(settings_, o);
        if (!e) {
            return e.err();
        }
        engine_ = std::move(*e);
        std::string report;
        if (auto st = run_statements(report); !st) {
            return st.err();
        }
        if (auto st = collect_queries(); !st) {
            return st.err();
        }
        // After the statements: a producer that first meets a topic created
        // after it waits for its next metadata refresh (about a second).
        auto producer = client::producer::create(settings_, diags);
        if (!producer) {
            return producer.err();
        }
        producer_ = std::move(*producer);
        sync_ = std::make_unique<golden_sync>(*engine_, *admin_, *producer_, settings_, c_.file);
        std::set<std::string> input_tables;  // joined tables the file writes
        for (const auto& in : c_.inputs) {
            if (auto t = table_topics_.find(in.topic); t != table_topics_.end()) {
                input_tables.insert(t->second.begin(), t->second.end());
            }
        }
        if (auto st = sync_->start_probes(input_tables, queries_); !st) {
            return st.err();
        }
        if (auto st = produce_inputs(); !st) {
            return st.err();
        }
        if (auto st = sync_->quiesce(queries_); !st) {
            return st.err();
        }
        auto compared = compare_topics();
        if (!compared) {
            return compared.err();
        }
        return report + *compared;
    }

  private:
    // Every topic the file names must be new on the broker (one broker runs
    // all files) and not used by another file of this run.
    status check_new_topics() {
        auto md = admin_->metadata();
        if (!md) {
            return md.err();
        }
        std::set<std::string> named;
        for (const auto& in : c_.inputs) {
            named.insert(in.topic);
        }
        for (const auto& out : c_.outputs) {
            named.insert(out.topic);
        }
        for (const auto& t : named) {
            if (auto st = claim_topic(t); !st) {
                return st;
            }
            for (const auto& mt : md->topics) {
                if (mt.name == t) {
                    return status(errc::already_exists,
                                  fmt::format("topic {} already exists before the statements "
                                              "ran: each golden file needs topic names of its own",
                                              t));
                }
            }
        }
        return {};
    }

    status claim_topic(const std::string& topic) {
        auto [it, fresh] = used_topics().emplace(topic, c_.file);
        if (!fresh && it->second != c_.file) {
            return status(errc::already_exists,
                          fmt::format("topic {} is also used by golden file {}: each file needs "
                                      "topic names of its own",
                                      topic, it->second));
        }
        return {};
    }

    status run_statements(std::string& report) {
        for (size_t i = 0; i < c_.statements.size(); ++i) {
            const auto& s = c_.statements[i];
            std::vector<std::string> out;
            auto st = engine_->execute_script(s.sql, out);
            if (s.errors.empty()) {
                if (!st) {
                    return status(st.code(), fmt::format("statement {} failed:\n{}\n{}", i, s.sql,
                                                         st.message()));
                }
                continue;
            }
            if (st) {
                report +=
                    fmt::format("statement {} succeeded, expected it to fail:\n  {}\n", i, s.sql);
                continue;
            }
            for (const auto& want : s.errors) {
                if (st.message().find(want) == std::string::npos) {
                    report += fmt::format(
                        "statement {}: the error does not contain '{}'\n  statement: {}\n  "
                        "error: {}\n",
                        i, want, s.sql, st.message());
                }
            }
        }
        return {};
    }

    status collect_queries() {
        for (const auto& s : engine_->query_statuses()) {
            auto q = describe_query(*engine_, s);
            if (!q) {
                return q.err();
            }
            for (const auto* t : {&q->sink_topic, &q->dlq_topic}) {
                if (auto st = claim_topic(*t); !st) {
                    return st;
                }
            }
            for (const auto& t : q->tables) {
                if (const source_def* def = engine_->find(t)) {
                    table_topics_[def->topic].insert(t);
                }
            }
            queries_.push_back(std::move(*q));
        }
        return {};
    }

    // Inputs in file order. A table change followed by a stream record is
    // made visible to the joins first; a stream record followed by a table
    // change is processed first (golden_sync).
    status produce_inputs() {
        bool streams_dirty = false;  // stream records sent since the last quiesce
        std::set<std::string> pending_tables;
        // The two sources of a join are read in one group, in no set order
        // across topics: a record to one of them after records to the other
        // waits until those are processed.
        std::string last_join_topic;
        for (const auto& in : c_.inputs) {
            bool to_stream = std::any_of(queries_.begin(), queries_.end(), [&](const auto& q) {
                return q.source_topic == in.topic || q.other_source_topic == in.topic;
            });
            bool to_join = std::any_of(queries_.begin(), queries_.end(), [&](const auto& q) {
                return !q.other_source_topic.empty() &&
                       (q.source_topic == in.topic || q.other_source_topic == in.topic);
            });
            if (to_join && !last_join_topic.empty() && last_join_topic != in.topic) {
                if (auto st = flush(); !st) {
                    return st;
                }
                if (auto st = sync_->quiesce(queries_); !st) {
                    return st;
                }
                streams_dirty = false;
            }
            if (to_join) {
                last_join_topic = in.topic;
            }
            auto table = table_topics_.find(in.topic);
            bool to_table = table != table_topics_.end();
            if (to_table && streams_dirty) {
                if (auto st = flush(); !st) {
                    return st;
                }
                if (auto st = sync_->quiesce(queries_); !st) {
                    return st;
                }
                streams_dirty = false;
            }
            if (to_stream && !pending_tables.empty()) {
                if (auto st = flush(); !st) {
                    return st;
                }
                if (auto st = sync_->sync_tables(pending_tables, last_table_value_, queries_);
                    !st) {
                    return st;
                }
                pending_tables.clear();
            }
            if (auto st = send(in); !st) {
                return st;
            }
            streams_dirty = streams_dirty || to_stream;
            if (to_table) {
                pending_tables.insert(table->second.begin(), table->second.end());
                if (!in.value.null) {
                    last_table_value_[in.topic] = in.value.bytes;
                }
            }
        }
        return flush();
    }

    status send(const input& in) {
        client::outgoing_record r{
            .topic = in.topic,
            .key = in.key.null ? std::nullopt : std::optional<std::string_view>(in.key.bytes),
            .value = in.value.null ? std::nullopt : std::optional<std::string_view>(in.value.bytes),
            .timestamp_ms = in.timestamp.value_or(0)};
        if (in.partition) {
            r.partition = *in.partition;
        }
        for (const auto& [k, v] : in.headers) {
            r.headers.push_back({k, v});
        }
        return producer_->send(r);
    }

    status flush() {
        if (auto st = producer_->flush(wait_limit); !st) {
            return st;
        }
        if (producer_->stats().failed > 0) {
            return status(errc::io, "input records not delivered: " + producer_->summary());
        }
        return {};
    }

    // Reads every record of the topics; a topic that does not exist is empty.
    result<std::map<std::string, std::vector<actual_record>>> read_topics(
        const std::vector<std::string>& topics) {
        std::map<std::string, std::vector<actual_record>> out;
        std::vector<client::topic_partition_offset> assignment;
        int64_t total = 0;
        for (const auto& t : topics) {
            out[t];
            auto parts = sync_->partitions_of(t);
            if (!parts) {
                return parts.err();
            }
            // From the log start offset itself: offset_beginning would cost
            // the consumer an offset lookup first.
            for (int32_t p : *parts) {
                auto wm = admin_->query_watermarks({t, p});
                if (!wm) {
                    return wm.err();
                }
                assignment.push_back({t, p, wm->low});
                total += wm->high - wm->low;
            }
        }
        if (total == 0) {
            return out;
        }
        client::client_settings cs = settings_;
        cs.set("group.id", "golden-reader", "golden");
        cs.set("enable.auto.commit", "false", "golden");
        config::diagnostics diags;
        auto consumer = client::consumer::create(cs, diags);
        if (!consumer) {
            return consumer.err();
        }
        if (auto st = (*consumer)->assign(assignment); !st) {
            return st.err();
        }
        int64_t got = 0;
        auto deadline = steady::now() + wait_limit;
        std::vector<client::message> batch;
        while (got < total && steady::now() < deadline) {
            batch.clear();
            auto n = (*consumer)->poll_batch(batch, 1000, 100ms);
            if (!n) {
                return n.err();
            }
            for (const auto& m : batch) {
                actual_record r = test::to_read_record(m);
                out[std::string(m.topic())].push_back(std::move(r));
                ++got;
            }
        }
        (void)(*consumer)->close();
        if (got < total) {
            return error{
                errc::timed_out,
                fmt::format("read {} of the {} records of the compared topics", got, total)};
        }
        for (auto& [t, records] : out) {
            std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
                return std::tie(a.partition, a.offset) < std::tie(b.partition, b.offset);
            });
        }
        return out;
    }

    // The file's output topics, then every sink and DLQ topic of its queries.
    result<std::string> compare_topics() {
        std::vector<std::string> topics;
        auto add = [&](const std::string& t) {
            if (std::find(topics.begin(), topics.end(), t) == topics.end()) {
                topics.push_back(t);
            }
        };
        for (const auto& o : c_.outputs) {
            add(o.topic);
        }
        for (const auto& q : queries_) {
            if (!q.probe) {
                add(q.sink_topic);
                add(q.dlq_topic);
            }
        }
        auto actual = read_topics(topics);
        if (!actual) {
            return actual.err();
        }
        std::string report;
        for (const auto& t : topics) {
            std::vector<const output*> expected;
            for (const auto& o : c_.outputs) {
                if (o.topic == t) {
                    expected.push_back(&o);
                }
            }
            bool unordered =
                std::find(c_.unordered.begin(), c_.unordered.end(), t) != c_.unordered.end();
            report += compare_topic(t, expected, (*actual)[t], unordered);
        }
        return report;
    }

    const golden_case& c_;
    client::client_settings settings_;
    std::unique_ptr<client::admin_client> admin_;
    std::unique_ptr<engine> engine_;
    std::unique_ptr<client::producer> producer_;
    std::unique_ptr<golden_sync> sync_;
    std::vector<query_info> queries_;
    std::map<std::string, std::set<std::string>> table_topics_;  // topic -> joined tables on it
    std::map<std::string, std::string> last_table_value_;        // topic -> last value sent
};

}  // namespace

result<std::string> run_case(const cs::testing::test_broker& broker, const golden_case& c) {
    return runner(broker, c).run();
}

void wait_for_stopped_engines() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(background().mu);
        threads.swap(background().threads);
    }
    for (auto& t : threads) {
        t.join();
    }
}

}  // namespace cs::streams::golden
