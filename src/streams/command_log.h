#pragma once

// The command topic: the engine's durable log of state-changing statements
// (ksqlDB's "_confluent-ksql-<service id>_command_topic", one partition).
// Each record's value is JSON
//   {"statement": "<text>", "streamsProperties": {"<name>": "<value>", ...}}
// with the session properties (SET) in effect when the statement ran. The
// key is the statement kind and name, informational only.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/admin.h"
#include "client/producer.h"
#include "client/settings.h"

namespace cs::streams {

struct command {
    std::string statement;
    std::map<std::string, std::string> properties;
};

// The JSON of one command record, and back.
std::string encode_command(const command& c);
result<command> decode_command(std::string_view json);

class command_log {
  public:
    // Creates the topic (1 partition) when missing.
    static result<std::unique_ptr<command_log>> open(const client::client_settings& settings,
                                                     client::admin_client& admin,
                                                     std::string topic);
    ~command_log();

    // Appends and waits for the acknowledgement.
    status append(const command& c, std::string_view key);
    // Every command from the beginning up to the current end of the topic.
    result<std::vector<command>> read_all();

    const std::string& topic() const { return topic_; }

  private:
    command_log() = default;
    client::client_settings settings_;
    client::admin_client* admin_ = nullptr;
    std::string topic_;
    std::unique_ptr<client::producer> producer_;
};

}  // namespace cs::streams
