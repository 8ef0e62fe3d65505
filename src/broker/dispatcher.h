#pragma once

// The broker's request_handler: reads the request header, finds the API's
// handler (handlers/handler_list.h), checks the version and hands over the
// body. Requests it cannot serve are answered as Kafka answers them:
// - an ApiVersions version above ours gets the v0 layout with
//   UNSUPPORTED_VERSION and our range, so the client steps down (KIP-511);
// - an unknown API key, another API's unsupported version, or a header that
//   does not decode closes the connection (only that one), logged with the
//   peer and client id.

#include <atomic>
#include <cstdint>

#include "broker/net/request_handler.h"

namespace cs::broker {

class broker_state;

class dispatcher final : public net::request_handler {
  public:
    explicit dispatcher(broker_state& broker) : broker_(broker) {}
    void handle(const net::connection_info& conn, bytes frame, net::responder r) override;

    uint64_t rejected_requests() const { return rejected_.load(std::memory_order_relaxed); }

  private:
    broker_state& broker_;
    std::atomic<uint64_t> rejected_{0};
};

}  // namespace cs::broker
