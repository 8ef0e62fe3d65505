#include "formats/csv.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "formats/json_writer.h"

namespace cs::formats {

csv_reader::csv_reader(byte_source source, char delimiter, size_t block_size)
    : source_(std::move(source)), delim_(delimiter), buf_(std::max<size_t>(block_size, 1)) {}

bool csv_reader::fill() {
    if (eof_) {
        return false;
    }
    if (at_start_ && buf_.size() < 3) {
        buf_.resize(3);  // the byte order mark is looked for in the first block
    }
    size_t n = source_(buf_.data(), buf_.size());
    if (n == 0) {
        eof_ = true;
    }
    total_read_ += n;
    pos_ = 0;
    end_ = n;
    if (at_start_ && n > 0) {
        at_start_ = false;
        if (n >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) {
            pos_ = 3;
        }
    }
    return n > 0;
}

result<bool> csv_reader::next_raw(csv_row& row) {
    row.data_.clear();
    row.ends_.clear();
    state st = state::field_start;
    bool started = false;
    std::string bad;  // why the row is malformed, when it is
    for (;;) {
        if (pos_ == end_) {
            if (fill()) {
                continue;
            }
            if (!started) {
                return false;
            }
            if (st == state::quoted) {
                return error{errc::invalid_argument,
                             fmt::format("line {}: unterminated quoted field (the input ends "
                                         "inside quotes)",
                                         row.line_)};
            }
            row.ends_.push_back(row.data_.size());
            break;
        }
        const char* p = buf_.data();
        if (skip_lf_) {
            skip_lf_ = false;
            if (p[pos_] == '\n') {
                ++pos_;
                continue;
            }
        }
        if (!started) {
            if (p[pos_] == '\n' || p[pos_] == '\r') {  // an empty line is not a row
                skip_lf_ = p[pos_] == '\r';
                ++pos_;
                ++line_;
                continue;
            }
            started = true;
            row.line_ = line_;
        }
        if (st == state::quoted) {
            const void* q = std::memchr(p + pos_, '"', end_ - pos_);
            size_t stop =
                q == nullptr ? end_ : static_cast<size_t>(static_cast<const char*>(q) - p);
            line_ += static_cast<uint64_t>(std::count(p + pos_, p + stop, '\n'));
            row.data_.append(p + pos_, stop - pos_);
            pos_ = stop;
            if (q != nullptr) {
                ++pos_;
                st = state::quote_in_quoted;
            }
            continue;
        }
        if (st == state::field_start) {
            if (p[pos_] == '"') {
                ++pos_;
                st = state::quoted;
                continue;
            }
            st = state::unquoted;
        } else if (st == state::quote_in_quoted) {
            char c = p[pos_];
            if (c == '"') {  // "" inside quotes: one quote
                row.data_ += '"';
                ++pos_;
                st = state::quoted;
                continue;
            }
            if (c != delim_ && c != '\n' && c != '\r') {
                if (bad.empty()) {
                    bad = fmt::format("line {}: text after the closing quote of field {}",
                                      row.line_, row.ends_.size() + 1);
                }
                st = state::unquoted;
            }
        }
        // Unquoted text up to the next delimiter or line end.
        size_t i = pos_;
        while (i < end_ && p[i] != delim_ && p[i] != '\n' && p[i] != '\r') {
            ++i;
        }
        row.data_.append(p + pos_, i - pos_);
        pos_ = i;
        if (i == end_) {
            continue;
        }
        char c = p[pos_++];
        row.ends_.push_back(row.data_.size());
        if (c == delim_) {
            st = state::field_start;
            continue;
        }
        ++line_;
        skip_lf_ = c == '\r';
        break;
    }
    if (!bad.empty()) {
        return error{errc::invalid_argument, std::move(bad)};
    }
    return true;
}

status csv_reader::read_header() {
    csv_row row;
    auto r = next_raw(row);
    if (!r.ok()) {
        return r.take_error();
    }
    if (!*r) {
        return {errc::invalid_argument, "the input is empty: expected a header row"};
    }
    header_.clear();
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < row.size(); ++i) {
        header_.emplace_back(row[i]);
    }
    for (const auto& name : header_) {
        if (!seen.insert(name).second) {
            return {errc::invalid_argument,
                    fmt::format("line {}: the header names column \"{}\" twice", row.line(), name)};
        }
    }
    have_header_ = true;
    return {};
}

result<bool> csv_reader::next(csv_row& row) {
    auto r = next_raw(row);
    if (!r.ok() || !*r) {
        return r;
    }
    if (have_header_ && row.size() != header_.size()) {
        return error{
            errc::invalid_argument,
            fmt::format("line {}: {} field{}, but the header has {} (ragged row)", row.line(),
                        row.size(), row.size() == 1 ? "" : "s", header_.size())};
    }
    return true;
}

csv_json_encoder::csv_json_encoder(const std::vector<std::string>& header) {
    prefixes_.reserve(header.size());
    for (size_t i = 0; i < header.size(); ++i) {
        std::string p = i == 0 ? "{" : ",";
        append_json_string(p, header[i]);
        p += ':';
        prefixes_.push_back(std::move(p));
    }
}

void csv_json_encoder::append(std::string& out, const csv_row& row) const {
    if (prefixes_.empty()) {
        out += "{}";
        return;
    }
    for (size_t i = 0; i < prefixes_.size(); ++i) {
        out += prefixes_[i];
        append_json_string(out, row[i]);
    }
    out += '}';
}

}  // namespace cs::formats
