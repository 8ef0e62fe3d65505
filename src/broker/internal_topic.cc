#include "broker/internal_topic.h"

#include <algorithm>

namespace cs::broker {

status for_each_batch(
    storage::partition_log& log, kafka::offset from,
    const std::function<status(bytes_view batch, const kafka::batch_header& h)>& visit) {
    auto next = std::max(from, log.log_start_offset());
    while (next < log.high_watermark()) {
        auto got = log.read(next, 1 << 20);
        if (!got.ok()) {
            return got.take_error();
        }
        if (got->slice.empty()) {
            break;
        }
        auto data = got->slice.read_bytes();
        if (!data.ok()) {
            return data.take_error();
        }
        auto split = kafka::split_batches(*data);
        if (!split.ok()) {
            return split.take_error();
        }
        for (auto batch : split->batches) {
            auto h = kafka::read_header(batch);
            if (!h.ok()) {
                return h.take_error();
            }
            next = h->last_offset() + 1;
            if (auto st = visit(batch, *h); !st) {
                return st;
            }
        }
    }
    return {};
}

status read_internal_records(
    storage::partition_log& log,
    const std::function<void(bytes_view key, std::optional<bytes_view> value)>& visit,
    const std::function<void(int64_t offset, const error& e)>& bad) {
    return for_each_batch(log, log.log_start_offset(),
                          [&](bytes_view batch, const kafka::batch_header& h) -> status {
                              if (h.is_control()) {
                                  return {};
                              }
                              auto recs = kafka::decode_records(batch);
                              if (!recs.ok()) {
                                  bad(h.base_offset, recs.err());
                                  return {};
                              }
                              for (const auto& r : *recs) {
                                  if (r.key) {
                                      visit(*r.key, r.value);
                                  }
                              }
                              return {};
                          });
}

}  // namespace cs::broker
