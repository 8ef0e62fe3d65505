#include "client/setting_values.h"

#include <charconv>

#include <fmt/format.h>

#include "base/ascii.h"

namespace cs::client {

const setting* first_set(const client_settings& s, std::initializer_list<std::string_view> keys) {
    for (auto k : keys) {
        if (const setting* v = s.find(k); v != nullptr) {
            return v;
        }
    }
    return nullptr;
}

status read_int(const client_settings& s, std::initializer_list<std::string_view> keys,
                int32_t& out) {
    const setting* v = first_set(s, keys);
    if (v == nullptr) {
        return {};
    }
    int32_t n = 0;
    auto [end, ec] = std::from_chars(v->value.data(), v->value.data() + v->value.size(), n);
    if (ec != std::errc() || end != v->value.data() + v->value.size() || n < 0) {
        return status(errc::invalid_argument, fmt::format("{}: {}={} is not a non-negative number",
                                                          v->origin, v->key, v->value));
    }
    out = n;
    return {};
}

status read_bool(const client_settings& s, std::initializer_list<std::string_view> keys,
                 bool& out) {
    const setting* v = first_set(s, keys);
    if (v == nullptr) {
        return {};
    }
    std::string b = ascii_lower(v->value);
    if (b != "true" && b != "false") {
        return status(errc::invalid_argument,
                      fmt::format("{}: {}={} is not true or false", v->origin, v->key, v->value));
    }
    out = b == "true";
    return {};
}

std::string plaintext_only_reason(const client_settings& s) {
    if (const setting* v = s.find("security.protocol");
        v != nullptr && ascii_lower(v->value) != "plaintext") {
        return fmt::format("security.protocol={} (only PLAINTEXT is supported)", v->value);
    }
    for (const auto& e : s.entries()) {
        if (e.key.starts_with("sasl.") || e.key.starts_with("ssl.")) {
            return fmt::format("{} is set (no SASL or TLS support)", e.key);
        }
    }
    return {};
}

}  // namespace cs::client
