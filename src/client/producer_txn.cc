// client::producer's transactions: thin wrappers over librdkafka's
// transactional API that classify each error for the caller (txn_status).

#include <fmt/format.h>

#include "client/consumer.h"
#include "client/producer.h"

namespace cs::client {

txn_status txn_status::from(rd_kafka_error_t* e, std::string_view what) {
    error_handle owned(e);
    txn_status st;
    if (!owned) {
        return st;
    }
    // Fatal first: a fatal error may also be flagged abortable, and no abort
    // can help then.
    if (rd_kafka_error_is_fatal(e) != 0) {
        st.kind_ = txn_failure::fatal;
    } else if (rd_kafka_error_txn_requires_abort(e) != 0) {
        st.kind_ = txn_failure::abortable;
    } else if (rd_kafka_error_is_retriable(e) != 0) {
        st.kind_ = txn_failure::retriable;
    } else {
        st.kind_ = txn_failure::other;
    }
    st.code_ = rd_kafka_error_code(e);
    st.message_ = fmt::format("{}: {}: {}", what, rd_kafka_error_name(e), rd_kafka_error_string(e));
    return st;
}

status txn_status::to_status() const {
    if (ok()) {
        return {};
    }
    return {code_ == RD_KAFKA_RESP_ERR__TIMED_OUT ? errc::timed_out : errc::io, message_};
}

namespace {

int to_ms(std::chrono::milliseconds t) {
    return static_cast<int>(t.count());
}

}  // namespace

txn_status producer::init_transactions(std::chrono::milliseconds timeout) {
    return txn_status::from(rd_kafka_init_transactions(rk_.get(), to_ms(timeout)),
                            "initializing transactions");
}

txn_status producer::begin_transaction() {
    return txn_status::from(rd_kafka_begin_transaction(rk_.get()), "beginning a transaction");
}

txn_status producer::send_offsets_to_transaction(const std::vector<topic_partition_offset>& offsets,
                                                 const rd_kafka_consumer_group_metadata_t* group,
                                                 std::chrono::milliseconds timeout) {
    auto list = to_partition_list(offsets);
    return txn_status::from(
        rd_kafka_send_offsets_to_transaction(rk_.get(), list.get(), group, to_ms(timeout)),
        "adding the consumer offsets to the transaction");
}

txn_status producer::commit_transaction(std::chrono::milliseconds timeout) {
    auto st = txn_status::from(rd_kafka_commit_transaction(rk_.get(), to_ms(timeout)),
                               "committing the transaction");
    rd_kafka_poll(rk_.get(), 0);  // the delivery reports of its records
    return st;
}

txn_status producer::abort_transaction(std::chrono::milliseconds timeout) {
    auto st = txn_status::from(rd_kafka_abort_transaction(rk_.get(), to_ms(timeout)),
                               "aborting the transaction");
    rd_kafka_poll(rk_.get(), 0);  // the purged records' delivery reports
    return st;
}

}  // namespace cs::client
