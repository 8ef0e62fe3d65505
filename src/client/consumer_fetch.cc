// client::consumer with consumer_options::builtin_fetch: librdkafka keeps
// the group (join, sync, heartbeats, rebalances, commits) and our fetcher
// reads the assigned partitions. Each partition the group assigns is paused
// in librdkafka in the same rebalance callback that assigns it (librdkafka
// starts fetching only after its own OffsetFetch, which the pause precedes),
// started in the fetcher at its committed offset or by auto.offset.reset,
// and removed from the fetcher before librdkafka lets it go.

#include <cstring>

#include <fmt/format.h>

#include "base/log.h"
#include "client/consumer.h"
#include "client/fetcher.h"
#include "client/metadata_leaders.h"

namespace cs::client {

namespace {

const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("consumer");
    return l;
}

// How long a rebalance callback waits for the group's committed offsets.
constexpr std::chrono::milliseconds committed_timeout{30'000};

}  // namespace

void consumer::enable_builtin_fetch(const client_settings& settings) {
    if (std::string why = fetch_options::unsupported_reason(settings); !why.empty()) {
        logger()->info("using librdkafka's fetch: the built-in fetcher does not support {}", why);
        return;
    }
    auto opts = fetch_options::from_settings(settings);
    if (!opts) {
        logger()->warn("using librdkafka's fetch: {}", opts.err().message);
        return;
    }
    auto_offset_reset_ = opts->auto_offset_reset;
    rd_kafka_t* rk = rk_.get();
    fetcher_ = std::make_unique<fetcher>(
        std::move(*opts),
        [rk](const std::vector<topic_partition>& parts) { return metadata_leaders(rk, parts); });
    logger()->debug("{}: the group's partitions are read by the built-in fetcher",
                    rd_kafka_name(rk));
}

void consumer::fetch_assigned(rd_kafka_topic_partition_list_t* parts) {
    if (parts == nullptr || parts->cnt == 0) {
        return;
    }
    if (rd_kafka_resp_err_t err = rd_kafka_pause_partitions(rk_.get(), parts);
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fetch_failure_ = error{errc::io, fmt::format("pausing librdkafka's fetch of the assigned "
                                                     "partitions: {}",
                                                     rd_kafka_err2str(err))};
        return;
    }
    partition_list_handle committed(rd_kafka_topic_partition_list_copy(parts));
    rd_kafka_resp_err_t err =
        rd_kafka_committed(rk_.get(), committed.get(), static_cast<int>(committed_timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fetch_failure_ = error{errc::io, fmt::format("fetching the committed offsets of the "
                                                     "assigned partitions: {}",
                                                     rd_kafka_err2str(err))};
        return;
    }
    for (int i = 0; i < committed->cnt; ++i) {
        const rd_kafka_topic_partition_t& e = committed->elems[i];
        topic_partition tp{e.topic, e.partition};
        if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fetch_failure_ = error{errc::io, fmt::format("{} [{}]: committed offset: {}", e.topic,
                                                         e.partition, rd_kafka_err2str(e.err))};
            return;
        }
        if (e.offset >= 0) {
            fetcher_->add(tp, e.offset);
            continue;
        }
        // No committed offset: librdkafka's auto.offset.reset values.
        const std::string& r = auto_offset_reset_;
        if (r == "smallest" || r == "earliest" || r == "beginning") {
            fetcher_->add(tp, offset_beginning);
        } else if (r == "largest" || r == "latest" || r == "end") {
            fetcher_->add(tp, offset_end);
        } else {
            fetch_failure_ = error{
                errc::not_found,
                fmt::format("{} [{}]: the group has no committed offset and auto.offset.reset={}",
                            e.topic, e.partition, r)};
            return;
        }
    }
}

void consumer::fetch_revoked(rd_kafka_topic_partition_list_t* parts, bool all) {
    if (all || parts == nullptr) {
        fetcher_->clear();
        return;
    }
    for (int i = 0; i < parts->cnt; ++i) {
        fetcher_->remove({parts->elems[i].topic, parts->elems[i].partition});
    }
}

std::optional<watermark_offsets> consumer::cached_watermarks(const std::string& topic,
                                                             int32_t partition) const {
    if (fetcher_) {
        if (auto w = fetcher_->watermarks({topic, partition})) {
            return watermark_offsets{w->log_start_offset, w->high_watermark};
        }
    }
    int64_t low = 0;
    int64_t high = 0;
    if (rd_kafka_get_watermark_offsets(rk_.get(), topic.c_str(), partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
        return std::nullopt;
    }
    return watermark_offsets{low, high};
}

}  // namespace cs::client
