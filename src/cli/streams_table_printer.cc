#include "cli/streams_table_printer.h"

#include <algorithm>
#include <cstdlib>

#include <sys/ioctl.h>
#include <unistd.h>

#include "streams/parser.h"
#include "streams/value_text.h"

namespace cs::cli {
namespace {

constexpr int min_cell_width = 5;

// s cut into pieces of `width` characters (UTF-8 code points), each padded
// to that width with spaces (Guava's Splitter.fixedLength, then %-Ns).
std::vector<std::string> split_to_fixed(const std::string& s, int width) {
    std::vector<std::string> out;
    std::string piece;
    int n = 0;
    for (size_t i = 0; i < s.size();) {
        size_t len = 1;
        while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) {
            ++len;
        }
        piece.append(s, i, len);
        i += len;
        if (++n == width) {
            out.push_back(std::move(piece));
            piece.clear();
            n = 0;
        }
    }
    if (n > 0 || out.empty()) {
        piece.append(static_cast<size_t>(width - n), ' ');
        out.push_back(std::move(piece));
    }
    return out;
}

}  // namespace

int terminal_width() {
    winsize ws{};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        return ws.ws_col;
    }
    if (const char* cols = std::getenv("COLUMNS"); cols != nullptr && std::atoi(cols) > 0) {
        return std::atoi(cols);
    }
    return 80;
}

std::string table_printer::format(const std::vector<std::string>& cells) const {
    std::vector<std::vector<std::string>> split;
    size_t lines = 1;
    for (const auto& c : cells) {
        split.push_back(split_to_fixed(c, cell_width_));
        lines = std::max(lines, split.back().size());
    }
    const std::string blank(static_cast<size_t>(cell_width_), ' ');
    std::string out;
    for (size_t line = 0; line < lines; ++line) {
        out += '|';
        for (const auto& parts : split) {
            out += line < parts.size() ? parts[line] : blank;
            out += '|';
        }
        if (line + 1 < lines) {
            out += '\n';
        }
    }
    return out;
}

void table_printer::on_header(const streams::transient_header& header) {
    const int columns = static_cast<int>(header.columns.size());
    cell_width_ = columns == 0 ? min_cell_width : std::max(width_ / columns - 2, min_cell_width);
    std::vector<std::string> names;
    types_.clear();
    for (const auto& c : header.columns) {
        names.push_back(c.name);
        auto t = streams::parse_type(c.type);
        types_.push_back(t ? *t : streams::sql_type::string());
    }
    std::string rule = "+";
    for (int i = 0; i < columns; ++i) {
        rule.append(static_cast<size_t>(cell_width_), '-');
        rule += '+';
    }
    out_ << rule << '\n' << format(names) << '\n' << rule << '\n';
    out_.flush();
}

bool table_printer::on_row(const std::vector<streams::value>& row) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < row.size(); ++i) {
        cells.push_back(streams::value_text(
            row[i], i < types_.size() ? types_[i] : streams::sql_type::string()));
    }
    out_ << format(cells) << '\n';
    out_.flush();
    ++rows_;
    return static_cast<bool>(out_);
}

}  // namespace cs::cli
