#pragma once

// What `clickstream up` shows while it runs and when it ends: counts read
// from where the data is, never from counters that restart with the
// process, so a resumed run shows the totals. The live line reads offsets
// (topic end offsets, the sinks' committed offsets; cheap, but with
// exactly-once each transaction's commit marker takes an offset too); the
// summary counts records: a read_committed pass over the enriched and DLQ
// topics, the rows in the Parquet files' footers and in the database.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
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
    int64_t parquet_rows = 0;   // live: offsets the Parquet sink committed; summary: rows in files
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
    status_probe(client::admin_client& admin, std::string bootstrap, std::string db,
                 std::filesystem::path lake, std::string db_connector, std::string lake_connector);

    int64_t produced();
    stage_counts sample(const streams::engine& engine);
    // sample() with records counted instead of offsets (enriched, dlq,
    // parquet_rows), for the summary once the pipeline has stopped. A count
    // that cannot be made keeps the offset-based value and says so on err.
    stage_counts final_sample(const streams::engine& engine, std::FILE* err);

  private:
    // Committed records in topic (read_committed, from the beginning to the
    // end offsets as of the call); nullopt when it cannot be read.
    std::optional<int64_t> count_records(const std::string& topic);
    // Rows in the finished .parquet files under the lake (their footers).
    std::optional<int64_t> parquet_file_rows(std::FILE* err);
    int64_t end_offsets(const std::string& topic);
    int64_t committed(const std::string& group, const std::string& topic);
    int64_t db_rows();

    client::admin_client& admin_;
    std::string bootstrap_;
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
