#include "streams/sql_error.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "base/edit_distance.h"

namespace cs::streams {

std::string format_sql_error(std::string_view text, ast::source_pos at, std::string_view message,
                             ast::source_pos text_start) {
    std::string out = "line " + std::to_string(at.line) + ":" + std::to_string(at.column) + ": ";
    out += message;
    // Find the line of `text` that holds `at`: text's first line starts at
    // text_start.column of script line text_start.line.
    int rel_line = at.line - text_start.line;
    if (rel_line < 0) {
        return out;
    }
    size_t begin = 0;
    for (int l = 0; l < rel_line; ++l) {
        size_t nl = text.find('\n', begin);
        if (nl == std::string_view::npos) {
            return out;
        }
        begin = nl + 1;
    }
    size_t end = text.find('\n', begin);
    std::string_view line =
        text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    int first_col = rel_line == 0 ? text_start.column : 1;
    int caret = at.column - first_col;  // 0-based within `line`
    if (caret < 0 || static_cast<size_t>(caret) > line.size()) {
        return out;
    }
    out += '\n';
    out += line;
    out += '\n';
    // Keep tabs so the caret lines up under tab-indented text.
    for (int i = 0; i < caret; ++i) {
        out += line[static_cast<size_t>(i)] == '\t' ? '\t' : ' ';
    }
    out += '^';
    return out;
}

std::string format_sql_error(const ast::statement& stmt, ast::source_pos at,
                             std::string_view message) {
    return format_sql_error(stmt.text, at, message, stmt.pos);
}

std::string closest_match(std::string_view name, std::span<const std::string> candidates) {
    size_t best = std::string::npos;
    std::string best_name;
    for (const auto& c : candidates) {
        size_t d = edit_distance(name, c, true);
        if (d < best) {
            best = d;
            best_name = c;
        }
    }
    size_t limit = std::max<size_t>(1, name.size() / 3);
    // A case-only difference (distance 0) is the most useful hint of all:
    // `user_id` vs the backticked `user_id` column are different names.
    if (best_name.empty() || best > limit) {
        return {};
    }
    return best_name;
}

std::string did_you_mean(std::string_view name, std::span<const std::string> candidates) {
    std::string m = closest_match(name, candidates);
    if (m.empty()) {
        return {};
    }
    return ", did you mean '" + m + "'?";
}

}  // namespace cs::streams
