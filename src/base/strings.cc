#include "base/strings.h"

namespace cs {

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
    std::vector<std::string> out;
    for (;;) {
        size_t at = s.find(sep);
        std::string_view item = trim_blanks(s.substr(0, at));
        if (!item.empty()) {
            out.emplace_back(item);
        }
        if (at == std::string_view::npos) {
            return out;
        }
        s.remove_prefix(at + 1);
    }
}

}  // namespace cs
