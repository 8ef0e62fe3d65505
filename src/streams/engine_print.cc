// PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n]: ksqlDB's
// StreamedQueryResource.handlePrintTopic and TopicStreamWriter. The topic's
// partitions are assigned (no group joins, nothing is committed) from the
// beginning (FROM BEGINNING, or auto.offset.reset=earliest) or the end, and
// every polled batch goes through a topic_printer (record_formatter.h).

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "base/ascii.h"
#include "client/admin.h"
#include "client/consumer.h"
#include "streams/engine.h"
#include "streams/record_formatter.h"

namespace cs::streams {
status engine::run_print(const ast::statement& original,
                         const std::function<bool(const std::string& line)>& on_line,
                         std::stop_token stop, const request_scope& scope,
                         const std::function<bool()>& on_idle) {
    ast::print_stmt p;
    client::client_settings settings;
    bool earliest = false;
    std::chrono::milliseconds poll_timeout{};
    {
        std::lock_guard lock(statement_mu_);
        auto stmt = substitute_unlocked(original, scope);
        if (!stmt) {
            return stmt.err();
        }
        const auto* print = std::get_if<ast::print_stmt>(&stmt->body);
        if (print == nullptr) {
            return status(errc::invalid_argument,
                          "run_print runs a PRINT; other statements go to execute()");
        }
        p = *print;
        auto o = request_runner_options(scope.properties);
        if (!o) {
            return o.err();
        }
        earliest = o->auto_offset_reset == "earliest";
        settings = settings_;
        poll_timeout = options_.poll_timeout;
    }
    if (p.interval < 1) {
        return status(errc::invalid_argument,
                      fmt::format("INTERVAL must be greater than one, but was: {}", p.interval));
    }

    config::diagnostics diags;
    auto admin = client::admin_client::create(settings, diags);
    if (!admin) {
        return admin.err();
    }
    auto md = (*admin)->metadata();
    if (!md) {
        return md.err();
    }
    const client::topic_metadata* topic = nullptr;
    std::string suggestions;
    for (const auto& t : md->topics) {
        if (t.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            continue;
        }
        if (t.name == p.topic) {
            topic = &t;
        } else if (ascii_iequals(t.name, p.topic)) {
            suggestions += "\n\tprint " + t.name + ";";
        }
    }
    if (topic == nullptr) {
        return status(
            errc::not_found,
            fmt::format("Could not find topic '{}', or the KSQL user does not have "
                        "permissions to list the topic. Topic names are "
                        "case-sensitive.{}",
                        p.topic, suggestions.empty() ? "" : "\nDid you mean:" + suggestions));
    }

    std::random_device rd;
    settings.set(
        "group.id",
        fmt::format("_confluent-ksql-print-{}", std::uniform_int_distribution<uint64_t>()(rd)),
        "PRINT");
    settings.set("enable.auto.commit", "false", "PRINT: commits nothing");
    settings.set("enable.auto.offset.store", "false", "PRINT: commits nothing");
    auto consumer = client::consumer::create(settings, diags);
    if (!consumer) {
        return consumer.err();
    }
    std::vector<client::topic_partition_offset> assignment;
    for (const auto& part : topic->partitions) {
        assignment.push_back(
            {p.topic, part.id,
             p.from_beginning || earliest ? client::offset_beginning : client::offset_end});
    }
    if (auto st = (*consumer)->assign(assignment); !st) {
        return st;
    }

    topic_printer printer(p.interval, p.limit);
    std::vector<client::message> batch;
    std::vector<print_record> records;
    while (!stop.stop_requested() && !printer.limit_reached()) {
        batch.clear();
        auto n = (*consumer)->poll_batch(batch, 500, poll_timeout);
        if (!n) {
            return n.err();
        }
        if (batch.empty() && on_idle && !on_idle()) {
            return {};
        }
        records.clear();
        for (const auto& m : batch) {
            records.push_back({m.key(), m.value(), m.timestamp_ms(), m.partition()});
        }
        for (const auto& line : printer.batch(records)) {
            if (!on_line(line)) {
                return {};
            }
        }
    }
    return {};
}

}  // namespace cs::streams
