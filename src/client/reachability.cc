#include "client/reachability.h"

#include <fmt/format.h>

namespace cs::client {

status check_reachable(rd_kafka_t* rk, std::string_view bootstrap,
                       std::chrono::milliseconds timeout) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 0, nullptr, &md, static_cast<int>(timeout.count()));
    metadata_handle owned(md);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {};
    }
    return {err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT
                ? errc::timed_out
                : errc::io,
            fmt::format("no Kafka broker answered at {} within {:.1f} s ({}); is it running? "
                        "(set --bootstrap-server or {})",
                        bootstrap, std::chrono::duration<double>(timeout).count(),
                        rd_kafka_err2str(err), "CLICKSTREAM_BOOTSTRAP_SERVERS")};
}

}  // namespace cs::client
