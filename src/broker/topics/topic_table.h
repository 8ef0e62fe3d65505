#pragma once

// The broker's catalogue of topics: name, partition count, topic id and the
// topic's config overrides. Partition data lives in the storage module; this
// is the metadata Kafka keeps in ZooKeeper/KRaft, kept here in one file in
// the first log dir:
//
//   <log.dir>/clickstream-topics.tsv, one line per topic:
//   <name> \t <partitions> \t <topic id, 32 hex digits> [\t <key>=<value>]...
//   (values escape '\\', '\t' and '\n' as \\, \t, \n)
//
// Crash behaviour: every change rewrites the file to a temporary name, fsyncs
// it, renames it over the old one and fsyncs the directory, so after a crash
// the file is either the old or the new catalogue, never a mix.
//
// Thread-safe: every method takes the table's mutex.

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/topic_config.h"
#include "protocol/schema.h"

namespace cs::broker {

struct topic_info {
    std::string name;
    int32_t partitions = 0;
    kafka::uuid id;
    config::topic_overrides overrides;
};

class topic_table {
  public:
    // Loads the catalogue (an absent file is an empty catalogue).
    static result<std::unique_ptr<topic_table>> open(std::filesystem::path file);

    std::optional<topic_info> find(std::string_view name) const;
    std::vector<topic_info> list() const;
    size_t size() const;

    // Each change is durable when it returns ok.
    status create(topic_info t);
    status remove(std::string_view name);
    status set_partitions(std::string_view name, int32_t partitions);
    status set_overrides(std::string_view name, config::topic_overrides overrides);

    static kafka::uuid random_id();

  private:
    explicit topic_table(std::filesystem::path file) : file_(std::move(file)) {}
    status persist_locked() const;

    std::filesystem::path file_;
    mutable std::mutex mu_;
    std::map<std::string, topic_info, std::less<>> topics_;
};

}  // namespace cs::broker
