// Repetition levels: LIST and MAP columns (column_writer::repeat) as pages
// and footer facts. DuckDB reads such files back in tests/parquet/lists.mjs.

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "formats/parquet/file_writer.h"
#include "formats/parquet/rle.h"
#include "formats/parquet/test_support.h"

namespace cs::formats::parquet {
namespace {

using testing::chunk_capture;

// `optional group l (LIST) { repeated group list { optional <leaf> element; } }`
column_spec list_of(column_spec element) {
    element.groups = {{"l", repetition::optional, group_type::list},
                      {"list", repetition::repeated, group_type::none}};
    return element;
}

column_options plain_options() {
    column_options o;
    o.dictionary = false;
    return o;
}

void append_levels(const std::vector<uint8_t>& levels, int width, bytes& out) {
    bytes enc;
    rle_encode(std::span<const uint8_t>(levels), width, enc);
    uint32_t n = static_cast<uint32_t>(enc.size());
    const auto* p = reinterpret_cast<const std::byte*>(&n);
    out.insert(out.end(), p, p + 4);
    out.insert(out.end(), enc.begin(), enc.end());
}

TEST(ParquetRepeated, LevelsOfListsAndMaps) {
    column_spec l = list_of(column_spec::int64("element"));
    EXPECT_EQ(l.max_def(), 3);
    EXPECT_EQ(l.max_rep(), 1);
    EXPECT_EQ(l.def_through(1), 1);
    EXPECT_EQ(l.rep_through(1), 1);
    column_spec key = column_spec::string("key", repetition::required);
    key.groups = {{"s", repetition::required, group_type::none},
                  {"m", repetition::optional, group_type::map},
                  {"key_value", repetition::repeated, group_type::none}};
    EXPECT_EQ(key.max_def(), 2);
    EXPECT_EQ(key.max_rep(), 1);
    EXPECT_EQ(column_spec::int64("x").max_rep(), 0);
}

// Null list, empty list, list with a null element, a full list: the page
// holds the repetition levels, then the definition levels (each with its
// 4-byte length), then the PLAIN values of the defined elements only.
TEST(ParquetRepeated, PageCarriesRepetitionThenDefinitionLevels) {
    page_compressor comp(compression::none);
    column_writer col(list_of(column_spec::int64("element")), plain_options(), comp);
    col.put_null_at(0);  // null
    col.put_null_at(1);  // []
    col.put_null_at(2);  // [null, 7]
    col.repeat(1);
    col.put_int64(7);
    col.put_int64(1);  // [1, 2, 3]
    col.repeat(1);
    col.put_int64(2);
    col.repeat(1);
    col.put_int64(3);
    // Entries: null, [], null, 7, 1, 2, 3 ... as (rep, def): (0,0) (0,1)
    // (0,2) (1,3) (0,3) (1,3) (1,3).
    EXPECT_EQ(col.chunk_rows(), 4);
    EXPECT_EQ(col.chunk_values(), 7);
    ASSERT_TRUE(col.error().ok()) << col.error().message();

    bytes want;
    append_levels({0, 0, 0, 1, 0, 1, 1}, 1, want);
    append_levels({0, 1, 2, 3, 3, 3, 3}, 2, want);
    for (int64_t v : {7, 1, 2, 3}) {
        const auto* p = reinterpret_cast<const std::byte*>(&v);
        want.insert(want.end(), p, p + 8);
    }

    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    ASSERT_GT(sink.data.size(), want.size());
    EXPECT_EQ(0, std::memcmp(sink.data.data() + sink.data.size() - want.size(), want.data(),
                             want.size()));
    EXPECT_EQ(m.num_values, 7);  // level entries, not rows
    EXPECT_EQ(m.stats.null_count(), 3);
    EXPECT_EQ(m.plain_data_pages, 1);
    EXPECT_EQ(m.encodings, (std::vector<encoding>{encoding::plain, encoding::rle}));
    EXPECT_EQ(col.chunk_rows(), 0);
}

TEST(ParquetRepeated, PagesEndOnlyAtRecordBoundaries) {
    page_compressor comp(compression::none);
    column_options o = plain_options();
    o.page_values = 4;
    column_writer col(list_of(column_spec::int64("element")), o, comp);
    for (int r = 0; r < 10; ++r) {
        for (int e = 0; e < 3; ++e) {
            if (e > 0) {
                col.repeat(1);
            }
            col.put_int64(r * 3 + e);
        }
    }
    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    // A page is full at 4 entries, cut before the next record: 6 entries
    // (two records) per page.
    EXPECT_EQ(m.plain_data_pages, 5);
    EXPECT_EQ(m.num_values, 30);
}

TEST(ParquetRepeated, DictionaryEncodingWorksForElements) {
    page_compressor comp(compression::none);
    column_options o;
    o.page_values = 100;
    column_writer col(list_of(column_spec::string("element")), o, comp);
    for (int r = 0; r < 1000; ++r) {
        col.put_bytes(as_bytes(std::string(r % 2 ? "a" : "b")));
        col.repeat(1);
        col.put_bytes(as_bytes(std::string("c")));
    }
    chunk_capture sink;
    chunk_meta m;
    ASSERT_TRUE(col.write_chunk(sink, 4, m).ok());
    EXPECT_EQ(m.dictionary_data_pages, 20);
    EXPECT_EQ(m.plain_data_pages, 0);
    EXPECT_EQ(m.num_values, 2000);
}

TEST(ParquetRepeated, BadRepetitionLevelsAreCallerBugs) {
    page_compressor comp(compression::none);
    column_writer first(list_of(column_spec::int64("element")), plain_options(), comp);
    first.repeat(1);  // no record to continue
    EXPECT_FALSE(first.error().ok());
    column_writer deep(list_of(column_spec::int64("element")), plain_options(), comp);
    deep.put_int64(1);
    deep.repeat(2);  // only one REPEATED group
    EXPECT_FALSE(deep.error().ok());
    column_writer flat(column_spec::int64("x"), plain_options(), comp);
    flat.put_int64(1);
    flat.repeat(1);
    EXPECT_FALSE(flat.error().ok());
}

TEST(ParquetRepeated, FileWriterCountsRowsByRecords) {
    chunk_capture sink;
    auto w = file_writer::open(sink, {column_spec::int64("id", repetition::required),
                                      list_of(column_spec::int64("element"))});
    ASSERT_TRUE(w.ok());
    column_writer& l = (*w)->column(1);
    (*w)->put_int64(0, 1);
    l.put_int64(10);
    l.repeat(1);
    l.put_int64(11);
    EXPECT_TRUE((*w)->end_row().ok());
    (*w)->put_int64(0, 2);
    EXPECT_FALSE((*w)->end_row().ok());  // the list column has no entry
}

TEST(ParquetRepeated, LeavesCannotBeRepeated) {
    chunk_capture sink;
    EXPECT_FALSE(file_writer::open(sink, {column_spec::int64("x", repetition::repeated)}).ok());
}

}  // namespace
}  // namespace cs::formats::parquet
