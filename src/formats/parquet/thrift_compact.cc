#include "formats/parquet/thrift_compact.h"

#include <cassert>

#include "base/varint.h"

namespace cs::formats::parquet::thrift {

void compact_writer::begin_struct() {
    stack_.push_back(last_id_);
    last_id_ = 0;
}

void compact_writer::end_struct() {
    assert(!stack_.empty());
    put_byte(0);  // stop field
    last_id_ = stack_.back();
    stack_.pop_back();
}

void compact_writer::field_header(int16_t id, ctype t) {
    int delta = id - last_id_;
    if (delta > 0 && delta <= 15) {
        put_byte(static_cast<uint8_t>((delta << 4) | static_cast<int>(t)));
    } else {
        put_byte(static_cast<uint8_t>(t));
        append_varint(out_, id);  // i16 as zig-zag varint
    }
    last_id_ = id;
}

void compact_writer::field_bool(int16_t id, bool v) {
    field_header(id, v ? ctype::bool_true : ctype::bool_false);
}

void compact_writer::field_i8(int16_t id, int8_t v) {
    field_header(id, ctype::i8);
    put_byte(static_cast<uint8_t>(v));
}

void compact_writer::field_i16(int16_t id, int16_t v) {
    field_header(id, ctype::i16);
    append_varint(out_, v);
}

void compact_writer::field_i32(int16_t id, int32_t v) {
    field_header(id, ctype::i32);
    append_varint(out_, v);
}

void compact_writer::field_i64(int16_t id, int64_t v) {
    field_header(id, ctype::i64);
    append_varint(out_, v);
}

void compact_writer::field_binary(int16_t id, bytes_view v) {
    field_header(id, ctype::binary);
    elem_binary(v);
}

void compact_writer::field_struct(int16_t id) {
    field_header(id, ctype::struct_);
    begin_struct();
}

void compact_writer::field_list(int16_t id, ctype elem, uint32_t size) {
    field_header(id, ctype::list);
    if (size < 15) {
        put_byte(static_cast<uint8_t>((size << 4) | static_cast<uint32_t>(elem)));
    } else {
        put_byte(static_cast<uint8_t>(0xF0 | static_cast<uint32_t>(elem)));
        append_uvarint(out_, size);
    }
}

void compact_writer::elem_i32(int32_t v) {
    append_varint(out_, v);
}

void compact_writer::elem_i64(int64_t v) {
    append_varint(out_, v);
}

void compact_writer::elem_binary(bytes_view v) {
    append_uvarint(out_, v.size());
    out_.insert(out_.end(), v.begin(), v.end());
}

}  // namespace cs::formats::parquet::thrift
