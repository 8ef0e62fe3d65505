#include "formats/parquet/file_writer.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "formats/parquet/test_support.h"

namespace cs::formats::parquet {
namespace {

std::string text(const bytes& b, size_t at, size_t n) {
    return std::string(reinterpret_cast<const char*>(b.data()) + at, n);
}

uint32_t footer_length(const bytes& b) {
    uint32_t n;
    std::memcpy(&n, b.data() + b.size() - 8, 4);
    return n;
}

using testing::chunk_capture;

// Writes `values` into one chunk of a single string column and returns the
// footer facts of that chunk.
chunk_meta write_string_chunk(const std::vector<std::string>& values, column_options opts) {
    page_compressor comp(compression::none);
    column_writer col(column_spec::string("s", repetition::required), opts, comp);
    for (const auto& v : values) {
        col.put_bytes(as_bytes(v));
    }
    chunk_capture sink;
    chunk_meta meta;
    EXPECT_TRUE(col.write_chunk(sink, 4, meta).ok());
    EXPECT_EQ(meta.total_compressed_size, static_cast<int64_t>(sink.data.size()));
    return meta;
}

TEST(ParquetColumnWriter, LowCardinalityStaysDictionaryEncoded) {
    std::vector<std::string> v;
    for (int i = 0; i < 10000; ++i) {
        v.push_back(fmt::format("type-{}", i % 7));
    }
    column_options opts;
    opts.page_values = 1000;
    chunk_meta m = write_string_chunk(v, opts);
    EXPECT_EQ(m.dictionary_data_pages, 10);
    EXPECT_EQ(m.plain_data_pages, 0);
    ASSERT_TRUE(m.dictionary_page_offset.has_value());
    EXPECT_EQ(*m.dictionary_page_offset, 4);
    EXPECT_GT(m.data_page_offset, 4);
    EXPECT_EQ(m.num_values, 10000);
    EXPECT_EQ(m.encodings, (std::vector<encoding>{encoding::plain, encoding::rle_dictionary}));
    EXPECT_EQ(as_string_view(m.stats.min_bytes()), "type-0");
    EXPECT_EQ(as_string_view(m.stats.max_bytes()), "type-6");
}

TEST(ParquetColumnWriter, UniqueValuesFallBackAtTheFirstPage) {
    std::vector<std::string> v;
    for (int i = 0; i < 5000; ++i) {
        v.push_back(fmt::format("unique-{:05}", i));
    }
    column_options opts;
    opts.page_values = 1000;
    chunk_meta m = write_string_chunk(v, opts);
    EXPECT_EQ(m.dictionary_data_pages, 0);
    EXPECT_EQ(m.plain_data_pages, 5);
    EXPECT_FALSE(m.dictionary_page_offset.has_value());
    EXPECT_EQ(m.data_page_offset, 4);
    EXPECT_EQ(m.encodings, (std::vector<encoding>{encoding::plain}));
}

TEST(ParquetColumnWriter, DictionaryPastItsLimitFallsBackMidChunk) {
    page_compressor comp(compression::snappy);
    column_options opts;
    opts.page_values = 100;
    opts.dictionary_max_bytes = 2000;
    column_writer col(column_spec::string("s", repetition::required), opts, comp);
    for (int i = 0; i < 300; ++i) {  // 3 dictionary pages of 5 distinct values
        col.put_bytes(as_bytes(fmt::format("v{}", i % 5)));
    }
    EXPECT_TRUE(col.dictionary_mode());
    int i = 0;
    while (col.dictionary_mode()) {  // new values until the dictionary passes 2000 bytes
        col.put_bytes(as_bytes(fmt::format("fresh-value-{:06}", i++)));
        ASSERT_LT(i, 1000);
    }
    EXPECT_GT(i, 50);  // ~20 bytes per entry
    for (int k = 0; k < 250; ++k) {
        col.put_bytes(as_bytes(fmt::format("v{}", k % 5)));
    }
    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    EXPECT_GE(m.dictionary_data_pages, 3);
    EXPECT_GE(m.plain_data_pages, 3);
    EXPECT_TRUE(m.dictionary_page_offset.has_value());
    EXPECT_EQ(m.num_values, 300 + i + 250);
    EXPECT_EQ(m.encodings, (std::vector<encoding>{encoding::plain, encoding::rle_dictionary}));
    // The next chunk starts over with a dictionary.
    EXPECT_TRUE(col.dictionary_mode());
    EXPECT_EQ(col.chunk_values(), 0);
}

TEST(ParquetColumnWriter, BooleansAreNeverDictionaryEncoded) {
    page_compressor comp(compression::none);
    column_writer col(column_spec::boolean("b"), column_options{}, comp);
    EXPECT_FALSE(col.dictionary_mode());
    for (int i = 0; i < 20; ++i) {
        col.put_bool(i % 3 == 0);
    }
    col.put_null();
    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    EXPECT_EQ(m.plain_data_pages, 1);
    EXPECT_EQ(m.stats.null_count(), 1);
    EXPECT_EQ(m.encodings, (std::vector<encoding>{encoding::plain, encoding::rle}));
}

TEST(ParquetColumnWriter, IntegerStatisticsAreSigned) {
    page_compressor comp(compression::none);
    column_writer col(column_spec::int64("n", repetition::required), column_options{}, comp);
    for (int64_t v : {5LL, -7LL, 1LL << 40, -3LL}) {
        col.put_int64(v);
    }
    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    int64_t lo, hi;
    std::memcpy(&lo, m.stats.min_bytes().data(), 8);
    std::memcpy(&hi, m.stats.max_bytes().data(), 8);
    EXPECT_EQ(lo, -7);
    EXPECT_EQ(hi, 1LL << 40);
    EXPECT_EQ(m.encodings, (std::vector<encoding>{encoding::plain}));  // REQUIRED: no levels
}

TEST(ParquetColumnWriter, FloatStatisticsAreFourBytesWithNaNsCounted) {
    page_compressor comp(compression::none);
    column_writer col(column_spec::float32("f"), column_options{}, comp);
    for (float v : {1.5f, -0.25f, std::nanf(""), 3.0f}) {
        col.put_float(v);
    }
    col.put_null();
    column_writer other(column_spec::float32("g"), column_options{}, comp);
    other.put_double(1.0);  // wrong type: FLOAT only
    EXPECT_FALSE(other.error().ok());
    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    EXPECT_EQ(m.type, physical_type::float_);
    EXPECT_EQ(m.num_values, 5);
    ASSERT_EQ(m.stats.min_bytes().size(), 4u);
    float lo, hi;
    std::memcpy(&lo, m.stats.min_bytes().data(), 4);
    std::memcpy(&hi, m.stats.max_bytes().data(), 4);
    EXPECT_EQ(lo, -0.25f);
    EXPECT_EQ(hi, 3.0f);
    EXPECT_EQ(m.stats.nan_count(), 1);
    EXPECT_EQ(m.stats.null_count(), 1);
}

TEST(ParquetColumnWriter, ByteArrayDecimalsHaveNoMinMax) {
    page_compressor comp(compression::none);
    column_writer col(column_spec::decimal_bytes("d", 64, 2), column_options{}, comp);
    // 2.01 and -1.00 as big-endian two's complement unscaled values: byte
    // order would put -1.00 (0xff9c) above 2.01 (0x00c9).
    for (std::string v : {std::string("\x00\xc9", 2), std::string("\xff\x9c", 2)}) {
        col.put_bytes(as_bytes(v));
    }
    col.put_null();
    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    EXPECT_EQ(m.stats.null_count(), 1);
    bytes encoded;
    thrift::compact_writer w(encoded);
    w.begin_struct();
    w.field_struct(1);
    m.stats.write(w, 4096);
    w.end_struct();
    w.end_struct();
    // Only null_count: no max_value/min_value (fields 5, 6) in the struct.
    bytes only_nulls;
    thrift::compact_writer w2(only_nulls);
    w2.begin_struct();
    w2.field_struct(1);
    w2.field_i64(3, 1);
    w2.end_struct();
    w2.end_struct();
    EXPECT_EQ(encoded, only_nulls);
}

TEST(ParquetFileWriter, LayoutOfAnEmptyFile) {
    memory_sink sink;
    auto w = file_writer::open(sink, {column_spec::string("s")});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->close().ok());
    const bytes& b = sink.data();
    EXPECT_TRUE(sink.finished());
    ASSERT_GT(b.size(), 12u);
    EXPECT_EQ(text(b, 0, 4), "PAR1");
    EXPECT_EQ(text(b, b.size() - 4, 4), "PAR1");
    EXPECT_EQ(footer_length(b), b.size() - 12);
    EXPECT_EQ((*w)->row_groups(), 0u);
    EXPECT_FALSE((*w)->close().ok());  // once only
    EXPECT_FALSE((*w)->end_row().ok());
}

TEST(ParquetFileWriter, CutsRowGroupsByRowsAndReportsBufferedBytes) {
    memory_sink sink;
    writer_options o;
    o.row_group_rows = 100;
    auto w = file_writer::open(
        sink, {column_spec::string("s", repetition::required), column_spec::timestamp_micros("t")},
        o);
    ASSERT_TRUE(w.ok());
    file_writer& fw = **w;
    EXPECT_EQ(sink.data().size(), 4u);  // just the magic
    for (int i = 0; i < 250; ++i) {
        fw.put_string(0, fmt::format("row {}", i));
        if (i % 10 == 0) {
            fw.put_null(1);
        } else {
            fw.put_int64(1, 1'700'000'000'000'000 + i);
        }
        ASSERT_TRUE(fw.end_row().ok());
        if (i == 99 || i == 199) {
            EXPECT_EQ(fw.row_groups(), static_cast<uint64_t>((i + 1) / 100));
        }
    }
    EXPECT_EQ(fw.row_groups(), 2u);
    const size_t before = fw.buffered_bytes();
    EXPECT_GT(before, 0u);
    EXPECT_EQ(fw.bytes_written(), sink.data().size());
    ASSERT_TRUE(fw.flush_row_group().ok());
    EXPECT_EQ(fw.row_groups(), 3u);
    EXPECT_LT(fw.buffered_bytes(), before);
    EXPECT_LE(fw.buffered_bytes(), 4096u);   // only the empty dictionary tables remain
    ASSERT_TRUE(fw.flush_row_group().ok());  // nothing open: no empty row group
    EXPECT_EQ(fw.row_groups(), 3u);
    ASSERT_TRUE(fw.close().ok());
    EXPECT_EQ(fw.rows(), 250u);
    const bytes& b = sink.data();
    EXPECT_EQ(fw.bytes_written(), b.size());
    std::string footer = text(b, b.size() - 8 - footer_length(b), footer_length(b));
    EXPECT_NE(footer.find("clickstream version"), std::string::npos);
}

TEST(ParquetFileWriter, RejectsRowsThatDoNotFitTheSchema) {
    memory_sink sink;
    auto w = file_writer::open(
        sink, {column_spec::string("s", repetition::required), column_spec::int64("n")});
    ASSERT_TRUE(w.ok());
    (*w)->put_string(0, "a");
    EXPECT_EQ((*w)->end_row().code(), errc::invalid_argument);  // column n has no value

    memory_sink sink2;
    auto w2 = file_writer::open(sink2, {column_spec::string("s", repetition::required)});
    (*w2)->put_null(0);  // REQUIRED
    EXPECT_EQ((*w2)->end_row().code(), errc::invalid_argument);

    memory_sink sink3;
    auto w3 = file_writer::open(sink3, {column_spec::int64("n")});
    (*w3)->put_double(0, 1.5);  // wrong type
    status st = (*w3)->end_row();
    EXPECT_EQ(st.code(), errc::invalid_argument);
    EXPECT_NE(st.message().find("DOUBLE"), std::string::npos);
    EXPECT_FALSE((*w3)->close().ok());  // the writer stays failed
}

TEST(ParquetFileWriter, RejectsBadSchemas) {
    memory_sink sink;
    EXPECT_FALSE(file_writer::open(sink, {column_spec::string("a"), column_spec::int64("a")}).ok());
    column_spec bad = column_spec::int32("x");
    bad.logical = logical_type::string;
    EXPECT_FALSE(file_writer::open(sink, {bad}).ok());
    EXPECT_FALSE(file_writer::open(sink, {column_spec::decimal("d", 30, 2)}).ok());
    EXPECT_TRUE(file_writer::open(sink, {column_spec::decimal("d", 18, 2)}).ok());
    EXPECT_TRUE(file_writer::open(sink, {column_spec::decimal_bytes("d", 64, 3)}).ok());
    EXPECT_FALSE(file_writer::open(sink, {column_spec::decimal_bytes("d", 0, 0)}).ok());
    EXPECT_FALSE(file_writer::open(sink, {column_spec::decimal_bytes("d", 4, 5)}).ok());
    column_spec time_in_int64 = column_spec::int64("t");
    time_in_int64.logical = logical_type::time_millis;
    EXPECT_FALSE(file_writer::open(sink, {time_in_int64}).ok());
    column_spec ts_in_int32 = column_spec::int32("t");
    ts_in_int32.logical = logical_type::timestamp_millis;
    EXPECT_FALSE(file_writer::open(sink, {ts_in_int32}).ok());
}

TEST(ParquetFileWriter, FileSinkWritesTheSameBytesAsMemory) {
    std::string path = fmt::format("/tmp/cs_parquet_test_{}.parquet", ::getpid());
    auto fs = file_sink::create(path);
    ASSERT_TRUE(fs.ok());
    memory_sink ms;
    for (byte_sink* s : {static_cast<byte_sink*>(fs->get()), static_cast<byte_sink*>(&ms)}) {
        writer_options o;
        o.codec = compression::zstd;
        auto w = file_writer::open(*s, {column_spec::string("s"), column_spec::float64("d")}, o);
        ASSERT_TRUE(w.ok());
        for (int i = 0; i < 1000; ++i) {
            (*w)->put_string(0, fmt::format("v{}", i % 13));
            (*w)->put_double(1, i * 0.25);
            ASSERT_TRUE((*w)->end_row().ok());
        }
        ASSERT_TRUE((*w)->close().ok());
    }
    std::ifstream in(path, std::ios::binary);
    std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(file, text(ms.data(), 0, ms.data().size()));
    std::remove(path.c_str());
}

TEST(ParquetTypes, ParseCompression) {
    compression c{};
    EXPECT_TRUE(parse_compression("lz4_raw", c));
    EXPECT_EQ(c, compression::lz4_raw);
    EXPECT_TRUE(parse_compression("uncompressed", c));
    EXPECT_EQ(c, compression::none);
    EXPECT_FALSE(parse_compression("lzo", c));
    EXPECT_STREQ(compression_name(compression::zstd), "zstd");
}

}  // namespace
}  // namespace cs::formats::parquet
