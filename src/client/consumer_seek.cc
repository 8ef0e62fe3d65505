// client::consumer: moving read positions (seek, seek_to_committed) and the
// group metadata a transactional producer commits offsets with.

#include <fmt/format.h>

#include "client/consumer.h"
#include "client/fetcher.h"

namespace cs::client {

status consumer::seek(const std::vector<topic_partition_offset>& offsets,
                      std::chrono::milliseconds timeout) {
    if (offsets.empty()) {
        return {};
    }
    if (fetcher_) {
        // The group's partitions are paused in librdkafka and read by the
        // fetcher: its position is the one that counts.
        for (const auto& o : offsets) {
            topic_partition tp{o.topic, o.partition};
            if (!fetcher_->position(tp)) {
                return {errc::invalid_argument,
                        fmt::format("seeking {} [{}]: not assigned", o.topic, o.partition)};
            }
            fetcher_->add(tp, o.offset);
        }
        return {};
    }
    auto list = to_partition_list(offsets);
    error_handle e(
        rd_kafka_seek_partitions(rk_.get(), list.get(), static_cast<int>(timeout.count())));
    if (e) {
        return {errc::io, fmt::format("seeking: {}", rd_kafka_error_string(e.get()))};
    }
    for (int i = 0; i < list->cnt; ++i) {
        const auto& p = list->elems[i];
        if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return {errc::io, fmt::format("seeking {} [{}] to offset {}: {}", p.topic, p.partition,
                                          p.offset, rd_kafka_err2str(p.err))};
        }
    }
    return {};
}

result<std::vector<topic_partition_offset>> consumer::seek_to_committed(
    const std::vector<topic_partition_offset>& fallback, std::chrono::milliseconds timeout) {
    std::vector<topic_partition_offset> ask = fallback;
    for (auto& p : ask) {
        p.offset = offset_stored;
    }
    auto committed = this->committed(ask, timeout);
    if (!committed) {
        return committed.take_error();
    }
    std::vector<topic_partition_offset> to = std::move(*committed);
    for (auto& p : to) {
        if (p.offset >= 0) {
            continue;
        }
        for (const auto& f : fallback) {
            if (f.topic == p.topic && f.partition == p.partition) {
                p.offset = f.offset;
            }
        }
    }
    if (auto st = seek(to, timeout); !st) {
        return st.err();
    }
    return to;
}

result<group_metadata_handle> consumer::group_metadata() const {
    group_metadata_handle gm(rd_kafka_consumer_group_metadata(rk_.get()));
    if (!gm) {
        return error{errc::invalid_argument,
                     "consumer group metadata: the consumer has no group.id"};
    }
    return gm;
}

}  // namespace cs::client
