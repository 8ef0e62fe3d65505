#pragma once

// Buffers and encodes one column of the current row group.
//
// Values go into the open page: repetition levels (columns under a REPEATED
// group) and definition levels (OPTIONAL or REPEATED on the path), one byte
// per level entry, plus either dictionary indices or PLAIN bytes. When the
// open page reaches page_values level entries or page_bytes PLAIN bytes it
// is encoded (repetition then definition levels, each RLE with a 4-byte
// length; values as RLE_DICTIONARY or PLAIN), compressed and appended,
// header first, to the chunk's page buffer. A column with repetition levels
// cuts its page only before a value that starts a record (repetition level
// 0), so no record spans two pages.
//
// Lists and maps (Dremel levels; see column_spec::def_through/rep_through).
// Every put is one level entry. By default it starts a new record
// (repetition level 0); repeat(r) first makes the next put continue the
// record at repetition level r (1..max_rep: the r-th REPEATED group on the
// path gets another entry). Entries that carry no value are put_null_at(d)
// with d the definition level reached. For `optional group l (LIST) {
// repeated group list { optional int64 element; } }` at the top level:
//
//   null list   -> put_null_at(0)
//   []          -> put_null_at(1)
//   [null, 7]   -> put_null_at(2); repeat(1); put_int64(7)
//
// A row of a table with such a column is one record: file_writer checks
// rows by counting the entries at repetition level 0 (chunk_rows()).
// At the row-group cut, write_chunk() sends the dictionary page (if any page
// used the dictionary) and then the buffered pages to the sink, and the
// column starts a fresh chunk with an empty dictionary.
//
// Dictionary fallback, per column chunk: every column but BOOLEAN starts in
// dictionary mode. It switches to PLAIN for the rest of the chunk when the
// dictionary's PLAIN size passes dictionary_max_bytes, or when the first page
// shows the dictionary saves nothing (dictionary bytes plus indices >= the
// PLAIN bytes of that page). The open page's indices are rewritten as PLAIN
// values; pages already written with RLE_DICTIONARY stay, and the dictionary
// page is then written with the entries it had. When no page used it, no
// dictionary page is written at all.
//
// Not thread-safe; one writer thread.

#include <cstdint>
#include <cstring>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "formats/parquet/byte_sink.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/page_compressor.h"
#include "formats/parquet/stats.h"
#include "formats/parquet/types.h"

namespace cs::formats::parquet {

struct column_options {
    bool dictionary = true;
    size_t dictionary_max_bytes = 1 << 20;
    size_t page_bytes = 1 << 20;
    uint32_t page_values = 20000;
    size_t max_stat_bytes = 4096;
    bool page_statistics = true;
};

class column_writer {
  public:
    column_writer(const column_spec& spec, const column_options& opts, page_compressor& comp);

    // One value (or null) per row, or per level entry under REPEATED groups.
    // A put of the wrong type, a null into a REQUIRED column or a bad
    // repetition level is a caller bug: the value is dropped and error()
    // reports it.
    void put_null() { put_null_at(static_cast<uint8_t>(max_def_ - 1)); }
    // A null whose definition level is `level` (< max_def): the OPTIONAL
    // (or REPEATED) groups or column of the path defined down to there.
    void put_null_at(uint8_t level) {
        if (level >= max_def_) [[unlikely]] {
            return wrong_put("null into REQUIRED column");
        }
        begin_value();
        defs_.push_back(level);
        ++page_nulls_;
        end_value();
    }
    // The next put continues the current record at repetition level `level`
    // (1..max_rep) instead of starting a new one.
    void repeat(uint8_t level) {
        if (level == 0 || level > max_rep_ || chunk_values() == 0) [[unlikely]] {
            return wrong_put("repetition level");
        }
        pending_rep_ = level;
    }
    void put_bool(bool v);
    void put_int32(int32_t v) {
        if (spec_.type != physical_type::int32) [[unlikely]] {
            return wrong_put("INT32");
        }
        put_fixed<int32_t>(v, static_cast<uint32_t>(v));
    }
    void put_int64(int64_t v) {
        if (spec_.type != physical_type::int64) [[unlikely]] {
            return wrong_put("INT64");
        }
        put_fixed<int64_t>(v, static_cast<uint64_t>(v));
    }
    void put_float(float v);
    void put_double(double v);
    void put_bytes(bytes_view v);

    const column_spec& spec() const { return spec_; }
    // Level entries (values with nulls) put into the current row group.
    int64_t chunk_values() const { return chunk_values_ + page_values_; }
    // Records (entries at repetition level 0) put into the current row group.
    int64_t chunk_rows() const { return max_rep_ == 0 ? chunk_values() : chunk_rows_ + page_rows_; }
    // Memory held: encoded pages, the open page, the dictionary and its
    // hash table.
    size_t buffered_bytes() const;
    // What the chunk would take in the file if cut now (compressed pages,
    // the open page's values and levels uncompressed, the dictionary page
    // uncompressed): what row groups are cut by.
    size_t estimated_chunk_bytes() const {
        return pages_.size() + (reps_.size() + defs_.size()) / 8 +
               (dict_mode_ ? indices_.size() * 2 : plain_.size()) + dict_plain_.size();
    }
    const status& error() const { return error_; }
    bool dictionary_mode() const { return dict_mode_; }

