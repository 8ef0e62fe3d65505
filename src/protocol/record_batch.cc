#include "protocol/record_batch.h"

#include <fmt/format.h>

#include "base/crc32c.h"
#include "base/varint.h"
#include "protocol/record_batch_writer.h"

namespace cs::kafka {

namespace L = batch_layout;

batch_header decode_header(bytes_view in) {
    const std::byte* p = in.data();
    batch_header h;
    h.base_offset = load_be<int64_t>(p + L::base_offset);
    h.batch_length = load_be<int32_t>(p + L::batch_length);
    h.partition_leader_epoch = load_be<int32_t>(p + L::partition_leader_epoch);
    h.magic = load_be<int8_t>(p + L::magic);
    h.crc = load_be<uint32_t>(p + L::crc);
    h.attributes = load_be<int16_t>(p + L::attributes);
    h.last_offset_delta = load_be<int32_t>(p + L::last_offset_delta);
    h.base_timestamp = load_be<int64_t>(p + L::base_timestamp);
    h.max_timestamp = load_be<int64_t>(p + L::max_timestamp);
    h.producer_id = load_be<int64_t>(p + L::producer_id);
    h.producer_epoch = load_be<int16_t>(p + L::producer_epoch);
    h.base_sequence = load_be<int32_t>(p + L::base_sequence);
    h.records_count = load_be<int32_t>(p + L::records_count);
    return h;
}

result<batch_header> read_header(bytes_view in) {
    if (in.size() < L::header_size) {
        return error{errc::corrupt, fmt::format("record batch: {} bytes, a v2 header needs {}",
                                                in.size(), L::header_size)};
    }
    return decode_header(in);
}

uint32_t compute_batch_crc(bytes_view batch) {
    return crc32c(batch.subspan(L::crc_start));
}

result<batch_header> validate_batch(bytes_view in, batch_checks checks) {
    if (in.size() < L::header_size) {
        return error{errc::corrupt, fmt::format("record batch truncated: {} bytes, header needs {}",
                                                in.size(), L::header_size)};
    }
    batch_header h = decode_header(in);
    if (h.batch_length < L::min_batch_length) {
        return error{errc::corrupt, fmt::format("record batch: batchLength {} below minimum {}",
                                                h.batch_length, L::min_batch_length)};
    }
    if (h.total_size() > in.size()) {
        return error{errc::corrupt,
                     fmt::format("record batch: batchLength {} needs {} bytes, only {} present",
                                 h.batch_length, h.total_size(), in.size())};
    }
    if (h.magic != record_batch_magic_v2) {
        return error{errc::corrupt,
                     fmt::format("record batch: magic {} (only v2 is supported)", h.magic)};
    }
    if (checks.verify_crc) {
        uint32_t actual = compute_batch_crc(in.first(h.total_size()));
        if (actual != h.crc) {
            return error{errc::corrupt,
                         fmt::format("record batch at baseOffset {}: CRC-32C mismatch (stored "
                                     "{:#010x}, computed {:#010x})",
                                     h.base_offset, h.crc, actual)};
        }
    }
    if (h.codec_bits() > static_cast<uint8_t>(compression_codec::zstd)) {
        return error{errc::corrupt,
                     fmt::format("record batch: unknown compression codec {}", h.codec_bits())};
    }
    if (h.last_offset_delta < 0) {
        return error{errc::corrupt,
                     fmt::format("record batch: negative lastOffsetDelta {}", h.last_offset_delta)};
    }
    if (checks.client_rules) {
        if (h.base_offset != 0) {
            return error{errc::invalid_argument,
                         fmt::format("producer batch: baseOffset {} (must be 0)", h.base_offset)};
        }
        if (h.records_count <= 0) {
            return error{
                errc::invalid_argument,
                fmt::format("producer batch: recordsCount {} (must be > 0)", h.records_count)};
        }
        if (static_cast<int64_t>(h.last_offset_delta) + 1 != h.records_count) {
            return error{errc::invalid_argument,
                         fmt::format("producer batch: lastOffsetDelta {} + 1 != recordsCount {}",
                                     h.last_offset_delta, h.records_count)};
        }
        if (h.is_control()) {
            return error{errc::invalid_argument, "producer batch: control batches not allowed"};
        }
        if (h.producer_id >= 0 && h.base_sequence < 0) {
            return error{errc::invalid_argument,
                         fmt::format("producer batch: producerId {} with baseSequence {}",
                                     h.producer_id, h.base_sequence)};
        }
    }
    return h;
}

result<batch_split> split_batches(bytes_view in) {
    batch_split out;
    size_t pos = 0;
    while (pos < in.size()) {
        bytes_view rest = in.subspan(pos);
        if (rest.size() < L::log_overhead) {
            out.trailing = rest;
            break;
        }
        int32_t len = load_be<int32_t>(rest.data() + L::batch_length);
        if (len < L::min_batch_length) {
            return error{errc::corrupt,
                         fmt::format("record batches: batchLength {} at byte {} below minimum {}",
                                     len, pos + L::batch_length, L::min_batch_length)};
        }
        size_t total = L::log_overhead + static_cast<size_t>(len);
        if (total > rest.size()) {
            out.trailing = rest;
            break;
        }
        out.batches.push_back(rest.first(total));
        pos += total;
    }
    return out;
}

void set_base_offset(mutable_bytes_view batch, offset base) {
    store_be<int64_t>(batch.data() + L::base_offset, base.value());
}

void set_partition_leader_epoch(mutable_bytes_view batch, leader_epoch epoch) {
    store_be<int32_t>(batch.data() + L::partition_leader_epoch, epoch.value());
}

void set_log_append_time(mutable_bytes_view batch, int64_t timestamp_ms) {
    int16_t attrs = load_be<int16_t>(batch.data() + L::attributes);
    attrs = static_cast<int16_t>(attrs | batch_attr::log_append_time);
    store_be<int16_t>(batch.data() + L::attributes, attrs);
    store_be<int64_t>(batch.data() + L::max_timestamp, timestamp_ms);
    store_be<uint32_t>(batch.data() + L::crc, compute_batch_crc(batch));
}

// ---- record_reader ----

namespace {

// A cursor over one record's bytes that turns any overrun into an error
// naming the field.
struct field_reader {
    bytes_view in;
    size_t pos;
    const char* failed = nullptr;

