#pragma once

// The write half of the Thrift compact protocol (apache/thrift
// doc/specs/thrift-compact-protocol.md), just what Parquet's footer and page
// headers need: structs, unions (a struct with one field), i8/i16/i32/i64 as
// zig-zag varints, binary/string with a varint length, booleans folded into
// the field header, and lists of i32, binary or struct.
//
// Field headers use the short form (delta << 4 | type) when the id is 1..15
// above the previous field of the same struct, the long form otherwise. Nested
// structs keep their own "previous field id", so begin_struct/end_struct must
// pair up; end_struct writes the stop byte.

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace cs::formats::parquet::thrift {

// Compact-protocol type ids as they appear in field and list headers.
enum class ctype : uint8_t {
    bool_true = 1,
    bool_false = 2,
    i8 = 3,
    i16 = 4,
    i32 = 5,
    i64 = 6,
    double_ = 7,
    binary = 8,
    list = 9,
    set = 10,
    map = 11,
    struct_ = 12,
};

class compact_writer {
  public:
    explicit compact_writer(bytes& out) : out_(out) {}

    // A top-level struct (a message body) or a struct element of a list.
    void begin_struct();
    void end_struct();

    void field_bool(int16_t id, bool v);
    void field_i8(int16_t id, int8_t v);
    void field_i16(int16_t id, int16_t v);
    void field_i32(int16_t id, int32_t v);
    void field_i64(int16_t id, int64_t v);
    void field_binary(int16_t id, bytes_view v);
    void field_string(int16_t id, std::string_view v) { field_binary(id, as_bytes(v)); }
    // Opens a struct-typed field; close it with end_struct().
    void field_struct(int16_t id);
    // An empty struct field (e.g. StringType, TypeDefinedOrder).
    void field_empty_struct(int16_t id) {
        field_struct(id);
        end_struct();
    }
    // A list field header; the caller then writes `size` elements of `elem`.
    void field_list(int16_t id, ctype elem, uint32_t size);

    void elem_i32(int32_t v);
    void elem_i64(int64_t v);
    void elem_binary(bytes_view v);
    void elem_string(std::string_view v) { elem_binary(as_bytes(v)); }
    // Struct elements: begin_struct() ... end_struct().

  private:
    void field_header(int16_t id, ctype t);
    void put_byte(uint8_t b) { out_.push_back(static_cast<std::byte>(b)); }

    bytes& out_;
    std::vector<int16_t> stack_;  // previous field id of each enclosing struct
    int16_t last_id_ = 0;
};

}  // namespace cs::formats::parquet::thrift
