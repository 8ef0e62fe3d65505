#include "protocol/record_batch_writer.h"

#include "base/crc32c.h"
#include "base/varint.h"
#include "protocol/compression.h"

namespace cs::kafka {

namespace L = batch_layout;

namespace {

size_t opt_size(std::optional<std::string_view> s) {
    return s ? varint_size(static_cast<int64_t>(s->size())) + s->size() : 1;
}

std::byte* put_varint(std::byte* p, int64_t v) {
    return p + encode_uvarint(zigzag_encode(v), p);
}

std::byte* put_opt(std::byte* p, std::optional<std::string_view> s) {
    if (!s) {
        return put_varint(p, -1);
    }
    p = put_varint(p, static_cast<int64_t>(s->size()));
    if (!s->empty()) {
        std::memcpy(p, s->data(), s->size());
    }
    return p + s->size();
}

}  // namespace

void record_batch_writer::clear() {
    buf_.clear();
    count_ = 0;
    base_set_ = false;
}

void record_batch_writer::append(int64_t timestamp_ms, std::optional<std::string_view> key,
                                 std::optional<std::string_view> value,
                                 std::span<const header> headers) {
    if (count_ == 0) {
        buf_.reserve(last_size_);
        buf_.resize(L::header_size);
        if (!base_set_) {
            base_ts_ = timestamp_ms;
        }
        max_ts_ = timestamp_ms;
    }
    max_ts_ = std::max(max_ts_, timestamp_ms);
    const int64_t ts_delta = timestamp_ms - base_ts_;
    size_t body = 1 + varint_size(ts_delta) + varint_size(count_) + opt_size(key) +
                  opt_size(value) + varint_size(static_cast<int64_t>(headers.size()));
    for (const auto& h : headers) {
        body += opt_size(h.key) + opt_size(h.value);
    }
    const size_t start = buf_.size();
    buf_.resize(start + varint_size(static_cast<int64_t>(body)) + body);
    std::byte* p = buf_.data() + start;
    p = put_varint(p, static_cast<int64_t>(body));
    *p++ = std::byte{0};  // record attributes (unused in v2)
    p = put_varint(p, ts_delta);
    p = put_varint(p, count_);
    p = put_opt(p, key);
    p = put_opt(p, value);
    p = put_varint(p, static_cast<int64_t>(headers.size()));
    for (const auto& h : headers) {
        p = put_opt(p, h.key);
        p = put_opt(p, h.value);
    }
    ++count_;
}

result<bytes> record_batch_writer::finish(const batch_meta& meta) {
    if (count_ == 0) {
        buf_.assign(L::header_size, std::byte{0});
        base_ts_ = no_timestamp;
        max_ts_ = no_timestamp;
    }
    last_size_ = buf_.size();
    bytes out;
    if (codec_ != compression_codec::none && count_ > 0) {
        auto packed = compress(codec_, bytes_view(buf_).subspan(L::header_size));
        if (!packed) {
            return std::move(packed).take_error();
        }
        out.reserve(L::header_size + packed->size());
        out.assign(buf_.begin(), buf_.begin() + L::header_size);
        out.insert(out.end(), packed->begin(), packed->end());
    } else {
        out = std::move(buf_);
    }
    std::byte* p = out.data();
    const int16_t attributes = static_cast<int16_t>(meta.attributes | static_cast<int16_t>(codec_));
    store_be<int64_t>(p + L::base_offset, meta.base_offset);
    store_be<int32_t>(p + L::batch_length, static_cast<int32_t>(out.size() - L::log_overhead));
    store_be<int32_t>(p + L::partition_leader_epoch, meta.partition_leader_epoch);
    store_be<int8_t>(p + L::magic, record_batch_magic_v2);
    store_be<int16_t>(p + L::attributes, attributes);
    store_be<int32_t>(p + L::last_offset_delta, count_ > 0 ? count_ - 1 : 0);
    store_be<int64_t>(p + L::base_timestamp, base_ts_);
    store_be<int64_t>(p + L::max_timestamp, max_ts_);
    store_be<int64_t>(p + L::producer_id, meta.producer_id);
    store_be<int16_t>(p + L::producer_epoch, meta.producer_epoch);
    store_be<int32_t>(p + L::base_sequence, meta.base_sequence);
    store_be<int32_t>(p + L::records_count, count_);
    store_be<uint32_t>(p + L::crc, compute_batch_crc(out));
    clear();  // buf_ was moved from, or held the uncompressed section
    return out;
}

}  // namespace cs::kafka