    std::optional<int64_t> varlong(const char* field) {
        auto d = decode_uvarint(in.subspan(pos), kMaxVarlongBytes);
        if (!d) {
            failed = field;
            return std::nullopt;
        }
        pos += d->length;
        return zigzag_decode(d->value);
    }
    std::optional<int32_t> varint(const char* field) {
        auto d = decode_uvarint(in.subspan(pos), kMaxVarintBytes);
        if (!d) {
            failed = field;
            return std::nullopt;
        }
        int64_t v = zigzag_decode(d->value);
        if (v < INT32_MIN || v > INT32_MAX) {
            failed = field;
            return std::nullopt;
        }
        pos += d->length;
        return static_cast<int32_t>(v);
    }
    // A length-prefixed byte string; nullopt value for length -1.
    bool bytes_field(const char* field, std::optional<bytes_view>& out) {
        auto len = varint(field);
        if (!len) {
            return false;
        }
        if (*len < 0) {
            if (*len != -1) {
                failed = field;
                return false;
            }
            out.reset();
            return true;
        }
        if (static_cast<size_t>(*len) > in.size() - pos) {
            failed = field;
            return false;
        }
        out = in.subspan(pos, static_cast<size_t>(*len));
        pos += static_cast<size_t>(*len);
        return true;
    }
};

}  // namespace

result<std::optional<record_view>> record_reader::next() {
    if (remaining_ <= 0) {
        return std::optional<record_view>{};
    }
    auto fail = [&](const char* field, size_t at) {
        return error{errc::corrupt,
                     fmt::format("record {}: bad or truncated {} at byte {} of the record section",
                                 index_, field, at)};
    };
    field_reader top{in_, pos_};
    auto length = top.varint("length");
    if (!length || *length < 0 || static_cast<size_t>(*length) > in_.size() - top.pos) {
        return fail("length", pos_);
    }
    size_t body_start = top.pos;
    field_reader r{in_.first(body_start + static_cast<size_t>(*length)), body_start};
    record_view rec;
    if (r.pos >= r.in.size()) {
        return fail("attributes", r.pos);
    }
    rec.attributes = static_cast<int8_t>(r.in[r.pos]);
    ++r.pos;
    auto ts = r.varlong("timestampDelta");
    if (!ts) {
        return fail(r.failed, r.pos);
    }
    rec.timestamp_delta = *ts;
    auto od = r.varint("offsetDelta");
    if (!od) {
        return fail(r.failed, r.pos);
    }
    rec.offset_delta = *od;
    if (!r.bytes_field("key", rec.key) || !r.bytes_field("value", rec.value)) {
        return fail(r.failed, r.pos);
    }
    auto header_count = r.varint("headerCount");
    if (!header_count || *header_count < 0) {
        return fail("headerCount", r.pos);
    }
    size_t headers_start = r.pos;
    rec.header_count = *header_count;
    for (int32_t i = 0; i < *header_count; ++i) {
        std::optional<bytes_view> key;
        record_header_view h;
        if (!r.bytes_field("header key", key) || !key) {
            return fail(r.failed ? r.failed : "header key", r.pos);
        }
        if (!r.bytes_field("header value", h.value)) {
            return fail(r.failed, r.pos);
        }
        if (collect_headers_) {
            h.key = as_string_view(*key);
            rec.headers.push_back(h);
        }
    }
    rec.raw_headers = r.in.subspan(headers_start, r.pos - headers_start);
    if (r.pos != r.in.size()) {
        return fail("length (record has unread bytes)", r.pos);
    }
    pos_ = r.pos;
    --remaining_;
    ++index_;
    return std::optional<record_view>{std::move(rec)};
}

result<std::vector<record_view>> decode_records(bytes_view batch) {
    auto h = read_header(batch);
    if (!h) {
        return std::move(h).take_error();
    }
    if (h->compression() != compression_codec::none) {
        return error{errc::unsupported, "decode_records: batch is compressed; decompress first"};
    }
    if (h->total_size() > batch.size() || h->batch_length < L::min_batch_length) {
        return error{errc::corrupt, "decode_records: batchLength beyond buffer"};
    }
    record_reader reader(batch.subspan(L::header_size, h->total_size() - L::header_size),
                         h->records_count);
    std::vector<record_view> out;
    while (true) {
        auto r = reader.next();
        if (!r) {
            return std::move(r).take_error();
        }
        if (!r->has_value()) {
            break;
        }
        out.push_back(std::move(**r));
    }
    if (reader.unread() != 0) {
        return error{errc::corrupt, fmt::format("decode_records: {} bytes after the last record",
                                                reader.unread())};
    }
    return out;
}

// ---- batch_builder ----

bytes batch_builder::build() const {
    record_batch_writer w;
    if (!records_.empty()) {
        int64_t base = records_.front().timestamp;
        for (const auto& r : records_) {
            base = std::min(base, r.timestamp);
        }
        w.set_base_timestamp(base);
    }
    std::vector<record_batch_writer::header> headers;
    for (const auto& r : records_) {
        headers.clear();
        for (const auto& h : r.headers) {
            headers.push_back(
                {h.key, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
        }
        auto opt = [](const std::optional<std::string>& s) {
            return s ? std::optional<std::string_view>(*s) : std::nullopt;
        };
        w.append(r.timestamp, opt(r.key), opt(r.value), headers);
    }
    // An uncompressed batch: finish() cannot fail.
    return std::move(w.finish({.base_offset = base_offset_,
                               .partition_leader_epoch = leader_epoch_,
                               .producer_id = producer_id_,
                               .producer_epoch = producer_epoch_,
                               .base_sequence = base_sequence_,
                               .attributes = attributes_}))
        .value();
}

}  // namespace cs::kafka
