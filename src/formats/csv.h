#pragma once

// RFC 4180 CSV, read as a stream (a file of any size is never held whole),
// and each row turned into a JSON object named by the header row: the way
// the seeds upload a CSV file record by record.
//
// What the reader accepts:
//   - fields separated by ',' (or another delimiter), rows by LF, CRLF or a
//     lone CR; the last row may lack its line ending;
//   - quoted fields ("..."), with "" for a quote and embedded delimiters,
//     CRs and newlines kept as they are;
//   - a UTF-8 byte order mark at the very start is skipped;
//   - a completely empty line (outside quotes) is skipped, not a row.
// What it reports as a bad row (with the line number where the row starts),
// after which reading continues with the next row:
//   - a row whose field count differs from the header's ("ragged");
//   - text after a quoted field's closing quote ("ab"c).
// An unterminated quoted field at the end of the input is reported once and
// ends the input. A quote inside an unquoted field (5'10") is kept literally.

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "formats/byte_source.h"

namespace cs::formats {

// One row's fields, stored back to back in one reused buffer so that reading
// a row allocates nothing once the buffers have grown to the largest row.
class csv_row {
  public:
    size_t size() const { return ends_.size(); }
    std::string_view operator[](size_t i) const {
        size_t begin = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(data_).substr(begin, ends_[i] - begin);
    }
    // Physical line (1-based) where the row starts.
    uint64_t line() const { return line_; }

  private:
    friend class csv_reader;
    std::string data_;
    std::vector<size_t> ends_;
    uint64_t line_ = 0;
};

class csv_reader {
  public:
    // Reads in from its current position, block_size bytes at a time.
    explicit csv_reader(std::istream& in, char delimiter = ',', size_t block_size = 1 << 20)
        : csv_reader(istream_source(in), delimiter, block_size) {}
    explicit csv_reader(byte_source source, char delimiter = ',', size_t block_size = 1 << 20);

    // Reads the first row as the header. An error for an empty input, a
    // duplicate column name, or a malformed first row.
    status read_header();
    const std::vector<std::string>& header() const { return header_; }

    // The next row into row: true, or false at the end of the input. An
    // error names a bad row (see above) and its line; the next call goes on
    // with the row after it. Once read_header() succeeded, every row must
    // have as many fields as the header.
    result<bool> next(csv_row& row);

    // Bytes of the input consumed so far (for progress against a file size).
    uint64_t bytes_consumed() const { return total_read_ - (end_ - pos_); }

  private:
    enum class state { field_start, unquoted, quoted, quote_in_quoted };
    bool fill();
    result<bool> next_raw(csv_row& row);

    byte_source source_;
    char delim_;
    std::vector<char> buf_;
    size_t pos_ = 0;
    size_t end_ = 0;
    bool eof_ = false;
    bool at_start_ = true;  // BOM check pending
    bool skip_lf_ = false;  // the previous row ended with CR: an LF next is its CRLF
    uint64_t line_ = 1;     // physical line of the byte at pos_
    uint64_t total_read_ = 0;
    std::vector<std::string> header_;
    bool have_header_ = false;
};

// Turns rows into JSON object text: {"col1":"v1","col2":"v2"}. Every value
// is a JSON string, exactly the field's text (an empty field is ""); no type
// is guessed, so "007" stays "007". Keys are the header's names, escaped once.
class csv_json_encoder {
  public:
    explicit csv_json_encoder(const std::vector<std::string>& header);
    // Appends the object for row (which has header.size() fields) to out.
    void append(std::string& out, const csv_row& row) const;

  private:
    std::vector<std::string> prefixes_;  // {"a":  ,"b":  ...
};

}  // namespace cs::formats
