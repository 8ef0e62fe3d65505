// Expression evaluation of the seeds' enrichment query (three LEFT JOINs,
// seven projected columns) on joined rows, against a physical floor measured
// in the same run on the same bytes:
//
//   eval:    out[i] = projection.expr->eval(ctx) (a copy of every column,
//            strings included, then a move into the reused output row)
//   ref:     out[i] = *projection.expr->ref(ctx) when the expression lends
//            its value (row_expr::ref), else eval(): one copy-assignment that
//            reuses the output strings' capacity
//   memcpy:  copying the projected strings' bytes once, contiguous (the
//            least any projection must do)
//
// The plan comes from the real planner (parse -> plan_create_as_select), so
// the expression trees are the ones the runtime evaluates. Each iteration
// evaluates every projection of `rows` distinct joined rows; counters report
// rows/s and ratio = memcpy time / our time (1.0 = as fast as the floor).
//
//   streams_eval_bench [--benchmark_filter=...]

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "streams/parser.h"
#include "streams/planner.h"

namespace cs::streams {
namespace {

using seconds = std::chrono::duration<double>;
using steady = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
    fmt::print(stderr, "streams_eval_bench: {}\n", what);
    std::abort();
}

query_plan enrichment_plan() {
    map_catalog catalog;
    for (std::string_view sql :
         {"CREATE TABLE users (`user_id` STRING PRIMARY KEY, `user_name` STRING) "
          "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');",
          "CREATE TABLE devices (`device_id` STRING PRIMARY KEY, `device_type` STRING) "
          "WITH (KAFKA_TOPIC='devices', VALUE_FORMAT='JSON');",
          "CREATE TABLE urls (`url` STRING PRIMARY KEY, `url_category` STRING) "
          "WITH (KAFKA_TOPIC='urls', VALUE_FORMAT='JSON');",
          "CREATE STREAM clickstream (`timestamp` STRING, `user_id` STRING, `device_id` "
          "STRING, `url` STRING) WITH (KAFKA_TOPIC='clickstream', VALUE_FORMAT='JSON');"}) {
        auto st = parse_statement(sql);
        if (!st.ok()) {
            die(st.err().message);
        }
        auto def = make_source_def(std::get<ast::create_source_stmt>(st->body), *st);
        if (!def.ok()) {
            die(def.err().message);
        }
        catalog.defs[def->name] = *def;
    }
    static ast::statement stmt;
    auto st = parse_statement(
        "CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched-clickstream') AS "
        "SELECT c.`timestamp` AS `timestamp`, c.`user_id` AS `user_id`, c.`device_id` AS "
        "`device_id`, c.`url` AS `url`, u.`user_name` AS `user_name`, d.`device_type` AS "
        "`device_type`, l.`url_category` AS `url_category` FROM clickstream c "
        "LEFT JOIN users u ON c.`user_id` = u.`user_id` "
        "LEFT JOIN devices d ON d.`device_id` = c.`device_id` "
        "LEFT JOIN urls l ON c.`url` = l.`url`;");
    if (!st.ok()) {
        die(st.err().message);
    }
    stmt = std::move(st).value();
    auto plan =
        plan_create_as_select(std::get<ast::create_as_select_stmt>(stmt.body), stmt, catalog);
    if (!plan.ok()) {
        die(plan.err().message);
    }
    return std::move(plan).value();
}

// Joined rows shaped like the generator's events (strings past the
// small-string buffer, as real timestamps, ids and URLs are).
std::vector<row> joined_rows(size_t n, size_t width) {
    std::vector<row> rows;
    rows.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        std::string user = fmt::format("user_{:06}", i % 100000);
        std::string device = fmt::format("device_{:05}", i % 20000);
        std::string url = fmt::format("/products/item-{:04}", i % 5000);
        row r = {
            value(fmt::format("2025-04-30T12:{:02}:{:02}.{:03}Z", (i / 60) % 60, i % 60, i % 1000)),
            value(user),
            value(device),
            value(url),
            value(user),
            value(fmt::format("Customer Name {:06}", i % 100000)),
            value(device),
            value(i % 3 == 0 ? "iPhone 15 Pro Max" : "Samsung Galaxy S24"),
            value(url),
            value(std::string("product-detail-page"))};
        if (r.size() != width) {
            die(fmt::format("joined row width {} != plan's {}", r.size(), width));
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

double time_eval(const query_plan& p, const std::vector<row>& rows, row& out) {
    auto t0 = steady::now();
    eval_context ctx;
    for (const row& r : rows) {
        ctx.joined = &r;
        for (size_t i = 0; i < p.projections.size(); ++i) {
            auto v = p.projections[i].expr->eval(ctx);
            if (!v.ok()) {
                die(v.err().message);
            }
            out[i] = std::move(v).value();
        }
        benchmark::DoNotOptimize(out.data());
    }
    return seconds(steady::now() - t0).count();
}

double time_ref(const query_plan& p, const std::vector<row>& rows, row& out) {
    auto t0 = steady::now();
    eval_context ctx;
    for (const row& r : rows) {
        ctx.joined = &r;
        for (size_t i = 0; i < p.projections.size(); ++i) {
            const row_expr& e = *p.projections[i].expr;
            if (const value* lent = e.ref(ctx)) {
                out[i] = *lent;
                continue;
            }
            auto v = e.eval(ctx);
            if (!v.ok()) {
                die(v.err().message);
            }
            out[i] = std::move(v).value();
        }
        benchmark::DoNotOptimize(out.data());
    }
    return seconds(steady::now() - t0).count();
}

double time_memcpy(const std::string& src, std::string& dst) {
    dst.resize(src.size());
    auto t0 = steady::now();
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
    return seconds(steady::now() - t0).count();
}

// range(0): distinct joined rows per iteration.
void BM_EnrichmentProjections(benchmark::State& state) {
    const auto n = static_cast<size_t>(state.range(0));
    const query_plan plan = enrichment_plan();
    const std::vector<row> rows = joined_rows(n, plan.joined_width);
    // The floor's input: the projected strings' bytes, laid out contiguously.
    std::string projected;
    {
        eval_context ctx;
        for (const row& r : rows) {
            ctx.joined = &r;
            for (const auto& pr : plan.projections) {
                auto v = pr.expr->eval(ctx);
                if (!v.ok() || v->is_null()) {
                    die("projection failed or NULL");
                }
                projected += v->as_string();
            }
        }
    }
    row out_eval(plan.projections.size());
    row out_ref(plan.projections.size());
    std::string copy;
    double eval_s = 0, ref_s = 0, copy_s = 0, total_rows = 0;
    for (auto _ : state) {
        eval_s += time_eval(plan, rows, out_eval);
        ref_s += time_ref(plan, rows, out_ref);
        copy_s += time_memcpy(projected, copy);
        total_rows += static_cast<double>(n);
    }
    if (!(out_eval == out_ref)) {
        die("eval and ref paths disagree");
    }
    state.counters["eval_rows_per_s"] = total_rows / eval_s;
    state.counters["ref_rows_per_s"] = total_rows / ref_s;
    state.counters["memcpy_rows_per_s"] = total_rows / copy_s;
    state.counters["eval_ratio"] = copy_s / eval_s;
    state.counters["ref_ratio"] = copy_s / ref_s;
    state.counters["ref_speedup"] = eval_s / ref_s;
    state.counters["bytes_per_row"] =
        static_cast<double>(projected.size()) / static_cast<double>(n);
}
BENCHMARK(BM_EnrichmentProjections)->Arg(4096)->Arg(65536)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cs::streams

BENCHMARK_MAIN();
