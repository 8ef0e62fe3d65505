#include "formats/parquet/metadata.h"

#include <algorithm>

#include "formats/parquet/thrift_compact.h"

namespace cs::formats::parquet {

namespace {

using thrift::compact_writer;
using thrift::ctype;

// ConvertedType values (parquet.thrift).
constexpr int32_t kConvertedUtf8 = 0;
constexpr int32_t kConvertedMap = 1;
constexpr int32_t kConvertedList = 3;
constexpr int32_t kConvertedDecimal = 5;
constexpr int32_t kConvertedDate = 6;
constexpr int32_t kConvertedTimeMillis = 7;
constexpr int32_t kConvertedTimestampMillis = 9;
constexpr int32_t kConvertedTimestampMicros = 10;

// LogicalType field 8 (TIMESTAMP) or 7 (TIME), UTC-adjusted, with TimeUnit
// member 1 (MILLIS) or 2 (MICROS).
void write_time_logical(compact_writer& w, int16_t type_field, int16_t unit_field) {
    w.field_struct(10);  // LogicalType
    w.field_struct(type_field);
    w.field_bool(1, true);  // isAdjustedToUTC
    w.field_struct(2);      // unit: TimeUnit
    w.field_empty_struct(unit_field);
    w.end_struct();
    w.end_struct();
    w.end_struct();
}

void write_leaf(compact_writer& w, const column_spec& c) {
    w.begin_struct();
    w.field_i32(1, static_cast<int32_t>(c.type));
    w.field_i32(3, static_cast<int32_t>(c.rep));
    w.field_string(4, c.name);
    switch (c.logical) {
        case logical_type::none:
            break;
        case logical_type::string:
            w.field_i32(6, kConvertedUtf8);
            w.field_struct(10);       // LogicalType
            w.field_empty_struct(1);  // STRING
            w.end_struct();
            break;
        case logical_type::timestamp_micros:
            w.field_i32(6, kConvertedTimestampMicros);
            write_time_logical(w, 8, 2);  // TIMESTAMP, MICROS
            break;
        case logical_type::timestamp_millis:
            w.field_i32(6, kConvertedTimestampMillis);
            write_time_logical(w, 8, 1);  // TIMESTAMP, MILLIS
            break;
        case logical_type::time_millis:
            w.field_i32(6, kConvertedTimeMillis);
            write_time_logical(w, 7, 1);  // TIME, MILLIS
            break;
        case logical_type::date:
            w.field_i32(6, kConvertedDate);
            w.field_struct(10);
            w.field_empty_struct(6);  // DATE
            w.end_struct();
            break;
        case logical_type::decimal:
            w.field_i32(6, kConvertedDecimal);
            w.field_i32(7, c.scale);
            w.field_i32(8, c.precision);
            w.field_struct(10);
            w.field_struct(5);  // DECIMAL: DecimalType
            w.field_i32(1, c.scale);
            w.field_i32(2, c.precision);
            w.end_struct();
            w.end_struct();
            break;
    }
    w.end_struct();
}

// A group element: a struct, or a LIST or MAP with its ConvertedType and
// LogicalType (union member 3 LIST, 2 MAP).
void write_group(compact_writer& w, const column_spec::group& g, int32_t children) {
    w.begin_struct();
    w.field_i32(3, static_cast<int32_t>(g.rep));
    w.field_string(4, g.name);
    w.field_i32(5, children);
    if (g.annotation != group_type::none) {
        const bool list = g.annotation == group_type::list;
        w.field_i32(6, list ? kConvertedList : kConvertedMap);
        w.field_struct(10);
        w.field_empty_struct(list ? 3 : 2);
        w.end_struct();
    }
    w.end_struct();
}

void write_column_chunk(compact_writer& w, const column_spec& c, const chunk_meta& m,
                        size_t max_stat_bytes) {
    w.begin_struct();
    // ColumnChunk.file_offset is deprecated; some readers still take it as the
    // chunk's start, so it gets the chunk's first page rather than 0.
    w.field_i64(2, m.dictionary_page_offset.value_or(m.data_page_offset));
    w.field_struct(3);  // ColumnMetaData
    w.field_i32(1, static_cast<int32_t>(m.type));
    w.field_list(2, ctype::i32, static_cast<uint32_t>(m.encodings.size()));
    for (encoding e : m.encodings) {
        w.elem_i32(static_cast<int32_t>(e));
    }
    w.field_list(3, ctype::binary, static_cast<uint32_t>(c.groups.size() + 1));
    for (const auto& g : c.groups) {
        w.elem_string(g.name);
    }
    w.elem_string(c.name);
    w.field_i32(4, static_cast<int32_t>(m.codec));
    w.field_i64(5, m.num_values);
    w.field_i64(6, m.total_uncompressed_size);
    w.field_i64(7, m.total_compressed_size);
    w.field_i64(9, m.data_page_offset);
    if (m.dictionary_page_offset) {
        w.field_i64(11, *m.dictionary_page_offset);
    }
    w.field_struct(12);
    m.stats.write(w, max_stat_bytes);
    w.end_struct();
    // encoding_stats: lets readers see that every data page is dictionary
    // encoded (or where the fallback to PLAIN happened).
    struct page_count {
        page_type type;
        encoding enc;
        int32_t count;
    };
    page_count counts[] = {
        {page_type::dictionary_page, encoding::plain, m.dictionary_page_offset ? 1 : 0},
        {page_type::data_page, encoding::plain, m.plain_data_pages},
        {page_type::data_page, encoding::rle_dictionary, m.dictionary_data_pages},
    };
    uint32_t kinds = 0;
    for (const page_count& pc : counts) {
        kinds += pc.count > 0 ? 1 : 0;
    }
    w.field_list(13, ctype::struct_, kinds);
    for (const page_count& pc : counts) {
        if (pc.count > 0) {
            w.begin_struct();
            w.field_i32(1, static_cast<int32_t>(pc.type));
            w.field_i32(2, static_cast<int32_t>(pc.enc));
            w.field_i32(3, pc.count);
            w.end_struct();
        }
    }
    w.end_struct();  // ColumnMetaData
    w.end_struct();  // ColumnChunk
}

// Whether cols[i]'s path shares its first n groups with cols[j]'s.
bool same_prefix(const schema& cols, size_t i, size_t j, size_t n) {
    return cols[i].groups.size() >= n && cols[j].groups.size() >= n &&
           std::equal(cols[i].groups.begin(), cols[i].groups.begin() + static_cast<long>(n),
                      cols[j].groups.begin());
}

// Whether the group at depth d of cols[i]'s path starts at cols[i].
bool opens_group(const schema& cols, size_t i, size_t d) {
    return i == 0 || !same_prefix(cols, i, i - 1, d + 1);
}

// The children of the group at `depth` of cols[from]'s path (depth 0: the
// root): columns and groups, each group counted once.
int32_t children(const schema& cols, size_t from, size_t depth) {
    int32_t n = 0;
    for (size_t i = from; i < cols.size() && same_prefix(cols, i, from, depth); ++i) {
        n += i == from || cols[i].groups.size() == depth || opens_group(cols, i, depth) ? 1 : 0;
    }
    return n;
}

// The schema: the root, then depth first every group (before its first
// column) and column.
void write_schema(compact_writer& w, const schema& cols) {
    size_t elements = 1 + cols.size();
    for (size_t i = 0; i < cols.size(); ++i) {
        for (size_t d = 0; d < cols[i].groups.size(); ++d) {
            elements += opens_group(cols, i, d) ? 1 : 0;
        }
    }
    w.field_list(2, ctype::struct_, static_cast<uint32_t>(elements));
    w.begin_struct();  // root group
    w.field_string(4, "schema");
    w.field_i32(5, children(cols, 0, 0));
    w.end_struct();
    for (size_t i = 0; i < cols.size(); ++i) {
        const column_spec& c = cols[i];
        for (size_t d = 0; d < c.groups.size(); ++d) {
            if (opens_group(cols, i, d)) {
                write_group(w, c.groups[d], children(cols, i, d + 1));
            }
        }
        write_leaf(w, c);
    }
}

}  // namespace

void write_data_page_header(const data_page_info& page, size_t max_stat_bytes, bytes& out) {
    compact_writer w(out);
    w.begin_struct();
    w.field_i32(1, static_cast<int32_t>(page_type::data_page));
    w.field_i32(2, page.uncompressed_size);
    w.field_i32(3, page.compressed_size);
    w.field_struct(5);  // DataPageHeader
    w.field_i32(1, page.num_values);
    w.field_i32(2, static_cast<int32_t>(page.values_encoding));
    w.field_i32(3, static_cast<int32_t>(encoding::rle));  // definition levels
    w.field_i32(4, static_cast<int32_t>(encoding::rle));  // repetition levels
    if (page.stats != nullptr) {
        w.field_struct(5);
        page.stats->write(w, max_stat_bytes);
        w.end_struct();
    }
    w.end_struct();
    w.end_struct();
}

void write_dictionary_page_header(int32_t num_values, int32_t uncompressed_size,
                                  int32_t compressed_size, bytes& out) {
    compact_writer w(out);
    w.begin_struct();
    w.field_i32(1, static_cast<int32_t>(page_type::dictionary_page));
    w.field_i32(2, uncompressed_size);
    w.field_i32(3, compressed_size);
    w.field_struct(7);  // DictionaryPageHeader
    w.field_i32(1, num_values);
    w.field_i32(2, static_cast<int32_t>(encoding::plain));
    w.end_struct();
    w.end_struct();
}

bytes encode_file_metadata(const file_meta_input& in) {
    const schema& cols = *in.columns;
    bytes out;
    compact_writer w(out);
    w.begin_struct();
    w.field_i32(1, 1);  // version
    write_schema(w, cols);
    w.field_i64(3, in.num_rows);
    w.field_list(4, ctype::struct_, static_cast<uint32_t>(in.row_groups->size()));
    int16_t ordinal = 0;
    for (const row_group_meta& rg : *in.row_groups) {
        w.begin_struct();
        w.field_list(1, ctype::struct_, static_cast<uint32_t>(rg.columns.size()));
        for (size_t i = 0; i < rg.columns.size(); ++i) {
            write_column_chunk(w, cols[i], rg.columns[i], in.max_stat_bytes);
        }
        w.field_i64(2, rg.total_byte_size);
        w.field_i64(3, rg.num_rows);
        w.field_i64(5, rg.file_offset);
        w.field_i64(6, rg.total_compressed_size);
        w.field_i16(7, ordinal++);
        w.end_struct();
    }
    if (!in.key_value_metadata.empty()) {
        w.field_list(5, ctype::struct_, static_cast<uint32_t>(in.key_value_metadata.size()));
        for (const auto& [k, v] : in.key_value_metadata) {
            w.begin_struct();
            w.field_string(1, k);
            w.field_string(2, v);
            w.end_struct();
        }
    }
    w.field_string(6, in.created_by);
    w.field_list(7, ctype::struct_, static_cast<uint32_t>(cols.size()));
    for (size_t i = 0; i < cols.size(); ++i) {
        w.begin_struct();         // ColumnOrder union
        w.field_empty_struct(1);  // TYPE_ORDER: TypeDefinedOrder
        w.end_struct();
    }
    w.end_struct();
    return out;
}

}  // namespace cs::formats::parquet
