#include "formats/parquet/file_writer.h"

#include <unordered_set>

#include <fmt/format.h>

#ifndef CLICKSTREAM_VERSION
#define CLICKSTREAM_VERSION "0.0.0"
#endif

namespace cs::formats::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
// How often (in rows) end_row() adds up the columns' buffered bytes.
constexpr int64_t kSizeCheckRows = 64;

status validate(const schema& columns) {
    std::unordered_set<std::string> names;
    for (const column_spec& c : columns) {
        if (c.name.empty()) {
            return error{errc::invalid_argument, "parquet column with an empty name"};
        }
        std::string path;
        for (const auto& g : c.groups) {
            if (g.name.empty()) {
                return error{errc::invalid_argument, "parquet group with an empty name"};
            }
            path += g.name + ".";
        }
        if (c.max_def() > 255) {
            return error{errc::invalid_argument, "parquet column nested too deep"};
        }
        if (c.rep == repetition::repeated) {
            return error{errc::invalid_argument,
                         fmt::format("parquet column {}: a leaf cannot be REPEATED (put it in a "
                                     "LIST)",
                                     c.name)};
        }
        if (!names.insert(path + c.name).second) {
            return error{errc::invalid_argument,
                         fmt::format("parquet column {} appears twice", c.name)};
        }
        bool ok = true;
        switch (c.logical) {
            case logical_type::none:
                break;
            case logical_type::string:
                ok = c.type == physical_type::byte_array;
                break;
            case logical_type::timestamp_micros:
            case logical_type::timestamp_millis:
                ok = c.type == physical_type::int64;
                break;
            case logical_type::date:
            case logical_type::time_millis:
                ok = c.type == physical_type::int32;
                break;
            case logical_type::decimal:
                ok = (c.type == physical_type::int32 && c.precision >= 1 && c.precision <= 9) ||
                     (c.type == physical_type::int64 && c.precision >= 1 && c.precision <= 18) ||
                     (c.type == physical_type::byte_array && c.precision >= 1);
                ok = ok && c.scale >= 0 && c.scale <= c.precision;
                break;
        }
        if (!ok) {
            return error{errc::invalid_argument,
                         fmt::format("parquet column {}: logical type does not fit its physical "
                                     "type (or bad decimal precision/scale)",
                                     c.name)};
        }
    }
    return {};
}

}  // namespace

file_writer::file_writer(byte_sink& sink, schema columns, writer_options options)
    : sink_(sink),
      columns_(std::move(columns)),
      options_(std::move(options)),
      compressor_(options_.codec) {
    if (options_.created_by.empty()) {
        options_.created_by = "clickstream version " CLICKSTREAM_VERSION;
    }
    for (const column_spec& c : columns_) {
        writers_.push_back(std::make_unique<column_writer>(c, options_.column, compressor_));
    }
}

file_writer::~file_writer() = default;

result<std::unique_ptr<file_writer>> file_writer::open(byte_sink& sink, schema columns,
                                                       writer_options options) {
    if (auto st = validate(columns); !st.ok()) {
        return st.err();
    }
    std::unique_ptr<file_writer> w(new file_writer(sink, std::move(columns), std::move(options)));
    if (auto st = sink.append(as_bytes(kMagic)); !st.ok()) {
        return st.err();
    }
    w->offset_ = static_cast<int64_t>(kMagic.size());
    return w;
}

status file_writer::end_row() {
    if (!error_.ok()) {
        return error_;
    }
    if (closed_) [[unlikely]] {
        return error{errc::invalid_argument, "parquet row after close()"};
    }
    ++group_rows_;
    ++rows_;
    for (const auto& c : writers_) {
        if (c->chunk_rows() != group_rows_) [[unlikely]] {
            if (!c->error().ok()) {
                error_ = c->error();
            } else {
                error_ =
                    status(errc::invalid_argument,
                           fmt::format("parquet row {}: column {} has {} values, expected {}",
                                       rows_ - 1, c->spec().name, c->chunk_rows(), group_rows_));
            }
            return error_;
        }
    }
    bool full = options_.row_group_rows != 0 &&
                static_cast<uint64_t>(group_rows_) >= options_.row_group_rows;
    if (!full && group_rows_ % kSizeCheckRows == 0) {
        size_t estimate = 0;
        for (const auto& c : writers_) {
            estimate += c->estimated_chunk_bytes();
        }
        full = estimate >= options_.row_group_bytes;
    }
    return full ? flush_row_group() : status{};
}

status file_writer::flush_row_group() {
    if (!error_.ok()) {
        return error_;
    }
    if (group_rows_ == 0) {
        return {};
    }
    row_group_meta rg;
    rg.num_rows = group_rows_;
    rg.file_offset = offset_;
    rg.columns.resize(writers_.size());
    for (size_t i = 0; i < writers_.size(); ++i) {
        chunk_meta& m = rg.columns[i];
        if (auto st = writers_[i]->write_chunk(sink_, offset_, m); !st.ok()) {
            error_ = st;
            return error_;
        }
        offset_ += m.total_compressed_size;
        rg.total_byte_size += m.total_uncompressed_size;
        rg.total_compressed_size += m.total_compressed_size;
    }
    groups_.push_back(std::move(rg));
    ++row_groups_;
    group_rows_ = 0;
    return {};
}

status file_writer::close() {
    if (closed_) {
        return error{errc::invalid_argument, "parquet writer closed twice"};
    }
    if (auto st = flush_row_group(); !st.ok()) {
        return st;
    }
    closed_ = true;
    file_meta_input in;
    in.columns = &columns_;
    in.row_groups = &groups_;
    in.num_rows = static_cast<int64_t>(rows_);
    in.created_by = options_.created_by;
    in.key_value_metadata = options_.key_value_metadata;
    in.max_stat_bytes = options_.column.max_stat_bytes;
    bytes footer = encode_file_metadata(in);
    uint32_t len = static_cast<uint32_t>(footer.size());
    std::byte le[4];
    std::memcpy(le, &len, 4);
    footer.insert(footer.end(), le, le + 4);
    footer.insert(footer.end(), as_bytes(kMagic).begin(), as_bytes(kMagic).end());
    if (auto st = sink_.append(footer); !st.ok()) {
        error_ = st;
        return st;
    }
    offset_ += static_cast<int64_t>(footer.size());
    groups_.clear();
    return sink_.finish();
}

size_t file_writer::buffered_bytes() const {
    size_t n = 0;
    for (const auto& c : writers_) {
        n += c->buffered_bytes();
    }
    return n;
}

}  // namespace cs::formats::parquet
