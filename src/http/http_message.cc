#include "http/http_message.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/strings.h"

namespace cs::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        return lower(x) == lower(y);
    });
}

}  // namespace

std::optional<std::string_view> request::header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
        if (k == lower_name) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> request::query_values(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : query) {
        if (k == name) {
            out.emplace_back(v);
        }
    }
    return out;
}

std::optional<std::string_view> request::query_value(std::string_view name) const {
    for (const auto& [k, v] : query) {
        if (k == name) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

bool request::keep_alive() const {
    auto conn = header("connection");
    if (minor_version >= 1) {
        return !(conn && iequals(*conn, "close"));
    }
    return conn && iequals(*conn, "keep-alive");
}

response response::json(int status, std::string body) {
    response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

response response::empty(int status) {
    response r;
    r.status = status;
    return r;
}

response response::streamed(int status, std::string content_type, body_streamer stream) {
    response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", std::move(content_type));
    r.stream = std::move(stream);
    return r;
}

const char* reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

std::string serialize(const response& r, bool chunked) {
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", r.status, reason_phrase(r.status));
    for (const auto& [k, v] : r.headers) {
        out += fmt::format("{}: {}\r\n", k, v);
    }
    if (r.stream) {
        if (chunked) {
            out += "Transfer-Encoding: chunked\r\n";
        }
    } else if (r.status != 204 && r.status != 304) {
        out += fmt::format("Content-Length: {}\r\n", r.body.size());
    }
    if (r.close) {
        out += "Connection: close\r\n";
    }
    out += "\r\n";
    if (!r.stream && r.status != 204 && r.status != 304) {
        out += r.body;
    }
    return out;
}

std::string chunk(std::string_view bytes) {
    return fmt::format("{:x}\r\n{}\r\n", bytes.size(), bytes);
}

std::optional<std::string> percent_decode(std::string_view s, bool form) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) {
                return std::nullopt;
            }
            int hi = hex_digit(s[i + 1]);
            int lo = hex_digit(s[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && form) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace cs::http
