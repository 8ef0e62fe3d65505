#include "formats/parquet/column_writer.h"

#include <bit>
#include <functional>
#include <string_view>

#include <fmt/format.h>

#include "formats/parquet/rle.h"

namespace cs::formats::parquet {

namespace {

constexpr size_t kInitialSlots = 64;

uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

uint64_t hash_bytes(bytes_view v) {
    return mix64(std::hash<std::string_view>{}(as_string_view(v)));
}

uint32_t load_u32le(const std::byte* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

template <class T>
T load_le(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

size_t plain_width(physical_type t) {
    switch (t) {
        case physical_type::boolean:
            return 1;  // as buffered; packed to bits at the page end
        case physical_type::int32:
        case physical_type::float_:
            return 4;
        case physical_type::int64:
        case physical_type::double_:
            return 8;
        case physical_type::byte_array:
            return 0;
    }
    return 0;
}

}  // namespace

column_writer::column_writer(const column_spec& spec, const column_options& opts,
                             page_compressor& comp)
    : spec_(spec),
      opts_(opts),
      comp_(comp),
      optional_(spec.max_def() > 0),
      max_def_(static_cast<uint8_t>(spec.max_def())),
      max_rep_(static_cast<uint8_t>(spec.max_rep())),
      width_(plain_width(spec.type)),
      chunk_stats_(stats_for(spec)),
      dict_mode_(opts.dictionary && spec.type != physical_type::boolean) {
    if (opts_.page_values == 0) {
        opts_.page_values = 1;
    }
    if (dict_mode_) {
        slots_.assign(kInitialSlots, slot{});
    }
}

void column_writer::wrong_put(const char* what) {
    if (error_.ok()) {
        error_ = status(errc::invalid_argument,
                        fmt::format("parquet column {}: put of {} does not fit the column's type",
                                    spec_.name, what));
    }
}

void column_writer::put_bool(bool v) {
    if (spec_.type != physical_type::boolean) [[unlikely]] {
        return wrong_put("BOOLEAN");
    }
    begin_value();
    if (optional_) {
        defs_.push_back(max_def_);
    }
    plain_.push_back(static_cast<std::byte>(v ? 1 : 0));
    page_plain_bytes_ += 1;
    end_value();
}

void column_writer::put_float(float v) {
    if (spec_.type != physical_type::float_) [[unlikely]] {
        return wrong_put("FLOAT");
    }
    put_fixed<float>(v, std::bit_cast<uint32_t>(v));
}

void column_writer::put_double(double v) {
    if (spec_.type != physical_type::double_) [[unlikely]] {
        return wrong_put("DOUBLE");
    }
    put_fixed<double>(v, std::bit_cast<uint64_t>(v));
}

void column_writer::put_bytes(bytes_view v) {
    if (spec_.type != physical_type::byte_array) [[unlikely]] {
        return wrong_put("BYTE_ARRAY");
    }
    begin_value();
    if (optional_) {
        defs_.push_back(max_def_);
    }
    page_plain_bytes_ += 4 + v.size();
    if (dict_mode_) {
        indices_.push_back(lookup_bytes(v));
        check_dictionary_size();
    } else {
        size_t at = plain_.size();
        plain_.resize(at + 4 + v.size());
        uint32_t n = static_cast<uint32_t>(v.size());
        std::memcpy(plain_.data() + at, &n, 4);
        if (!v.empty()) {
            std::memcpy(plain_.data() + at + 4, v.data(), v.size());
        }
    }
    end_value();
}

// ---- dictionary ----

uint32_t column_writer::insert_slot(size_t pos, uint64_t hash, uint32_t offset, uint32_t size) {
    uint32_t index = dict_count_++;
    slots_[pos] = slot{static_cast<uint32_t>(hash >> 32), index + 1, offset, size};
    if (dict_count_ * 2 > slots_.size()) {
        grow_table();
    }
    return index;
}

void column_writer::grow_table() {
    std::vector<slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const slot& s : old) {
        if (s.index1 == 0) {
            continue;
        }
        const std::byte* v = dict_plain_.data() + s.offset;
        uint64_t h = width_ == 0   ? hash_bytes(bytes_view(v, s.size))
                     : width_ == 4 ? mix64(load_le<uint32_t>(v))
                                   : mix64(load_le<uint64_t>(v));
        size_t pos = h & mask;
        while (slots_[pos].index1 != 0) {
            pos = (pos + 1) & mask;
        }
        slots_[pos] = s;
    }
}

uint32_t column_writer::lookup_fixed(uint64_t key, const void* v, size_t width) {
    uint64_t h = mix64(key);
    uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t mask = slots_.size() - 1;
    size_t pos = h & mask;
    while (true) {
        const slot& s = slots_[pos];
        if (s.index1 == 0) {
            size_t at = dict_plain_.size();
            dict_plain_.resize(at + width);
            std::memcpy(dict_plain_.data() + at, v, width);
            return insert_slot(pos, h, static_cast<uint32_t>(at), static_cast<uint32_t>(width));
        }
        if (s.tag == tag && std::memcmp(dict_plain_.data() + s.offset, v, width) == 0) {
            return s.index1 - 1;
        }
        pos = (pos + 1) & mask;
    }
}

uint32_t column_writer::lookup_bytes(bytes_view v) {
    uint64_t h = hash_bytes(v);
    uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t mask = slots_.size() - 1;
    size_t pos = h & mask;
    while (true) {
        const slot& s = slots_[pos];
        if (s.index1 == 0) {
            size_t at = dict_plain_.size();
            dict_offsets_.push_back(static_cast<uint32_t>(at));
            dict_plain_.resize(at + 4 + v.size());
            uint32_t n = static_cast<uint32_t>(v.size());
            std::memcpy(dict_plain_.data() + at, &n, 4);
            if (!v.empty()) {
                std::memcpy(dict_plain_.data() + at + 4, v.data(), v.size());
            }
            return insert_slot(pos, h, static_cast<uint32_t>(at + 4), n);
        }
        if (s.tag == tag && s.size == v.size() &&
            (v.empty() || std::memcmp(dict_plain_.data() + s.offset, v.data(), v.size()) == 0)) {
            return s.index1 - 1;
        }
        pos = (pos + 1) & mask;
    }
}

void column_writer::fall_back_to_plain() {
    for (uint32_t index : indices_) {
        if (width_ != 0) {
            append_plain(dict_plain_.data() + index * width_, width_);
        } else {
            uint32_t at = dict_offsets_[index];
            append_plain(dict_plain_.data() + at, 4 + load_u32le(dict_plain_.data() + at));
        }
    }
    indices_.clear();
    dict_mode_ = false;
    if (dict_pages_ == 0) {
        reset_dictionary();
    } else {
        // Earlier pages refer to the entries: keep them for the dictionary page.
        std::vector<slot>().swap(slots_);
        std::vector<uint32_t>().swap(dict_offsets_);
    }
}

void column_writer::reset_dictionary() {
    bytes().swap(dict_plain_);
    std::vector<uint32_t>().swap(dict_offsets_);
    std::vector<slot>().swap(slots_);
    dict_count_ = 0;
}

// ---- pages ----

namespace {

void add_value(value_stats& st, physical_type t, bytes_view v) {
    switch (t) {
        case physical_type::boolean:
            st.add_int(v[0] != std::byte{0} ? 1 : 0);
            break;
        case physical_type::int32:
            st.add_int(load_le<int32_t>(v.data()));
            break;
        case physical_type::int64:
            st.add_int(load_le<int64_t>(v.data()));
            break;
        case physical_type::float_:
            st.add_double(load_le<float>(v.data()));
            break;
        case physical_type::double_:
            st.add_double(load_le<double>(v.data()));
            break;
        case physical_type::byte_array:
            st.add_bytes(v);
            break;
    }
}

// Levels of a v1 data page: the 4-byte little-endian length, then the
// RLE/bit-packed hybrid at the width of the maximum level.
void append_levels(const std::vector<uint8_t>& levels, uint8_t max_level, bytes& out) {
    size_t at = out.size();
    out.resize(at + 4);
    rle_encode(std::span<const uint8_t>(levels), bit_width(max_level), out);
    uint32_t n = static_cast<uint32_t>(out.size() - at - 4);
    std::memcpy(out.data() + at, &n, 4);
}

}  // namespace

void column_writer::page_stats_from_indices(value_stats& st) {
    if (seen_.size() < dict_count_) {
        seen_.resize(dict_count_, 0);
    }
    for (uint32_t index : indices_) {
        if (seen_[index] == 0) {
            seen_[index] = 1;
            add_value(st, spec_.type, dict_entry(index));
        }
    }
    for (uint32_t index : indices_) {
        seen_[index] = 0;
    }
}

void column_writer::page_stats_from_plain(value_stats& st) {
    const std::byte* p = plain_.data();
    const std::byte* end = p + plain_.size();
    switch (spec_.type) {
        case physical_type::boolean:
        case physical_type::int32:
        case physical_type::int64:
        case physical_type::float_:
        case physical_type::double_:
            for (; p < end; p += width_) {
                add_value(st, spec_.type, bytes_view(p, width_));
            }
            break;
        case physical_type::byte_array:
            while (p < end) {
                uint32_t n = load_u32le(p);
                st.add_bytes(bytes_view(p + 4, n));
                p += 4 + n;
            }
            break;
    }
}

void column_writer::finish_page() {
    if (page_values_ == 0) {
        return;
    }
    if (dict_mode_ && dict_pages_ == 0 && dict_count_ > 0) {
        // First dictionary page of the chunk: keep the dictionary only if it
        // is smaller than PLAIN for what we have seen.
        size_t index_bytes = indices_.size() * static_cast<size_t>(bit_width(dict_count_ - 1)) / 8;
        if (dict_plain_.size() + index_bytes >= page_plain_bytes_) {
            fall_back_to_plain();
        }
    }
    const bool as_dict = dict_mode_ && dict_count_ > 0;

    body_.clear();
    if (max_rep_ > 0) {
        append_levels(reps_, max_rep_, body_);
    }
    if (optional_) {
        append_levels(defs_, max_def_, body_);
    }
    value_stats page_stats = stats_for(spec_);
    page_stats.add_nulls(page_nulls_);
    encoding enc = encoding::plain;
    if (as_dict) {
        int width = bit_width(dict_count_ - 1);
        body_.push_back(static_cast<std::byte>(width));
        rle_encode(std::span<const uint32_t>(indices_), width, body_);
        enc = encoding::rle_dictionary;
        ++dict_pages_;
        page_stats_from_indices(page_stats);
    } else {
        if (spec_.type == physical_type::boolean) {
            size_t at = body_.size();
            body_.resize(at + (plain_.size() + 7) / 8, std::byte{0});
            for (size_t i = 0; i < plain_.size(); ++i) {
                if (plain_[i] != std::byte{0}) {
                    body_[at + i / 8] |= static_cast<std::byte>(1 << (i % 8));
                }
            }
        } else {
            body_.insert(body_.end(), plain_.begin(), plain_.end());
        }
        ++plain_pages_;
        page_stats_from_plain(page_stats);
    }

    bytes_view payload;
    if (auto compressed = comp_.compress(body_); compressed.ok()) {
        payload = *compressed;
    } else if (error_.ok()) {
        error_ = compressed.err();
    }
    data_page_info info;
    info.num_values = static_cast<int32_t>(page_values_);
    info.values_encoding = enc;
    info.uncompressed_size = static_cast<int32_t>(body_.size());
    info.compressed_size = static_cast<int32_t>(payload.size());
    info.stats = opts_.page_statistics ? &page_stats : nullptr;
    header_.clear();
    write_data_page_header(info, opts_.max_stat_bytes, header_);
    pages_.insert(pages_.end(), header_.begin(), header_.end());
    pages_.insert(pages_.end(), payload.begin(), payload.end());
    uncompressed_ += static_cast<int64_t>(header_.size() + body_.size());

    chunk_stats_.merge(page_stats);
    chunk_values_ += page_values_;
    chunk_rows_ += page_rows_;
    page_rows_ = 0;
    page_full_ = false;
    reps_.clear();
    defs_.clear();
    indices_.clear();
    plain_.clear();
    page_values_ = 0;
    page_nulls_ = 0;
    page_plain_bytes_ = 0;
}

status column_writer::write_dictionary_page(byte_sink& sink, int64_t& written) {
    auto compressed = comp_.compress(dict_plain_);
    if (!compressed.ok()) {
        return compressed.err();
    }
    bytes_view payload = *compressed;
    header_.clear();
    write_dictionary_page_header(static_cast<int32_t>(dict_count_),
                                 static_cast<int32_t>(dict_plain_.size()),
                                 static_cast<int32_t>(payload.size()), header_);
    if (auto st = sink.append(header_); !st.ok()) {
        return st;
    }
    if (auto st = sink.append(payload); !st.ok()) {
        return st;
    }
    written += static_cast<int64_t>(header_.size() + payload.size());
    uncompressed_ += static_cast<int64_t>(header_.size() + dict_plain_.size());
    return {};
}

status column_writer::write_chunk(byte_sink& sink, int64_t offset, chunk_meta& meta) {
    finish_page();
    if (!error_.ok()) {
        return error_;
    }
    meta.type = spec_.type;
    meta.codec = comp_.codec();
    meta.num_values = chunk_values_;
    meta.dictionary_page_offset.reset();
    int64_t written = 0;
    meta.dictionary_data_pages = dict_pages_;
    meta.plain_data_pages = plain_pages_;
    if (dict_pages_ > 0) {
        meta.dictionary_page_offset = offset;
        if (auto st = write_dictionary_page(sink, written); !st.ok()) {
            return st;
        }
    }
    meta.data_page_offset = offset + written;
    if (auto st = sink.append(pages_); !st.ok()) {
        return st;
    }
    written += static_cast<int64_t>(pages_.size());
    meta.total_compressed_size = written;
    meta.total_uncompressed_size = uncompressed_;
    meta.encodings.clear();
    if (dict_pages_ > 0 || plain_pages_ > 0) {
        meta.encodings.push_back(encoding::plain);  // dictionary page and/or PLAIN pages
    }
    if (optional_) {
        meta.encodings.push_back(encoding::rle);
    }
    if (dict_pages_ > 0) {
        meta.encodings.push_back(encoding::rle_dictionary);
    }
    meta.stats = std::move(chunk_stats_);
    chunk_stats_ = stats_for(spec_);

    if (pages_.capacity() > 4 * opts_.page_bytes) {
        bytes().swap(pages_);  // an unusually large row group: give the memory back
    } else {
        pages_.clear();
    }
    chunk_values_ = 0;
    chunk_rows_ = 0;
    uncompressed_ = 0;
    dict_pages_ = 0;
    plain_pages_ = 0;
    reset_dictionary();
    dict_mode_ = opts_.dictionary && spec_.type != physical_type::boolean;
    if (dict_mode_) {
        slots_.assign(kInitialSlots, slot{});
    }
    return {};
}

size_t column_writer::buffered_bytes() const {
    return pages_.size() + reps_.size() + defs_.size() + indices_.size() * sizeof(uint32_t) +
           plain_.size() + dict_plain_.size() + dict_offsets_.size() * sizeof(uint32_t) +
           slots_.size() * sizeof(slot);
}

}  // namespace cs::formats::parquet
