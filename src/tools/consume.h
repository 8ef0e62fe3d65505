#pragma once

// `clickstream consume`: kafka-console-consumer.sh. Reads records from a
// topic (group subscription), from every topic matching --include, or from
// one partition at an offset, and prints them to `out` (Kafka's default
// format or JSON, see consume_format.h); at the end "Processed a total of N
// messages" goes to `err`, as Kafka prints it.
//
// Settings are built as Kafka's ConsoleConsumerOptions builds them:
// --consumer.config file, then --consumer-property k=v (later wins), then
// --bootstrap-server (which wins over the file). group.id may be given by
// --group, the file or a property, but they must agree; without one the
// group is "console-consumer-<random>" and, unless enable.auto.commit is set
// explicitly, nothing is committed (Kafka does the same: the random group is
// not meant to be reused). client.id defaults to "console-consumer",
// isolation.level to read_uncommitted (librdkafka's own default would be
// read_committed).
//
// Offsets: a record's offset is stored only after its batch was written to
// `out`, and the stored offsets are committed at the end (when
// enable.auto.commit is on, also periodically by librdkafka), so a stop by
// --max-messages, --timeout-ms, a write error or the stop flag (SIGINT /
// SIGTERM) commits exactly what was printed; close() then leaves the group.
//
// Differences from Kafka, on purpose: a --topic that does not exist is an
// error at once (Kafka's consumer waits, logging warnings, or has the broker
// create it), unless allow.auto.create.topics=true is set; an unreachable
// bootstrap server is an error within seconds. --include is a POSIX extended
// regular expression matched against the whole topic name (Kafka: a Java
// regex, also whole-name).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "config/env_substitution.h"

namespace cs::tools {

struct consume_options {
    std::optional<std::string> bootstrap_server;
    std::optional<std::string> topic;
    std::optional<std::string> include;  // regex over topic names
    std::optional<std::string> group;
    bool from_beginning = false;
    std::optional<int32_t> partition;
    std::optional<std::string> offset;             // a number, "earliest" or "latest"
    int64_t max_messages = -1;                     // < 0: no limit
    int64_t timeout_ms = -1;                       // < 0: wait for records forever
    std::optional<std::string> isolation_level;    // read_committed | read_uncommitted
    std::optional<std::string> consumer_config;    // a Kafka client .properties file
    std::vector<std::string> consumer_properties;  // "k=v"
    std::vector<std::string> properties;           // formatter "k=v"
    std::string formatter = "default";             // default | json

    // Polled between batches (at least every 100 ms); when it turns true the
    // run ends cleanly. A signal handler sets it.
    const std::atomic<bool>* stop = nullptr;
    // For --timeout-ms; the system clock when null.
    const cs::clock* clock = nullptr;
    std::chrono::milliseconds connect_timeout{5000};
    config::env_lookup env = config::process_environment();
};

// Returns the exit code: 0 done, 1 failure (broker, topic, commit, write),
// 2 usage error (conflicting or malformed options). Errors are one line on
// err: "clickstream consume: error: ...".
int run_consume(const consume_options& opts, std::ostream& out, std::ostream& err);

}  // namespace cs::tools
