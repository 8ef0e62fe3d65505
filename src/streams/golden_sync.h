#pragma once

// How the golden runner (golden_runner.h) knows that the engine is done with
// what it was sent, without sleeping: the queries' counters and the topics'
// watermarks, and a probe query for table changes. Test code only.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/admin.h"
#include "client/consumer.h"
#include "client/producer.h"
#include "streams/engine.h"

namespace cs::streams::golden {

struct query_info {
    std::string id;
    std::string sink;  // catalog name
    std::string source_topic;
    // The other source of a stream-stream or table-table join (read by the
    // query's own group, not a broadcast table); empty otherwise.
    std::string other_source_topic;
    std::string sink_topic;
    std::string dlq_topic;
    std::vector<std::string> tables;  // broadcast-joined tables (catalog names)
    bool probe = false;               // the runner's own (not compared)
};

// The query that `status` describes (source, sink and DLQ topics, joins),
// from its statement text and the catalog.
result<query_info> describe_query(const engine& e, const query_status& status);

class golden_sync {
  public:
    golden_sync(engine& e, client::admin_client& admin, client::producer& producer,
                client::client_settings settings, std::string prefix);
    ~golden_sync();

    // Partition ids of topic (empty when it does not exist).
    result<std::vector<int32_t>> partitions_of(const std::string& topic);
    // Records in topic over all partitions (0 when it does not exist).
    result<int64_t> records_in(const std::string& topic);

    // Waits until every query has read its whole source topic and every
    // record it read is accounted for as produced, DLQ, filtered or skipped
    // (the query's counters), so all its output is acknowledged. Upstream
    // queries are waited for first, so a query that reads another's sink
    // sees all of it.
    status quiesce(const std::vector<query_info>& queries);

    // Makes the changes sent so far to the topics of `tables` visible to the
    // queries' joins: writes a marker row per partition (a key of its own,
    // the value `values[topic]` or an all-NULL row) and waits until a probe
    // query joining the same table finds them. Probe queries it creates are
    // appended to `queries` (probe = true).
    status sync_tables(const std::set<std::string>& tables,
                       const std::map<std::string, std::string>& values,
                       std::vector<query_info>& queries);

    // Starts the probe queries sync_tables will need now, so they start
    // while the file's own queries do (a new query's first output waits up
    // to a second: its producer learns a new topic at its next metadata scan).
    status start_probes(const std::set<std::string>& tables, std::vector<query_info>& queries);

  private:
    struct probe;
    struct counters {
        uint64_t consumed = 0;
        uint64_t produced = 0;
        uint64_t dlq = 0;
        uint64_t filtered = 0;
        uint64_t skipped = 0;
        std::string state;
    };
    result<std::map<std::string, counters>> read_counters(const std::vector<query_info>& queries);
    result<probe*> probe_for(const std::string& table, std::vector<query_info>& queries);
    status await_marker(probe& p, const std::string& key_json);

    engine& engine_;
    client::admin_client& admin_;
    client::producer& producer_;
    client::client_settings settings_;
    std::string prefix_;
    std::map<std::string, std::unique_ptr<probe>> probes_;  // table -> its probe
    int64_t markers_ = 0;
};

}  // namespace cs::streams::golden
