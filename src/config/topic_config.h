#pragma once

// A topic's effective configuration: its own overrides (from CreateTopics or
// AlterConfigs) over the broker's settings over Kafka's defaults, as typed
// values for the log and as DescribeConfigs entries.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/describe.h"
#include "config/resolved_config.h"

namespace cs::config {

// A topic's overrides, key -> value text, as CreateTopics carries them.
using topic_overrides = std::map<std::string, std::string, std::less<>>;

// Checks overrides against the topic registry: unknown keys and bad values are
// errors (errc::invalid_argument), every problem named in one message.
status validate_topic_overrides(const topic_overrides& overrides);

class topic_config {
  public:
    // Typed values of every topic key (e.g. get_long("retention.ms")).
    const resolved_config& values() const { return values_; }
    // DescribeConfigs entries, in registry order.
    const std::vector<described_config>& describe() const { return described_; }
    const described_config& describe(std::string_view name) const;

  private:
    friend result<topic_config> effective_topic_config(const resolved_config&,
                                                       const topic_overrides&);
    explicit topic_config(resolved_config v) : values_(std::move(v)) {}

    resolved_config values_;
    std::vector<described_config> described_;
};

// The effective config of a topic given the broker's resolved config. Fails
// (as validate_topic_overrides) when an override is unknown or invalid.
result<topic_config> effective_topic_config(const resolved_config& broker,
                                            const topic_overrides& overrides);

}  // namespace cs::config
