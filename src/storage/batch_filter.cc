#include "storage/batch_filter.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/compression.h"

namespace cs::storage {

namespace {

// Uncompressed records never exceed this (max.message.bytes is far lower;
// this only bounds a corrupt length field).
constexpr size_t max_records_bytes = 256u << 20;

struct record_span {
    record_ref ref;
    size_t begin;  // position of the record's length varint in the section
    size_t end;
};

// The record section of `batch`, decompressed into `scratch` if need be.
result<bytes_view> record_section(bytes_view batch, const kafka::batch_header& h,
                                  kafka::decompress_buffer& scratch) {
    bytes_view section = batch.subspan(kafka::batch_layout::header_size);
    if (h.compression() == kafka::compression_codec::none) {
        return section;
    }
    if (auto s = kafka::decompress_into(h.compression(), section, max_records_bytes, scratch); !s) {
        return s.err();
    }
    return scratch.view();
}

// Every record of the section with its byte range.
result<std::vector<record_span>> scan(bytes_view section, const kafka::batch_header& h) {
    std::vector<record_span> out;
    out.reserve(static_cast<size_t>(std::max(h.records_count, 0)));
    kafka::record_reader reader(section, h.records_count);
    size_t pos = 0;
    while (true) {
        auto rec = reader.next();
        if (!rec) {
            return rec.take_error();
        }
        if (!rec->has_value()) {
            break;
        }
        const auto& r = **rec;
        size_t end = section.size() - reader.unread();
        int64_t ts = h.base_timestamp + r.timestamp_delta;
        out.push_back(
            record_span{.ref = record_ref{.offset = kafka::offset(h.base_offset + r.offset_delta),
                                          .timestamp = ts,
                                          .key = r.key,
                                          .tombstone = !r.value.has_value()},
                        .begin = pos,
                        .end = end});
        pos = end;
    }
    return out;
}

}  // namespace

status for_each_record(bytes_view batch, const std::function<void(const record_ref&)>& visit) {
    auto h = kafka::read_header(batch);
    if (!h) {
        return h.err();
    }
    if (h->is_control()) {
        return {};
    }
    thread_local kafka::decompress_buffer scratch;
    auto section = record_section(batch.first(h->total_size()), *h, scratch);
    if (!section) {
        return section.err();
    }
    auto spans = scan(*section, *h);
    if (!spans) {
        return spans.err();
    }
    for (const auto& s : *spans) {
        visit(s.ref);
    }
    return {};
}

result<filtered_batch> filter_batch(bytes_view batch,
                                    const std::function<bool(const record_ref&)>& keep) {
    auto h = kafka::read_header(batch);
    if (!h) {
        return h.take_error();
    }
    filtered_batch out;
    if (h->is_control()) {
        out.kept_records = h->records_count;
        return out;
    }
    batch = batch.first(h->total_size());
    thread_local kafka::decompress_buffer scratch;
    auto section = record_section(batch, *h, scratch);
    if (!section) {
        return section.take_error();
    }
    auto spans = scan(*section, *h);
    if (!spans) {
        return spans.take_error();
    }
    bytes kept;
    int64_t max_ts = kafka::no_timestamp;
    for (const auto& s : *spans) {
        if (keep(s.ref)) {
            ++out.kept_records;
            kept.insert(kept.end(), section->begin() + static_cast<std::ptrdiff_t>(s.begin),
                        section->begin() + static_cast<std::ptrdiff_t>(s.end));
            max_ts = std::max(max_ts, s.ref.timestamp);
        } else {
            ++out.removed_records;
        }
    }
    if (out.removed_records == 0) {
        return out;
    }
    if (out.kept_records == 0) {
        out.outcome = filter_outcome::removed_all;
        return out;
    }
    out.outcome = filter_outcome::rewritten;
    bytes body;
    if (h->compression() == kafka::compression_codec::none) {
        body = std::move(kept);
    } else {
        auto c = kafka::compress(h->compression(), kept);
        if (!c) {
            return c.take_error();
        }
        body = std::move(*c);
    }
    const size_t total = kafka::batch_layout::header_size + body.size();
    out.data.resize(total);
    std::copy(batch.begin(), batch.begin() + kafka::batch_layout::header_size, out.data.begin());
    std::copy(body.begin(), body.end(),
              out.data.begin() + static_cast<std::ptrdiff_t>(kafka::batch_layout::header_size));
    store_be<int32_t>(out.data.data() + kafka::batch_layout::batch_length,
                      static_cast<int32_t>(total - kafka::batch_layout::log_overhead));
    store_be<int32_t>(out.data.data() + kafka::batch_layout::records_count, out.kept_records);
    if (h->ts_type() == kafka::timestamp_type::create_time) {
        store_be<int64_t>(out.data.data() + kafka::batch_layout::max_timestamp, max_ts);
    }
    store_be<uint32_t>(out.data.data() + kafka::batch_layout::crc,
                       kafka::compute_batch_crc(out.data));
    return out;
}

}  // namespace cs::storage
