#pragma once

// What `clickstream up` shows while it runs and when it ends: counts read
// from where the data is (topic end offsets, the sinks' committed offsets,
// the database, the lake directory), never from counters that restart with
// the process, so a resumed run shows the totals.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "client/admin.h"
#include "streams/engine.h"

namespace cs::cli {

struct stage_counts {
    int64_t produced = 0;       // records in clickstream
    int64_t enriched = 0;       // records in enriched-clickstream
    int64_t dlq = 0;            // records in clickstream-dlq
    int64_t db_rows = -1;       // rows in the sink table; -1: not there yet
    int64_t parquet_files = 0;  // .parquet files under the lake
    int64_t parquet_rows = 0;   // records the Parquet sink committed (in finished files)
    int64_t sql_lag = 0;        // records the SQL queries have yet to read
    int64_t db_lag = 0;         // enriched records the database sink has yet to commit
    int64_t lake_lag = 0;       // enriched records the Parquet sink has yet to commit

    // Every one of count events went through every stage.
    bool finished(uint64_t count) const {
        return produced >= static_cast<int64_t>(count) && enriched + dlq >= produced &&
               sql_lag == 0 && db_lag == 0 && lake_lag == 0;
    }
};

class status_probe {
  public:
    // db: "<jdbc url>|<user>|<password>" of the database sink.
    status_probe(client::admin_client& admin, std::string db, std::filesystem::path lake,
                 std::string db_connector, std::string lake_connector);

    int64_t produced();
    stage_counts sample(const streams::engine& engine);

  private:
    int64_t end_offsets(const std::string& topic);
    int64_t committed(const std::string& group, const std::string& topic);
    int64_t db_rows();

    client::admin_client& admin_;
    std::string db_;
    std::filesystem::path lake_;
    std::string db_group_;
    std::string lake_group_;
};

// A refreshing line on a terminal; a plain line every interval otherwise.
class status_line {
  public:
    status_line(std::FILE* out, std::chrono::milliseconds interval);
    bool due() const;
    void show(const stage_counts& c);
    void end();  // leaves the last line on screen

  private:
    std::FILE* out_;
    bool tty_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point next_;
    bool drawn_ = false;
};

std::string format_status(const stage_counts& c);

void print_summary(std::FILE* out, const stage_counts& c, const std::filesystem::path& dir,
                   const std::filesystem::path& lake, const std::filesystem::path& db,
                   const std::string& bootstrap, bool postgres);

}  // namespace cs::cli
