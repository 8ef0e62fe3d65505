#pragma once

// What a tool hands to librdkafka, and where each value came from, so an
// error can name the file and line (or the flag) that set it.
//
// Precedence, as in Kafka's tools: a --*.config / --command-config file
// first, then each --*-property k=v in order, then --bootstrap-server (which
// falls back to CLICKSTREAM_BOOTSTRAP_SERVERS, then localhost:9092 when
// neither the flag nor a file sets bootstrap.servers). Later settings win.
//
// Files written for Kafka's Java clients work unchanged: make_conf translates
// the Java keys librdkafka spells differently (java_compat.h) and says what
// it did with each one in diagnostics.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "client/handles.h"
#include "config/diagnostics.h"
#include "config/env_substitution.h"

namespace cs::client {

enum class role { producer, consumer, admin };

struct setting {
    std::string key;
    std::string value;
    std::string origin;  // "producer.properties:4", "--producer-property", ...
    int line = 0;        // 1-based line in origin's file; 0 for flags
};

class client_settings {
  public:
    // Replaces an earlier value for key (and its origin).
    void set(std::string key, std::string value, std::string origin, int line = 0);
    const setting* find(std::string_view key) const;
    const std::vector<setting>& entries() const { return entries_; }

    // Reads a Kafka client .properties file (with ${ENV} substitution);
    // problems go to diags with file:line.
    status add_file(const std::filesystem::path& path, config::diagnostics& diags,
                    const config::env_lookup& env = config::process_environment());
    // "key=value" from a --producer-property / --consumer-property flag.
    status add_assignment(std::string_view key_value, std::string origin);

  private:
    std::vector<setting> entries_;
};

inline constexpr std::string_view bootstrap_env_var = "CLICKSTREAM_BOOTSTRAP_SERVERS";
inline constexpr std::string_view default_bootstrap = "localhost:9092";

// The bootstrap servers a tool uses: the flag, else bootstrap.servers from
// the settings already given, else $CLICKSTREAM_BOOTSTRAP_SERVERS, else
// localhost:9092. Sets bootstrap.servers in settings and returns it.
std::string apply_bootstrap(client_settings& settings, std::optional<std::string> flag,
                            const config::env_lookup& env = config::process_environment());

// Sets partitioner=murmur2_random unless the settings name a partitioner:
// the key hash of Kafka's Java producer (Utils.murmur2), so a key lands in
// the partition Java clients, Kafka Streams and ksqlDB would choose
// (librdkafka's own default, consistent_random, hashes with CRC32).
void default_to_java_partitioner(client_settings& settings, std::string_view why);

// A librdkafka configuration for role: Java keys translated, every setting
// applied, logs routed to the "rdkafka" logger. An unknown key or a bad value
// is an error naming its origin and, for a typo, the key probably meant; all
// of them are reported in diags, not just the first.
result<conf_handle> make_conf(const client_settings& settings, role r, config::diagnostics& diags);

// Every configuration property name librdkafka knows (for suggestions).
const std::vector<std::string>& librdkafka_property_names();

}  // namespace cs::client
