#pragma once

// Splitting a URL into its RFC 3986 components, as java.net.URI does for the
// URL_EXTRACT_* functions. Views point into the input string.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cs::streams {

struct url_parts {
    std::optional<std::string_view> scheme;
    std::optional<std::string_view> host;  // without brackets' content change: "[::1]" kept
    std::optional<int32_t> port;
    // Raw (percent-encoded); both missing in an opaque URI ("mailto:a@b.c":
    // a scheme, then no '/').
    std::optional<std::string_view> path;
    std::optional<std::string_view> query;     // without '?'
    std::optional<std::string_view> fragment;  // raw, without '#'
};

// errc::invalid_argument for text java.net.URI rejects: spaces or control
// characters, a bad percent escape, a non-numeric port.
result<url_parts> parse_url(std::string_view url);

// %XX decoding (invalid escapes are kept as is; '+' stays '+', as in
// java.net.URI).
std::string percent_decode(std::string_view s);

}  // namespace cs::streams
