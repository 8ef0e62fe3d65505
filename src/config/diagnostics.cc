#include "config/diagnostics.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "base/log.h"

namespace cs::config {

const char* severity_name(severity s) {
    switch (s) {
        case severity::info:
            return "info";
        case severity::warning:
            return "warning";
        case severity::error:
            return "error";
    }
    return "unknown";
}

std::string diagnostic::to_string() const {
    if (file.empty()) {
        return fmt::format("{}: {}", severity_name(level), message);
    }
    if (line <= 0) {
        return fmt::format("{}: {}: {}", file, severity_name(level), message);
    }
    return fmt::format("{}:{}: {}: {}", file, line, severity_name(level), message);
}

void diagnostics::add(severity level, std::string file, int line, std::string message) {
    items_.push_back(diagnostic{level, std::move(file), line, std::move(message)});
}

void diagnostics::sort_by_location() {
    std::stable_sort(items_.begin(), items_.end(), [](const diagnostic& a, const diagnostic& b) {
        return std::tie(a.file, a.line) < std::tie(b.file, b.line);
    });
}

bool diagnostics::has_errors() const {
    return count(severity::error) > 0;
}

size_t diagnostics::count(severity level) const {
    return static_cast<size_t>(std::count_if(
        items_.begin(), items_.end(), [&](const diagnostic& d) { return d.level == level; }));
}

std::string diagnostics::to_string() const {
    std::string out;
    for (const auto& d : items_) {
        out += d.to_string();
        out += '\n';
    }
    return out;
}

void diagnostics::log() const {
    auto logger = cs::log::get("config");
    for (const auto& d : items_) {
        switch (d.level) {
            case severity::info:
                logger->info("{}", d.to_string());
                break;
            case severity::warning:
                logger->warn("{}", d.to_string());
                break;
            case severity::error:
                logger->error("{}", d.to_string());
                break;
        }
    }
}

}  // namespace cs::config
