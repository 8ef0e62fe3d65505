#include "formats/parquet/thrift_compact.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cs::formats::parquet::thrift {
namespace {

std::vector<int> ints(const bytes& b) {
    std::vector<int> r;
    for (std::byte x : b) {
        r.push_back(std::to_integer<int>(x));
    }
    return r;
}

TEST(ThriftCompact, ShortFormFieldsAndStop) {
    bytes out;
    compact_writer w(out);
    w.begin_struct();
    w.field_i32(1, 5);        // 0x15, zigzag 10
    w.field_string(2, "ab");  // 0x18, length 2
    w.field_bool(4, true);    // delta 2, BOOLEAN_TRUE: 0x21
    w.field_bool(5, false);   // 0x12
    w.field_i64(6, -1);       // 0x16, zigzag 1
    w.end_struct();
    EXPECT_EQ(ints(out),
              (std::vector<int>{0x15, 0x0A, 0x18, 0x02, 'a', 'b', 0x21, 0x12, 0x16, 0x01, 0x00}));
}

TEST(ThriftCompact, LongFormWhenTheDeltaIsTooLarge) {
    bytes out;
    compact_writer w(out);
    w.begin_struct();
    w.field_i32(1, 0);
    w.field_i32(20, 300);  // delta 19: type byte, zigzag i16 id 40, zigzag 600 = 0xD8 0x04
    w.field_i16(3, -2);    // going back also needs the long form: 0x04, id 6, value 3
    w.end_struct();
    EXPECT_EQ(ints(out),
              (std::vector<int>{0x15, 0x00, 0x05, 0x28, 0xD8, 0x04, 0x04, 0x06, 0x03, 0x00}));
}

TEST(ThriftCompact, Lists) {
    bytes out;
    compact_writer w(out);
    w.begin_struct();
    w.field_list(3, ctype::i32, 3);  // 0x39, then size 3 | I32: 0x35
    w.elem_i32(1);
    w.elem_i32(-1);
    w.elem_i32(300);
    w.end_struct();
    EXPECT_EQ(ints(out), (std::vector<int>{0x39, 0x35, 0x02, 0x01, 0xD8, 0x04, 0x00}));

    out.clear();
    compact_writer l(out);
    l.begin_struct();
    l.field_list(1, ctype::binary, 20);  // long list header: 0xF8, size 20
    for (int i = 0; i < 20; ++i) {
        l.elem_string("x");
    }
    l.end_struct();
    ASSERT_EQ(out.size(), 1u + 2 + 20 * 2 + 1);
    EXPECT_EQ(std::to_integer<int>(out[1]), 0xF8);
    EXPECT_EQ(std::to_integer<int>(out[2]), 20);
}

TEST(ThriftCompact, NestedStructsKeepTheirOwnFieldIds) {
    bytes out;
    compact_writer w(out);
    w.begin_struct();
    w.field_struct(1);  // 0x1C
    w.field_i32(1, 1);  // inner id 1 again: short form 0x15
    w.end_struct();     // inner stop
    w.field_i32(2, 2);  // outer continues from id 1: 0x15 (delta 1)
    w.field_list(3, ctype::struct_, 1);
    w.begin_struct();  // list element struct
    w.field_empty_struct(1);
    w.end_struct();
    w.end_struct();
    EXPECT_EQ(ints(out), (std::vector<int>{0x1C, 0x15, 0x02, 0x00, 0x15, 0x04, 0x19, 0x1C, 0x1C,
                                           0x00, 0x00, 0x00}));
}

}  // namespace
}  // namespace cs::formats::parquet::thrift
