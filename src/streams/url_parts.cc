#include "streams/url_parts.h"

#include <cctype>

#include <fmt/format.h>

#include "base/strings.h"

namespace cs::streams {

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
            hex_digit(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

result<url_parts> parse_url(std::string_view url) {
    auto bad = [&](std::string_view why) {
        return error{errc::invalid_argument,
                     fmt::format("URL input has invalid syntax: '{}' ({})", url, why)};
    };
    for (size_t i = 0; i < url.size(); ++i) {
        const auto c = static_cast<unsigned char>(url[i]);
        if (c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
            c == '`' || c == '{' || c == '|' || c == '}') {
            return bad(fmt::format("illegal character at index {}", i));
        }
        if (c == '%' &&
            (i + 2 >= url.size() || hex_digit(url[i + 1]) < 0 || hex_digit(url[i + 2]) < 0)) {
            return bad(fmt::format("malformed escape at index {}", i));
        }
    }
    url_parts p;
    std::string_view rest = url;
    if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
        p.fragment = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
    }
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    if (const size_t colon = rest.find(':'); colon != std::string_view::npos && colon > 0) {
        bool scheme = std::isalpha(static_cast<unsigned char>(rest[0])) != 0;
        for (size_t i = 1; i < colon && scheme; ++i) {
            const char c = rest[i];
            scheme =
                std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        }
        if (scheme) {
            p.scheme = rest.substr(0, colon);
            rest = rest.substr(colon + 1);
        }
    }
    if (p.scheme && !rest.starts_with('/')) {
        if (rest.empty()) {
            return bad("expected a scheme-specific part");
        }
        return p;  // opaque
    }
    if (const size_t q = rest.find('?'); q != std::string_view::npos) {
        p.query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        const size_t slash = rest.find('/');
        std::string_view authority = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
        if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
            authority = authority.substr(at + 1);
        }
        const size_t bracket = authority.rfind(']');
        const size_t colon = authority.rfind(':');
        std::string_view host = authority;
        if (colon != std::string_view::npos &&
            (bracket == std::string_view::npos || colon > bracket)) {
            host = authority.substr(0, colon);
            const std::string_view digits = authority.substr(colon + 1);
            if (!digits.empty()) {
                int32_t port = 0;
                for (char c : digits) {
                    if (c < '0' || c > '9' || port > 65535) {
                        return bad("port is not a number");
                    }
                    port = port * 10 + (c - '0');
                }
                p.port = port;
            }
        }
        if (!host.empty()) {
            p.host = host;
        }
    }
    p.path = rest;
    return p;
}

}  // namespace cs::streams
