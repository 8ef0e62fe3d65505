// JDBC sink rows/s into PostgreSQL vs `psql \copy` of the same rows into the
// same table, in the same run, on a throw-away cluster with fsync on
// (testing/postgres_server.h). Rows are enriched clicks (schemaless maps,
// key {user_id, timestamp}), the seed config's shape. Each mode writes into
// a freshly truncated table; put() is called with --per-put records at a
// time, as the worker does with one poll's records. Both sink write paths are
// measured: multi-row INSERT statements ("rows") and the COPY bulk path
// ("copy": COPY into the table for insert, COPY into a staging table + INSERT
// ... SELECT ... ON CONFLICT for upsert, after a COPY straight into the
// table that fails when a key exists), which the task uses by default. The
// last column upserts the same rows again over the table the copy-upsert run
// left: every key exists (the merge path after one failed direct COPY).
//
//   jdbc_sink_bench [--rows N] [--per-put N] [--batch-size N] [--rounds N]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "connect/connectors/jdbc/jdbc_sink_connector.h"
#include "connect/connectors/jdbc/jdbc_sink_task.h"
#include "connect/connectors/jdbc/test_records.h"
#include "testing/postgres_server.h"

namespace {

using cs::connect::record;
using namespace cs::connect::jdbc;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct null_reporter final : cs::connect::errant_record_reporter {
    size_t n = 0;
    void report(const record&, const std::string&) override { ++n; }
};

}  // namespace

int main(int argc, char** argv) {
    int rows = 200000, per_put = 3000, batch_size = 3000, rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        int v = std::atoi(argv[i + 1]);
        if (a == "--rows") {
            rows = v;
        } else if (a == "--per-put") {
            per_put = v;
        } else if (a == "--batch-size") {
            batch_size = v;
        } else if (a == "--rounds") {
            rounds = v;
        } else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    cs::testing::postgres_options opts;
    opts.fsync = true;
    auto server = cs::testing::postgres_server::start_new(opts);
    if (!server.ok()) {
        std::fprintf(stderr, "cannot start PostgreSQL: %s\n", server.err().message.c_str());
        return 1;
    }
    auto& pg = **server;
    const std::string ddl =
        "CREATE TABLE clicks (\"timestamp\" TEXT NOT NULL, user_id TEXT NOT NULL, device_id "
        "TEXT, url TEXT, user_name TEXT, device_type TEXT, url_category TEXT, PRIMARY KEY "
        "(user_id, \"timestamp\"))";
    if (auto r = pg.psql(ddl); !r.ok()) {
        std::fprintf(stderr, "%s\n", r.err().message.c_str());
        return 1;
    }
    // Unique keys: user_(i % 7) with a timestamp unique per row.
    std::vector<record> recs;
    recs.reserve(static_cast<size_t>(rows));
    std::string csv_path = pg.dir() + "/clicks.tsv";
    {
        std::ofstream csv(csv_path);
        for (int i = 0; i < rows; ++i) {
            record r = test::schemaless_click(i);
            std::string ts = fmt::format("2025-04-30T12:00:00.{:09}Z", i);
            auto k = r.key.as_map();
            k[1].second = ts;
            r.key = cs::connect::data::map(k);
            auto v = r.value.as_map();
            v[0].second = ts;
            r.value = cs::connect::data::map(v);
            for (size_t f = 0; f < v.size(); ++f) {
                csv << (f ? "\t" : "") << v[f].second.as_string();
            }
            csv << "\n";
            recs.push_back(std::move(r));
        }
    }
    std::string copy_cmd = pg.dir() + "/copy.sql";
    {
        std::ofstream f(copy_cmd);
        f << "\\copy clicks FROM '" << csv_path << "'\n";
    }
    auto plugin = make_jdbc_sink_connector();
    // fresh: into an empty table; otherwise over the rows the previous run
    // left (every upsert updates an existing key).
    auto run_sink = [&](const char* mode, bool copy_path, bool fresh = true) -> double {
        if (fresh) {
            (void)pg.psql("TRUNCATE clicks");
        }
        cs::connect::config_map c{{"name", "bench"},
                                  {"connection.url", pg.jdbc_url()},
                                  {"connection.user", pg.user()},
                                  {"insert.mode", mode},
                                  {"pk.mode", "record_key"},
                                  {"pk.fields", "user_id,timestamp"},
                                  {"table.name.format", "clicks"},
                                  {"batch.size", std::to_string(batch_size)}};
        null_reporter rep;
        auto task = plugin->make_sink_task();
        dynamic_cast<jdbc_sink_task&>(*task).set_copy_enabled(copy_path);
        if (!task->start(c, rep).ok()) {
            std::fprintf(stderr, "start failed\n");
            std::exit(1);
        }
        auto t0 = std::chrono::steady_clock::now();
        for (size_t i = 0; i < recs.size(); i += static_cast<size_t>(per_put)) {
            size_t n = std::min(static_cast<size_t>(per_put), recs.size() - i);
            auto st = task->put(std::span(recs).subspan(i, n));
            if (!st.ok()) {
                std::fprintf(stderr, "put failed: %s\n", st.message().c_str());
                std::exit(1);
            }
        }
        double s = seconds_since(t0);
        task->stop();
        auto count = pg.psql("SELECT count(*) FROM clicks");
        if (!count.ok() || std::stoi(*count) != rows || rep.n != 0) {
            std::fprintf(stderr, "wrong row count after %s\n", mode);
            std::exit(1);
        }
        return s;
    };
    auto run_copy = [&]() -> double {
        (void)pg.psql("TRUNCATE clicks");
        auto t0 = std::chrono::steady_clock::now();
        auto r = pg.psql_file(copy_cmd);
        double s = seconds_since(t0);
        if (!r.ok()) {
            std::fprintf(stderr, "copy failed: %s\n", r.err().message.c_str());
            std::exit(1);
        }
        return s;
    };
    std::printf("rows=%d per_put=%d batch.size=%d (fsync=on)\n", rows, per_put, batch_size);
    std::printf(
        "round | \\copy rows/s | insert rows/s (rows / copy) | upsert rows/s (rows / copy) | "
        "insert/\\copy (rows / copy) | upsert/\\copy (rows / copy) | existing keys: upsert "
        "rows/s (copy), /\\copy\n");
    for (int round = 0; round < rounds; ++round) {
        double copy = run_copy();
        double ins_rows = run_sink("insert", false);
        double ins_copy = run_sink("insert", true);
        double ups_rows = run_sink("upsert", false);
        double ups_copy = run_sink("upsert", true);
        double ups_update = run_sink("upsert", true, /*fresh=*/false);
        std::printf(
            "%d | %.0f | %.0f / %.0f | %.0f / %.0f | %.2f / %.2f | %.2f / %.2f | %.0f, %.2f\n",
            round, rows / copy, rows / ins_rows, rows / ins_copy, rows / ups_rows, rows / ups_copy,
            copy / ins_rows, copy / ins_copy, copy / ups_rows, copy / ups_copy, rows / ups_update,
            copy / ups_update);
        std::fflush(stdout);
    }
    return 0;
}