    // Encodes the open page, then appends the chunk (dictionary page first)
    // to `sink`, whose next byte is at file offset `offset`. Fills `meta` and
    // resets the column for the next row group.
    status write_chunk(byte_sink& sink, int64_t offset, chunk_meta& meta);

  private:
    template <class T>
    void put_fixed(T v, uint64_t key) {
        begin_value();
        if (optional_) {
            defs_.push_back(max_def_);
        }
        page_plain_bytes_ += sizeof(T);
        if (dict_mode_) {
            indices_.push_back(lookup_fixed(key, &v, sizeof(T)));
            check_dictionary_size();
        } else {
            append_plain(&v, sizeof(T));
        }
        end_value();
    }
    void append_plain(const void* p, size_t n) {
        size_t at = plain_.size();
        plain_.resize(at + n);
        std::memcpy(plain_.data() + at, p, n);
    }
    // Takes the entry's repetition level; a full page ends before a record.
    void begin_value() {
        if (max_rep_ == 0) {
            return;
        }
        const uint8_t r = pending_rep_;
        pending_rep_ = 0;
        if (r == 0) {
            if (page_full_) {
                finish_page();
            }
            ++page_rows_;
        }
        reps_.push_back(r);
    }
    void end_value() {
        if (++page_values_ >= opts_.page_values || plain_.size() >= opts_.page_bytes) [[unlikely]] {
            if (max_rep_ == 0) {
                finish_page();
            } else {
                page_full_ = true;  // cut before the next record
            }
        }
    }
    void wrong_put(const char* what);

    uint32_t lookup_fixed(uint64_t key, const void* v, size_t width);
    uint32_t lookup_bytes(bytes_view v);
    uint32_t insert_slot(size_t pos, uint64_t hash, uint32_t offset, uint32_t size);
    void grow_table();
    void check_dictionary_size() {
        if (dict_plain_.size() > opts_.dictionary_max_bytes) [[unlikely]] {
            fall_back_to_plain();
        }
    }
    void fall_back_to_plain();
    void reset_dictionary();
    // An entry's PLAIN value (BYTE_ARRAY: the bytes without the length).
    bytes_view dict_entry(uint32_t index) const {
        if (width_ != 0) {
            return {dict_plain_.data() + index * width_, width_};
        }
        uint32_t at = dict_offsets_[index];
        uint32_t n;
        std::memcpy(&n, dict_plain_.data() + at, 4);
        return {dict_plain_.data() + at + 4, n};
    }
    void page_stats_from_indices(value_stats& st);
    void page_stats_from_plain(value_stats& st);
    void finish_page();
    status write_dictionary_page(byte_sink& sink, int64_t& written);

    column_spec spec_;
    column_options opts_;
    page_compressor& comp_;
    bool optional_;    // has definition levels
    uint8_t max_def_;  // column_spec::max_def()
    uint8_t max_rep_;  // column_spec::max_rep(); 0: no repetition levels
    size_t width_;     // PLAIN bytes of a fixed-width value; 0 for BYTE_ARRAY

    // Open page.
    std::vector<uint8_t> reps_;
    std::vector<uint8_t> defs_;
    uint8_t pending_rep_ = 0;  // of the next put (repeat())
    bool page_full_ = false;   // max_rep_ > 0: cut before the next record
    uint32_t page_rows_ = 0;   // max_rep_ > 0: entries at repetition level 0
    std::vector<uint32_t> indices_;
    bytes plain_;  // PLAIN values (BOOLEAN: one byte per value, packed at page end)
    uint32_t page_values_ = 0;
    uint32_t page_nulls_ = 0;
    size_t page_plain_bytes_ = 0;  // the page's values if PLAIN-encoded

    // Current column chunk.
    bytes pages_;  // page headers and compressed bodies
    int64_t chunk_values_ = 0;
    int64_t chunk_rows_ = 0;  // max_rep_ > 0 only
    int64_t uncompressed_ = 0;
    int32_t dict_pages_ = 0;   // data pages written with RLE_DICTIONARY
    int32_t plain_pages_ = 0;  // data pages written with PLAIN
    value_stats chunk_stats_;

    // Dictionary: PLAIN entries (with BYTE_ARRAY length prefixes), the start
    // of each entry, and an open-addressing (linear probing) table whose
    // slots carry where the value is, so a lookup touches one slot and the
    // value's bytes.
    struct slot {
        uint32_t tag = 0;     // high half of the hash
        uint32_t index1 = 0;  // entry index + 1; 0 = empty
        uint32_t offset = 0;  // value bytes in dict_plain_ (after any length prefix)
        uint32_t size = 0;
    };
    bool dict_mode_;
    bytes dict_plain_;
    std::vector<uint32_t> dict_offsets_;
    std::vector<slot> slots_;
    uint32_t dict_count_ = 0;

    // Scratch, kept between pages.
    bytes body_;
    bytes header_;
    std::vector<uint8_t> seen_;

    status error_;
};

}  // namespace cs::formats::parquet
