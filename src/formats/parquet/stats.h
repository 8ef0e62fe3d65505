#pragma once

// Statistics of a page or column chunk: min/max under the column's
// TypeDefinedOrder (signed for INT32/INT64 including DATE, TIMESTAMP and
// DECIMAL; unsigned byte-wise for BYTE_ARRAY; false < true for BOOLEAN;
// numeric for FLOAT/DOUBLE with NaNs left out and counted), plus the null count.
// Serialised as Statistics fields 3 (null_count), 5/6 (max_value/min_value,
// PLAIN without a length prefix), 7/8 (exact) and 9 (nan_count, FLOAT/DOUBLE only).

#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/bytes.h"
#include "formats/parquet/thrift_compact.h"
#include "formats/parquet/types.h"

namespace cs::formats::parquet {

class value_stats {
  public:
    // min_max false: only null (and NaN) counts are written, for columns
    // whose order is not the physical type's (BYTE_ARRAY DECIMAL).
    explicit value_stats(physical_type t, bool min_max = true) : type_(t), min_max_(min_max) {}
    // Copies would share the views into the other's owned min/max.
    value_stats(const value_stats&) = delete;
    value_stats& operator=(const value_stats&) = delete;
    value_stats(value_stats&&) = default;
    value_stats& operator=(value_stats&&) = default;

    void add_int(int64_t v) {
        if (!has_) {
            imin_ = imax_ = v;
            has_ = true;
        } else if (v < imin_) {
            imin_ = v;
        } else if (v > imax_) {
            imax_ = v;
        }
    }
    void add_double(double v);
    // The view must stay valid until the next add_bytes/merge/clear; the
    // page scan keeps views into its own buffers and copies at the end.
    void add_bytes(bytes_view v);
    void add_nulls(int64_t n) { nulls_ += n; }
    void merge(const value_stats& o);
    // Copies any viewed byte min/max into owned storage.
    void own();
    void clear();

    bool has_min_max() const { return has_; }
    int64_t null_count() const { return nulls_; }
    int64_t nan_count() const { return nans_; }
    // PLAIN encodings of min and max (the caller checks has_min_max()).
    bytes min_bytes() const;
    bytes max_bytes() const;

    // Writes a Statistics struct as the body of an already opened struct
    // field. min/max are left out when either is longer than max_value_bytes.
    void write(thrift::compact_writer& w, size_t max_value_bytes) const;

  private:
    physical_type type_;
    bool min_max_;
    bool has_ = false;
    int64_t imin_ = 0, imax_ = 0;
    double dmin_ = 0, dmax_ = 0;
    bytes_view bmin_, bmax_;
    bytes own_min_, own_max_;
    int64_t nulls_ = 0;
    int64_t nans_ = 0;
};

// Unsigned byte-wise order, shorter prefix first.
// What a column's statistics track: everything but min/max for BYTE_ARRAY
// DECIMAL, whose values order as signed numbers.
inline value_stats stats_for(const column_spec& c) {
    return value_stats(
        c.type, !(c.type == physical_type::byte_array && c.logical == logical_type::decimal));
}

inline bool bytes_less(bytes_view a, bytes_view b) {
    size_t n = a.size() < b.size() ? a.size() : b.size();
    int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    return c < 0 || (c == 0 && a.size() < b.size());
}

}  // namespace cs::formats::parquet
