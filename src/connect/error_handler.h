#pragma once

// What a task does with a record it cannot process (a conversion or
// transform failure, or a record the sink reports as errant): with
// errors.tolerance=all, log it (errors.log.enable) and send its original
// bytes to the dead-letter topic (errors.deadletterqueue.topic.name) with
// Connect's __connect.errors.* headers when context headers are enabled;
// with tolerance=none, give the task's failure trace.
//
// Threading: used by the task's thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/producer.h"
#include "connect/record.h"
#include "connect/task_config.h"
#include "connect/task_runner.h"

namespace cs::connect {

// Connect's ErrantRecordReporter stages (Stage.java).
inline constexpr const char* stage_key_converter = "KEY_CONVERTER";
inline constexpr const char* stage_value_converter = "VALUE_CONVERTER";
inline constexpr const char* stage_transformation = "TRANSFORMATION";
inline constexpr const char* stage_task_put = "TASK_PUT";
inline constexpr const char* stage_task_poll = "TASK_POLL";
inline constexpr const char* stage_kafka_produce = "KAFKA_PRODUCE";

inline constexpr const char* data_exception = "org.apache.kafka.connect.errors.DataException";
inline constexpr const char* connect_exception = "org.apache.kafka.connect.errors.ConnectException";

// The record as it was consumed (sink) or produced (source).
struct original_record {
    std::string topic;
    int32_t partition = -1;
    int64_t offset = -1;
    int64_t timestamp = -1;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::vector<header> headers;
};

struct processing_error {
    std::string stage;
    std::string class_name;  // the converter / transform / task class
    std::string exception_class = data_exception;
    std::string message;
};

// Connect's failure trace text for a task that stops on this record.
std::string failure_trace(const std::string& connector, int task_id, const original_record& r,
                          const processing_error& e);

class error_handler {
  public:
    // Creates the dead-letter topic when it is configured and missing (one
    // partition, errors.deadletterqueue.topic.replication.factor).
    static result<std::unique_ptr<error_handler>> create(const worker_settings& worker,
                                                         const task_spec& spec,
                                                         error_policy policy);
    ~error_handler();

    // OK when the record is tolerated (logged / dead-lettered: the caller
    // skips it); otherwise the error's message is the task's failure trace.
    status handle(const original_record& r, const processing_error& e);
    // Waits until every dead-letter record is acknowledged: called before
    // committing offsets past the records it holds.
    status flush();

    const error_policy& policy() const { return policy_; }
    uint64_t dead_lettered() const { return dead_lettered_; }

  private:
    error_handler() = default;
    std::string connector_;
    int task_id_ = 0;
    error_policy policy_;
    std::unique_ptr<client::producer> dlq_;
    uint64_t dead_lettered_ = 0;
    uint64_t failed_before_ = 0;
};

}  // namespace cs::connect
