#include "formats/parquet/footer_reader.h"

#include <cstring>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "formats/parquet/byte_sink.h"
#include "formats/parquet/file_writer.h"

namespace cs::formats::parquet {
namespace {

// A file of `rows` rows in row groups of 7, with a struct-free schema of
// several types, so the footer holds lists of structs, binaries, i64s and
// booleans to skip before and after num_rows.
bytes write_rows(int rows) {
    memory_sink sink;
    writer_options o;
    o.row_group_rows = 7;
    auto w = file_writer::open(sink,
                               {column_spec::string("s", repetition::required),
                                column_spec::int64("n"), column_spec::boolean("b")},
                               o);
    EXPECT_TRUE(w.ok());
    for (int i = 0; i < rows; ++i) {
        (*w)->put_string(0, fmt::format("row {}", i));
        if (i % 3 == 0) {
            (*w)->put_null(1);
        } else {
            (*w)->put_int64(1, i);
        }
        (*w)->put_bool(2, i % 2 == 0);
        EXPECT_TRUE((*w)->end_row().ok());
    }
    EXPECT_TRUE((*w)->close().ok());
    return sink.data();
}

bytes_view footer_of(const bytes& file) {
    uint32_t n;
    std::memcpy(&n, file.data() + file.size() - 8, 4);
    return bytes_view(file).subspan(file.size() - 8 - n, n);
}

TEST(ParquetFooter, NumRowsOfOurFiles) {
    for (int rows : {0, 1, 7, 50}) {
        bytes f = write_rows(rows);
        auto n = footer_num_rows(footer_of(f));
        ASSERT_TRUE(n.ok()) << n.err().message;
        EXPECT_EQ(*n, rows);
    }
}

TEST(ParquetFooter, FileOnDisk) {
    bytes f = write_rows(23);
    std::string path = fmt::format("/tmp/cs-footer-{}.parquet", ::getpid());
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
    }
    auto n = file_num_rows(path);
    ASSERT_TRUE(n.ok()) << n.err().message;
    EXPECT_EQ(*n, 23);
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << "not a parquet file at all";
    }
    auto bad = file_num_rows(path);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().code, errc::corrupt);
    EXPECT_NE(bad.err().message.find("PAR1"), std::string::npos) << bad.err().message;
    ::unlink(path.c_str());
    EXPECT_EQ(file_num_rows(path).err().code, errc::io);
}

TEST(ParquetFooter, TruncatedOrGarbledFootersAreErrorsNotCrashes) {
    bytes f = write_rows(10);
    bytes_view footer = footer_of(f);
    for (size_t cut = 0; cut < footer.size(); ++cut) {
        auto n = footer_num_rows(footer.first(cut));
        // A prefix may still hold num_rows (field 3 comes early); it must
        // then be the right value.
        if (n.ok()) {
            EXPECT_EQ(*n, 10) << "cut at " << cut;
        }
    }
    bytes deep(4096, std::byte{0x1c});  // struct fields nested without end
    EXPECT_FALSE(footer_num_rows(deep).ok());
    bytes huge_list = {std::byte{0x19}, std::byte{0xfc}, std::byte{0xff}, std::byte{0xff},
                       std::byte{0xff}, std::byte{0x0f}};  // list of 2^32 structs, no bytes
    EXPECT_FALSE(footer_num_rows(huge_list).ok());
}

}  // namespace
}  // namespace cs::formats::parquet
