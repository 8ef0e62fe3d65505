#include "formats/parquet/stats.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace cs::formats::parquet {

namespace {
template <class T>
bytes le_bytes(T v) {
    bytes b(sizeof(T));
    std::memcpy(b.data(), &v, sizeof(T));  // little-endian hosts only (x86-64, aarch64)
    return b;
}
}  // namespace

void value_stats::add_double(double v) {
    if (std::isnan(v)) {
        ++nans_;
        return;
    }
    if (!has_) {
        dmin_ = dmax_ = v;
        has_ = true;
        return;
    }
    if (v < dmin_ || (v == 0 && dmin_ == 0 && std::signbit(v))) {
        dmin_ = v;
    }
    if (v > dmax_ || (v == 0 && dmax_ == 0 && !std::signbit(v))) {
        dmax_ = v;
    }
}

void value_stats::add_bytes(bytes_view v) {
    if (!has_) {
        bmin_ = bmax_ = v;
        has_ = true;
        return;
    }
    if (bytes_less(v, bmin_)) {
        bmin_ = v;
    } else if (bytes_less(bmax_, v)) {
        bmax_ = v;
    }
}

void value_stats::own() {
    if (type_ != physical_type::byte_array || !has_) {
        return;
    }
    if (bmin_.data() != own_min_.data()) {
        bytes m(bmin_.begin(), bmin_.end());
        own_min_.swap(m);
        bmin_ = own_min_;
    }
    if (bmax_.data() != own_max_.data()) {
        bytes m(bmax_.begin(), bmax_.end());
        own_max_.swap(m);
        bmax_ = own_max_;
    }
}

void value_stats::merge(const value_stats& o) {
    nulls_ += o.nulls_;
    nans_ += o.nans_;
    if (!o.has_) {
        return;
    }
    switch (type_) {
        case physical_type::float_:
        case physical_type::double_:
            add_double(o.dmin_);
            add_double(o.dmax_);
            break;
        case physical_type::byte_array:
            add_bytes(o.bmin_);
            add_bytes(o.bmax_);
            own();
            break;
        default:
            add_int(o.imin_);
            add_int(o.imax_);
            break;
    }
}

void value_stats::clear() {
    has_ = false;
    imin_ = imax_ = 0;
    dmin_ = dmax_ = 0;
    bmin_ = bmax_ = {};
    own_min_.clear();
    own_max_.clear();
    nulls_ = 0;
    nans_ = 0;
}

bytes value_stats::min_bytes() const {
    switch (type_) {
        case physical_type::boolean:
            return bytes{static_cast<std::byte>(imin_ != 0)};
        case physical_type::int32:
            return le_bytes(static_cast<int32_t>(imin_));
        case physical_type::int64:
            return le_bytes(imin_);
        case physical_type::float_:
            return le_bytes(static_cast<float>(dmin_ == 0 ? -0.0 : dmin_));
        case physical_type::double_:
            // A zero minimum is written as -0.0 (parquet.thrift ColumnOrder rules).
            return le_bytes(dmin_ == 0 ? -0.0 : dmin_);
        case physical_type::byte_array:
            return bytes(bmin_.begin(), bmin_.end());
    }
    return {};
}

bytes value_stats::max_bytes() const {
    switch (type_) {
        case physical_type::boolean:
            return bytes{static_cast<std::byte>(imax_ != 0)};
        case physical_type::int32:
            return le_bytes(static_cast<int32_t>(imax_));
        case physical_type::int64:
            return le_bytes(imax_);
        case physical_type::float_:
            return le_bytes(static_cast<float>(dmax_ == 0 ? 0.0 : dmax_));
        case physical_type::double_:
            return le_bytes(dmax_ == 0 ? 0.0 : dmax_);  // +0.0 for a zero maximum
        case physical_type::byte_array:
            return bytes(bmax_.begin(), bmax_.end());
    }
    return {};
}

void value_stats::write(thrift::compact_writer& w, size_t max_value_bytes) const {
    w.field_i64(3, nulls_);
    bool minmax = has_ && min_max_;
    if (minmax && type_ == physical_type::byte_array &&
        (bmin_.size() > max_value_bytes || bmax_.size() > max_value_bytes)) {
        minmax = false;
    }
    if (minmax) {
        w.field_binary(5, max_bytes());
        w.field_binary(6, min_bytes());
        w.field_bool(7, true);
        w.field_bool(8, true);
    }
    if (type_ == physical_type::double_ || type_ == physical_type::float_) {
        w.field_i64(9, nans_);
    }
}

}  // namespace cs::formats::parquet
