#pragma once

// The consumer-group coordinator as a broker service: the pure state machine
// (group/group_coordinator.h) run on its own thread (serial_executor), its
// state made durable in the internal compacted topic __consumer_offsets, as
// Kafka does, and reloaded from there at start-up.
//
// Threading: every coordinator call happens on the executor thread; handlers
// post() to it and answer from the callbacks. Durability completions from the
// storage flusher are posted back to it as well, so the coordinator never
// sees a second thread.
//
// __consumer_offsets batches are written uncompressed by this service; the
// topic has offsets.topic.num.partitions partitions and cleanup.policy=compact
// (the log cleaner keeps the latest record per group and partition). Clients
// can neither write to it nor delete its records (INVALID_TOPIC_EXCEPTION).

#include <functional>
#include <memory>

#include "base/result.h"
#include "broker/group/group_coordinator.h"
#include "broker/group/offset_log.h"
#include "broker/serial_executor.h"

namespace cs::broker {

class broker_state;

inline constexpr const char* kConsumerOffsetsTopic = "__consumer_offsets";

class group_service final : public group::offset_log {
  public:
    explicit group_service(broker_state& broker);
    ~group_service() override;

    // Creates __consumer_offsets if needed and replays it into the coordinator.
    status start();
    void stop();

    // Runs fn on the coordinator thread.
    void post(std::function<void(group::group_coordinator&)> fn);
    // Session timeouts, rebalance deadlines, offset retention.
    void tick();

    void append(int32_t partition, std::vector<group::offsets_record> records,
                std::function<void(status)> done) override;

  private:
    status load();

    broker_state& broker_;
    std::unique_ptr<group::group_coordinator> coordinator_;
    serial_executor exec_{"cs:groups"};
    bool stopped_ = false;
};

}  // namespace cs::broker
