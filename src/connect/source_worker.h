#pragma once

// The source task loop:
//
//   source_task::poll -> SMT chain -> key/value converter -> produce
//   every offset.flush.interval.ms (and at stop): flush the producer, then
//   write the latest sourceOffset per sourcePartition of every delivered
//   record to the offset topic (offset_store.h)
//
// On start the connector's committed offsets are read from the offset
// topic and handed to source_task::start, so a restarted task resumes where
// the last delivered-and-flushed record left off (at-least-once: records
// produced after the last offset flush are produced again). Topics that do
// not exist are created (topic.creation.default.partitions /
// .replication.factor, else the broker's defaults). A record that cannot
// be converted or transformed follows errors.tolerance; a failed delivery
// fails the task (tolerance none) or is logged and skipped (all).
//
// Threading: the loop runs on the task's own thread.

#include <memory>

#include "connect/task_runner.h"

namespace cs::connect {

result<std::unique_ptr<task_runner>> start_source_worker(const worker_settings& worker,
                                                         task_spec spec,
                                                         std::unique_ptr<source_task> task,
                                                         task_state_listener on_state);

}  // namespace cs::connect
