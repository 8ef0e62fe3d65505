#pragma once

// The sink task loop: one consumer-group member of group connect-<name>
// feeding one sink_task.
//
//   poll -> key/value converter -> SMT chain -> sink_task::put(batch)
//        -> (dead-letter records flushed) -> commit the batch's offsets
//
// Offsets are committed only after put() returned OK, so a crash or stop
// replays at most the uncommitted batch and never skips one. A retriable
// put() failure (errc::io / errc::timed_out: the database went away)
// retries the SAME batch with exponential backoff (300 ms doubling, capped
// by errors.retry.delay.max.ms); once errors.retry.timeout has passed the
// task keeps retrying at the capped delay rather than dropping anything.
// Meanwhile every assigned partition is paused on the consumer and the loop
// keeps polling, so the group membership stays alive. Per-record failures
// (conversion, transform, records the sink reports errant) follow
// errors.tolerance (see error_handler.h); any other put() error fails the
// task with a trace.
//
// Threading: the loop runs on the task's own thread; the task_runner
// methods may be called from any thread.

#include <memory>

#include "connect/task_runner.h"

namespace cs::connect {

result<std::unique_ptr<task_runner>> start_sink_worker(const worker_settings& worker,
                                                       task_spec spec,
                                                       std::unique_ptr<sink_task> task,
                                                       task_state_listener on_state);

}  // namespace cs::connect
