#pragma once

// librdkafka retries an unreachable bootstrap server forever; a tool must
// instead say within seconds that nothing answers at the address it was given.

#include <chrono>
#include <string_view>

#include "base/result.h"
#include "client/handles.h"

namespace cs::client {

// Asks for cluster metadata (no topics) and waits up to timeout. The error
// names the bootstrap servers and librdkafka's reason.
status check_reachable(rd_kafka_t* rk, std::string_view bootstrap,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace cs::client
