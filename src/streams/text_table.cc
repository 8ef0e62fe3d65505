#include "streams/text_table.h"

#include <algorithm>

namespace cs::streams {

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width(header.size());
    for (size_t i = 0; i < header.size(); ++i) {
        width[i] = header[i].size();
        for (const auto& r : rows) {
            width[i] = std::max(width[i], r[i].size());
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (size_t i = 0; i < cells.size(); ++i) {
            out += i == 0 ? " " : " | ";
            out += cells[i];
            out.append(width[i] - cells[i].size(), ' ');
        }
        out += " \n";
        return out;
    };
    std::string out = line(header);
    out.append(out.size() - 1, '-');
    out += '\n';
    for (const auto& r : rows) {
        out += line(r);
    }
    out.append(out.find('\n'), '-');
    out += '\n';
    return out;
}

}  // namespace cs::streams
