#include "broker/topics/topic_name.h"

#include <fmt/format.h>

namespace cs::broker {

status validate_topic_name(std::string_view name) {
    constexpr size_t kMaxLength = 249;
    if (name.empty()) {
        return {errc::invalid_argument, "topic name is empty"};
    }
    if (name == "." || name == "..") {
        return {errc::invalid_argument, fmt::format("topic name cannot be \"{}\"", name)};
    }
    if (name.size() > kMaxLength) {
        return {errc::invalid_argument,
                fmt::format("topic name is {} characters long; the limit is {}", name.size(),
                            kMaxLength)};
    }
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok) {
            return {errc::invalid_argument,
                    fmt::format("topic name \"{}\" contains '{}'; only ASCII letters, digits, "
                                "'.', '_' and '-' are allowed",
                                name, c)};
        }
    }
    return {};
}

bool topic_names_collide(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i] == '.' ? '_' : a[i];
        char y = b[i] == '.' ? '_' : b[i];
        if (x != y) {
            return false;
        }
    }
    return true;
}

bool is_internal_topic(std::string_view name) {
    return name == "__consumer_offsets" || name == "__transaction_state";
}

}  // namespace cs::broker
