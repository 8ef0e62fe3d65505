#include "protocol/control_batch.h"

#include <string>

#include <fmt/format.h>

#include "protocol/record_batch.h"

namespace cs::kafka {

bytes build_txn_marker(int64_t pid, int16_t epoch, control_type type, int32_t coordinator_epoch,
                       int64_t timestamp_ms) {
    bytes key;
    byte_writer kw(key);
    kw.put<int16_t>(0);
    kw.put<int16_t>(static_cast<int16_t>(type));
    bytes value;
    byte_writer vw(value);
    vw.put<int16_t>(0);
    vw.put<int32_t>(coordinator_epoch);
    batch_builder b;
    b.producer(pid, epoch, -1)
        .attributes(batch_attr::transactional | batch_attr::control)
        .add(std::string(as_string_view(key)), std::string(as_string_view(value)), timestamp_ms);
    return b.build();
}

result<control_type> read_control_type(bytes_view batch) {
    auto h = read_header(batch);
    if (!h) {
        return h.take_error();
    }
    if (!h->is_control()) {
        return error{errc::corrupt, "not a control batch"};
    }
    auto records = decode_records(batch);
    if (!records) {
        return records.take_error();
    }
    if (records->empty() || !records->front().key || records->front().key->size() < 4) {
        return error{errc::corrupt, "control batch without a marker key"};
    }
    bytes_view key = *records->front().key;
    auto type = load_be<int16_t>(key.data() + 2);
    if (type != 0 && type != 1) {
        return error{errc::unsupported, fmt::format("control record type {}", type)};
    }
    return static_cast<control_type>(type);
}

}  // namespace cs::kafka
