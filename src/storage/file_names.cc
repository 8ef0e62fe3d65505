#include "storage/file_names.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace cs::storage::file_names {

std::string segment_file(kafka::offset base, std::string_view suffix) {
    return fmt::format("{:020d}{}", base.value(), suffix);
}

std::optional<kafka::offset> parse_segment_file(std::string_view name, std::string_view suffix) {
    if (name.size() != 20 + suffix.size() || !name.ends_with(suffix)) {
        return std::nullopt;
    }
    int64_t v = 0;
    auto digits = name.substr(0, 20);
    for (char c : digits) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
    }
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || p != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return kafka::offset(v);
}

std::string partition_dir(const kafka::topic_partition& tp) {
    return tp.to_string();
}

std::string deleted_partition_dir(const kafka::topic_partition& tp, int64_t now_ms) {
    constexpr size_t max_file_name = 255;
    std::string suffix = fmt::format("-{}.{}{}", tp.partition.value(), now_ms, deleted_suffix);
    return tp.topic.substr(0, std::min(tp.topic.size(), max_file_name - suffix.size())) + suffix;
}

std::optional<kafka::topic_partition> parse_partition_dir(std::string_view name) {
    auto dash = name.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) {
        return std::nullopt;
    }
    auto num = name.substr(dash + 1);
    int32_t p = 0;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), p);
    if (ec != std::errc() || end != num.data() + num.size() || p < 0) {
        return std::nullopt;
    }
    return kafka::topic_partition{std::string(name.substr(0, dash)), kafka::partition_id(p)};
}

}  // namespace cs::storage::file_names
