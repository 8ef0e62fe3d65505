#include "streams/transient_query.h"

#include <random>
#include <utility>

#include <fmt/format.h>

#include "base/log.h"

namespace cs::streams {

std::string transient_query_id(std::string_view source) {
    std::random_device rd;
    return fmt::format(
        "transient_{}_{}", source,
        std::uniform_int_distribution<uint64_t>(0, 9'999'999'999'999'999'999ULL)(rd));
}

transient_header transient_header_of(const query_plan& plan, bool pull) {
    transient_header h;
    h.query_id = plan.id;
    h.pull = pull;
    for (const auto& c : plan.sink.columns) {
        h.columns.push_back(
            {.name = c.name, .type = c.type.to_string(), .key = c.origin == column_origin::key});
    }
    return h;
}

status run_transient_plan(transient_run run, row_sink& sink, std::stop_token stop) {
    const transient_header header = transient_header_of(run.plan, run.pull);
    const std::string id = run.plan.id;
    const std::optional<int64_t> limit = run.limit;
    // A pull query over a TABLE: the latest row of each key, shown at the end.
    const bool table_pull = run.pull && run.plan.source.kind == source_kind::table;
    std::map<std::pair<int32_t, std::string>, std::vector<value>> latest;
    int64_t delivered = 0;
    std::vector<value> scratch;
    bool refused = false;  // the sink returned false
    auto deliver = [&](std::vector<value>& r) {
        ++delivered;
        if (!sink.on_row(r)) {
            refused = true;
            return false;
        }
        return !(limit && delivered >= *limit);
    };

    auto out = std::make_shared<transient_output>();
    out->from_beginning = run.pull || run.from_beginning;
    out->to_end = run.pull;
    out->emit = [&](const client::message& m, std::span<const value* const> r) {
        if (table_pull) {
            if (!m.key()) {
                return true;  // a table ignores a record without a key
            }
            auto key = std::make_pair(m.partition(), std::string(*m.key()));
            if (r.empty()) {
                latest.erase(key);
                return true;
            }
            auto& dst = latest[key];
            dst.clear();
            for (const value* v : r) {
                dst.push_back(*v);
            }
            return true;
        }
        if (r.empty()) {
            return true;  // a table's deletion: not a row to show
        }
        scratch.clear();
        for (const value* v : r) {
            scratch.push_back(*v);
        }
        return deliver(scratch);
    };
    run.options.transient = out;
    auto runner = query_runner::create(std::move(run.plan), std::move(run.tables), run.settings,
                                       std::move(run.options));
    if (!runner) {
        return runner.err();
    }
    query_runner& q = **runner;
    if (auto st = q.prepare(); !st) {
        q.stop();
        return st;
    }
    sink.on_header(header);
    const bool empty_limit = limit && *limit <= 0;
    while (!empty_limit && !stop.stop_requested() && !q.finished()) {
        if (auto n = q.step(); !n) {
            q.stop();
            return n.err();
        }
    }
    q.stop();
    if (table_pull && !stop.stop_requested() && !empty_limit) {
        for (auto& [key, r] : latest) {
            if (!deliver(r)) {
                break;
            }
        }
    }
    const auto& c = q.counters();
    log::get("streams")->info(
        "transient query {} ended: {} records read, {} rows delivered, {} bad records skipped{}",
        id, c.consumed.load(), delivered, c.dlq.load(), refused ? " (the client stopped it)" : "");
    return {};
}

}  // namespace cs::streams
