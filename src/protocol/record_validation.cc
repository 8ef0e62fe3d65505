#include "protocol/record_validation.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/compression.h"

namespace cs::kafka {

namespace {

// Scratch buffers larger than this are released after use, so that one huge
// batch does not pin its memory on an I/O thread for good.
constexpr size_t kKeepScratchBytes = 8u << 20;

// A bounded cursor over the record section. Every read checks the bound;
// `fail` records the first problem (field name, record index) and all later
// reads fail, so callers test once per record.
class walker {
  public:
    walker(bytes_view in) : begin_(in.data()), p_(in.data()), end_(in.data() + in.size()) {}

    size_t position() const { return static_cast<size_t>(p_ - begin_); }
    size_t left() const { return static_cast<size_t>(end_ - p_); }

    // A zig-zag varint of at most `max_bytes` bytes.
    bool varlong(size_t max_bytes, int64_t& out) {
        uint64_t v = 0;
        for (size_t i = 0; i < max_bytes; ++i) {
            if (p_ + i >= end_) {
                return false;
            }
            auto b = static_cast<uint8_t>(p_[i]);
            v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                p_ += i + 1;
                out = zigzag(v);
                return true;
            }
        }
        return false;  // over-long
    }
    bool varint(int32_t& out) {
        int64_t v = 0;
        if (!varlong(5, v) || v < INT32_MIN || v > INT32_MAX) {
            return false;
        }
        out = static_cast<int32_t>(v);
        return true;
    }
    bool skip(size_t n) {
        if (n > left()) {
            return false;
        }
        p_ += n;
        return true;
    }
    // Narrows the end to `n` bytes from here (a record's declared length).
    walker sub(size_t n) const {
        walker w(*this);
        w.end_ = p_ + n;
        return w;
    }
    void advance_to(const walker& w) { p_ = w.p_; }

  private:
    static int64_t zigzag(uint64_t v) {
        return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    }

    const std::byte* begin_;
    const std::byte* p_;
    const std::byte* end_;
};

error bad_record(int32_t index, const char* what, size_t at) {
    return error{errc::invalid_argument,
                 fmt::format("record {}: {} (byte {} of the record section)", index, what, at)};
}

// One record's body (after its length varint), bounded to its declared length.
status check_record_body(walker& r, int32_t index, int64_t& timestamp_delta, bool& null_key) {
    auto here = [&] { return r.position(); };
    int32_t offset_delta = 0;
    if (!r.skip(1)) {
        return bad_record(index, "truncated before its attributes", here());
    }
    if (!r.varlong(10, timestamp_delta)) {
        return bad_record(index, "bad or truncated timestampDelta", here());
    }
    if (!r.varint(offset_delta)) {
        return bad_record(index, "bad or truncated offsetDelta", here());
    }
    if (offset_delta != index) {
        return error{errc::invalid_argument,
                     fmt::format("record {}: invalid offset: offsetDelta {}, expected {} (inner "
                                 "offsets must run 0..recordsCount-1)",
                                 index, offset_delta, index)};
    }
    for (const char* field : {"key", "value"}) {
        int32_t len = 0;
        if (!r.varint(len) || len < -1) {
            return bad_record(index, field[0] == 'k' ? "bad key length" : "bad value length",
                              here());
        }
        if (field[0] == 'k' && len == -1) {
            null_key = true;
        }
        if (len > 0 && !r.skip(static_cast<size_t>(len))) {
            return bad_record(index,
                              field[0] == 'k' ? "key runs past the record's length"
                                              : "value runs past the record's length",
                              here());
        }
    }
    int32_t header_count = 0;
    if (!r.varint(header_count) || header_count < 0) {
        return bad_record(index, "bad headerCount", here());
    }
    // Each header takes at least two bytes (two length varints).
    if (static_cast<size_t>(header_count) > r.left() / 2) {
        return error{errc::invalid_argument,
                     fmt::format("record {}: headerCount {} cannot fit in the {} bytes left of "
                                 "the record",
                                 index, header_count, r.left())};
    }
    for (int32_t h = 0; h < header_count; ++h) {
        int32_t key_len = 0;
        int32_t value_len = 0;
        if (!r.varint(key_len) || key_len < 0 || !r.skip(static_cast<size_t>(key_len))) {
            return bad_record(index, "bad or truncated header key", here());
        }
        if (!r.varint(value_len) || value_len < -1 ||
            (value_len > 0 && !r.skip(static_cast<size_t>(value_len)))) {
            return bad_record(index, "bad or truncated header value", here());
        }
    }
    if (r.left() != 0) {
        return error{errc::invalid_argument,
                     fmt::format("record {}: {} bytes left unread inside its declared length",
                                 index, r.left())};
    }
    return {};
}

}  // namespace

status validate_record_section(bytes_view records, int32_t count, record_summary* summary,
                               int64_t base_timestamp) {
    if (count < 0) {
        return error{errc::invalid_argument, fmt::format("recordsCount {} is negative", count)};
    }
    walker w(records);
    for (int32_t i = 0; i < count; ++i) {
        if (w.left() == 0) {
            return error{
                errc::invalid_argument,
                fmt::format("recordsCount is {} but the batch holds only {} records", count, i)};
        }
        const size_t record_start = w.position();
        int32_t length = 0;
        if (!w.varint(length) || length < 0) {
            return bad_record(i, "bad record length", record_start);
        }
        if (static_cast<size_t>(length) > w.left()) {
            return error{errc::invalid_argument,
                         fmt::format("record {}: length {} runs past the end of the records "
                                     "({} bytes left, byte {} of the record section)",
                                     i, length, w.left(), record_start)};
        }
        walker body = w.sub(static_cast<size_t>(length));
        int64_t delta = 0;
        bool null_key = false;
        if (auto st = check_record_body(body, i, delta, null_key); !st) {
            return st;
        }
        if (summary != nullptr) {
            summary->null_key = summary->null_key || null_key;
            // Wraps like Kafka's long addition on absurd deltas.
            const auto t = static_cast<int64_t>(static_cast<uint64_t>(base_timestamp) +
                                                static_cast<uint64_t>(delta));
            if (t != no_timestamp) {
                summary->min = std::min(summary->min, t);
                summary->max = std::max(summary->max, t);
            }
        }
        w.advance_to(body);
    }
    if (w.left() != 0) {
        return error{errc::invalid_argument,
                     fmt::format("{} bytes after the last of the {} records", w.left(), count)};
    }
    return {};
}

status validate_records(bytes_view batch, const batch_header& h, size_t max_uncompressed_bytes,
                        record_summary* summary) {
    bytes_view section =
        batch.subspan(batch_layout::header_size, h.total_size() - batch_layout::header_size);
    if (h.compression() == compression_codec::none) {
        return validate_record_section(section, h.records_count, summary, h.base_timestamp);
    }
    thread_local decompress_buffer scratch;
    status st = decompress_into(h.compression(), section, max_uncompressed_bytes, scratch);
    if (st) {
        st = validate_record_section(scratch.view(), h.records_count, summary, h.base_timestamp);
    } else if (st.code() == errc::corrupt) {
        st = error{errc::corrupt, "compressed records: " + st.message()};
    }
    if (scratch.capacity() > kKeepScratchBytes) {
        scratch.release();
    }
    return st;
}

}  // namespace cs::kafka
