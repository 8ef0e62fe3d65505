#include "client/fetch_decoder.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/compression.h"
#include "protocol/record_batch.h"

namespace cs::client {

namespace {

namespace L = kafka::batch_layout;

// A compressed batch holds at most message.max.bytes of compressed input;
// its output is capped so that a decompression bomb fails instead of
// exhausting memory.
constexpr size_t max_decompressed = 256u << 20;

error unsupported_format(std::string_view topic, int32_t partition, int64_t offset, int magic) {
    return error{errc::unsupported,
                 fmt::format("{} [{}] at offset {}: message format v{} (magic {}) is not "
                             "supported by the built-in fetcher (only v2 record batches)",
                             topic, partition, offset, magic, magic)};
}

}  // namespace

result<decoded_records> decode_fetched_records(bytes_view records, std::string_view topic,
                                               int32_t partition, int64_t position,
                                               fetched_buffers& buffers,
                                               const std::shared_ptr<const void>& owner,
                                               std::vector<message>& out, int64_t* stopped_at,
                                               bool verify_crc) {
    decoded_records d{position, 0};
    auto corrupt = [&](int64_t at, std::string_view why) {
        if (stopped_at != nullptr) {
            *stopped_at = d.next_offset;
        }
        return error{errc::corrupt, fmt::format("{} [{}]: corrupt record batch at offset {}: {}",
                                                topic, partition, at, why)};
    };
    // Message sets v0/v1 put their magic byte where v2 does (offset 16).
    if (records.size() > L::magic &&
        static_cast<int8_t>(records[L::magic]) != kafka::record_batch_magic_v2) {
        if (stopped_at != nullptr) {
            *stopped_at = position;
        }
        return unsupported_format(topic, partition, load_be<int64_t>(records.data()),
                                  static_cast<int8_t>(records[L::magic]));
    }
    auto split = kafka::split_batches(records);
    if (!split) {
        return corrupt(position, split.err().message);
    }
    // Room for every record at once (a record takes at least 7 bytes, which
    // bounds what a corrupt count can ask for).
    size_t expected = 0;
    for (bytes_view batch : split->batches) {
        expected +=
            static_cast<size_t>(std::max(load_be<int32_t>(batch.data() + L::records_count), 0));
    }
    out.reserve(out.size() + std::min(expected, records.size() / 7));
    for (bytes_view batch : split->batches) {
        if (batch.size() < L::header_size) {
            return corrupt(load_be<int64_t>(batch.data()), "batch shorter than its header");
        }
        kafka::batch_header h = kafka::decode_header(batch);
        if (h.magic != kafka::record_batch_magic_v2) {
            if (stopped_at != nullptr) {
                *stopped_at = d.next_offset;
            }
            return unsupported_format(topic, partition, h.base_offset, h.magic);
        }
        if (verify_crc && kafka::compute_batch_crc(batch) != h.crc) {
            return corrupt(h.base_offset, "CRC-32C mismatch (check.crcs)");
        }
        int64_t end = h.base_offset + h.last_offset_delta + 1;
        if (h.is_control() || end <= d.next_offset) {
            d.next_offset = std::max(d.next_offset, end);
            continue;
        }
        bytes_view section = batch.subspan(L::header_size);
        if (h.compression() != kafka::compression_codec::none) {
            if (h.codec_bits() > static_cast<uint8_t>(kafka::compression_codec::zstd)) {
                return corrupt(h.base_offset, fmt::format("unknown codec {}", h.codec_bits()));
            }
            kafka::decompress_buffer& plain = buffers.decompressed.emplace_back();
            if (auto st = kafka::decompress_into(h.compression(), section, max_decompressed, plain);
                !st) {
                buffers.decompressed.pop_back();
                return corrupt(h.base_offset, st.message());
            }
            section = plain.view();
        }
        bool log_append = h.ts_type() == kafka::timestamp_type::log_append_time;
        timestamp_kind kind =
            log_append ? timestamp_kind::log_append_time : timestamp_kind::create_time;
        kafka::record_reader reader(section, h.records_count, /*collect_headers=*/false);
        size_t appended = 0;
        while (true) {
            auto r = reader.next();
            if (!r) {
                out.erase(out.end() - static_cast<ptrdiff_t>(appended),
                          out.end());  // all or nothing
                return corrupt(h.base_offset, r.err().message);
            }
            if (!r->has_value()) {
                break;
            }
            const kafka::record_view& rec = **r;
            int64_t offset = h.base_offset + rec.offset_delta;
            if (offset < d.next_offset) {
                continue;
            }
            fetched_fields f;
            f.topic = topic;
            f.partition = partition;
            f.offset = offset;
            if (rec.key) {
                f.key = as_string_view(*rec.key);
            }
            if (rec.value) {
                f.value = as_string_view(*rec.value);
            }
            f.timestamp_ms = log_append ? h.max_timestamp : h.base_timestamp + rec.timestamp_delta;
            f.timestamp_type = kind;
            f.raw_headers = as_string_view(rec.raw_headers);
            f.header_count = rec.header_count;
            out.emplace_back(f, owner);
            ++appended;
        }
        if (reader.unread() != 0) {
            out.erase(out.end() - static_cast<ptrdiff_t>(appended), out.end());
            return corrupt(h.base_offset, fmt::format("{} bytes after the last of its {} records",
                                                      reader.unread(), h.records_count));
        }
        d.count += appended;
        d.next_offset = std::max(d.next_offset, end);
    }
    return d;
}

}  // namespace cs::client
