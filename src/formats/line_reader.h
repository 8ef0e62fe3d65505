#pragma once

// Lines from a stream, read in large blocks: the input side of `produce`
// for --format lines and json, where a per-line std::getline would cost an
// allocation and a copy per record.
//
// A line ends at LF; a CR just before the LF is dropped (CRLF files), and
// the last line may lack its LF. Every line handed out is followed in memory
// by at least line_reader::padding readable bytes (simdjson parses in place
// when it may read that far past the end).

#include <cstdint>
#include <istream>
#include <string_view>
#include <vector>

#include "formats/byte_source.h"

namespace cs::formats {

class line_reader {
  public:
    static constexpr size_t padding = 64;

    explicit line_reader(std::istream& in, size_t block_size = 1 << 20)
        : line_reader(istream_source(in), block_size) {}
    // Lines are handed out as soon as the source delivers them.
    explicit line_reader(byte_source source, size_t block_size = 1 << 20);

    // The next line, without its line ending, valid until the next call;
    // false at the end of the input (or when a read fails, e.g. interrupted).
    bool next(std::string_view& line);
    // 1-based number of the line last returned.
    uint64_t line_number() const { return line_number_; }
    // Bytes consumed so far, line endings included.
    uint64_t bytes_consumed() const { return total_read_ - (end_ - pos_); }

  private:
    bool fill();

    byte_source source_;
    std::vector<char> buf_;  // size() - padding bytes hold data
    size_t pos_ = 0;
    size_t end_ = 0;
    bool eof_ = false;
    uint64_t line_number_ = 0;
    uint64_t total_read_ = 0;
};

}  // namespace cs::formats
