#pragma once

// Prints a transient query's rows as the ksqlDB CLI does (its TabularRow,
// wrap on, no fixed column width): a header box with the column names,
// then one line per row as it arrives, each cell padded (and wrapped onto
// further lines) to max(width / columns - 2, 5) characters. Flushed per
// row, so a push query's rows show as they come.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "streams/transient_query.h"
#include "streams/types.h"

namespace cs::cli {

class table_printer final : public streams::row_sink {
  public:
    // width: the terminal's columns (terminal_width()).
    table_printer(std::ostream& out, int width) : out_(out), width_(width) {}

    void on_header(const streams::transient_header& header) override;
    bool on_row(const std::vector<streams::value>& row) override;

    int64_t rows() const { return rows_; }

  private:
    std::string format(const std::vector<std::string>& cells) const;

    std::ostream& out_;
    int width_;
    int cell_width_ = 5;
    std::vector<streams::sql_type> types_;
    int64_t rows_ = 0;
};

// The width of the terminal on stdout, else $COLUMNS, else 80.
int terminal_width();

}  // namespace cs::cli
