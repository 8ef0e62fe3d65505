#include "http/request_parser.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/strings.h"

namespace cs::http {
namespace {

// RFC 9110 token characters (method and header names).
bool is_token(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

}  // namespace

request_parser::state request_parser::fail(int status, std::string message) {
    error_status_ = status;
    error_message_ = std::move(message);
    return state::error;
}

request_parser::state request_parser::next(request& req) {
    if (error_status_ != 0) {
        return state::error;
    }
    // Tolerate empty lines before a request line (RFC 9112 2.2).
    size_t start = 0;
    while (buffer_.compare(start, 2, "\r\n") == 0) {
        start += 2;
    }
    size_t head_end = buffer_.find("\r\n\r\n", start);
    if (head_end == std::string::npos) {
        if (buffer_.size() - start > limits_.max_header_bytes) {
            return fail(431, "request line and headers exceed the size limit");
        }
        return state::need_more;
    }
    if (head_end - start > limits_.max_header_bytes) {
        return fail(431, "request line and headers exceed the size limit");
    }
    std::string_view head(buffer_.data() + start, head_end - start);

    request r;
    size_t line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
        line.find(' ', sp2 + 1) != std::string_view::npos) {
        return fail(400, "malformed request line");
    }
    std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (!is_token(method)) {
        return fail(400, "malformed method");
    }
    if (target.empty() || target.front() != '/') {
        return fail(400, "request target must be an absolute path");
    }
    if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' ||
        version[7] > '9') {
        if (version.substr(0, 5) == "HTTP/") {
            return fail(505, fmt::format("unsupported version {}", version));
        }
        return fail(400, "malformed HTTP version");
    }
    r.method = std::string(method);
    r.target = std::string(target);
    r.minor_version = version[7] - '0';

    size_t q = target.find('?');
    auto path = percent_decode(target.substr(0, q), false);
    if (!path) {
        return fail(400, "malformed percent-escape in path");
    }
    r.path = std::move(*path);
    if (q != std::string_view::npos) {
        std::string_view qs = target.substr(q + 1);
        while (!qs.empty()) {
            size_t amp = qs.find('&');
            std::string_view part = qs.substr(0, amp);
            qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
            if (part.empty()) {
                continue;
            }
            size_t eq = part.find('=');
            auto k = percent_decode(part.substr(0, eq), true);
            auto v = percent_decode(
                eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
            if (!k || !v) {
                return fail(400, "malformed percent-escape in query");
            }
            r.query.emplace_back(std::move(*k), std::move(*v));
        }
    }

    std::optional<size_t> content_length;
    std::string_view rest =
        line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
    while (!rest.empty()) {
        size_t e = rest.find("\r\n");
        std::string_view h = rest.substr(0, e);
        rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
        size_t colon = h.find(':');
        if (colon == std::string_view::npos || !is_token(h.substr(0, colon))) {
            return fail(400, "malformed header line");
        }
        std::string name = ascii_lower(h.substr(0, colon));
        std::string_view value = trim_blanks(h.substr(colon + 1));
        if (name == "content-length") {
            size_t n = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc() || p != value.data() + value.size() || value.empty()) {
                return fail(400, "malformed Content-Length");
            }
            if (content_length && *content_length != n) {
                return fail(400, "conflicting Content-Length headers");
            }
            content_length = n;
        } else if (name == "transfer-encoding") {
            return fail(501, "Transfer-Encoding is not supported; send a Content-Length");
        }
        r.headers.emplace_back(std::move(name), std::string(value));
    }
    if (r.minor_version >= 1 && !r.header("host")) {
        return fail(400, "HTTP/1.1 request without a Host header");
    }

    size_t body_len = content_length.value_or(0);
    if (body_len > limits_.max_body_bytes) {
        return fail(413, fmt::format("request body of {} bytes exceeds the limit of {} bytes",
                                     body_len, limits_.max_body_bytes));
    }
    size_t body_start = head_end + 4;
    if (buffer_.size() - body_start < body_len) {
        return state::need_more;
    }
    r.body = buffer_.substr(body_start, body_len);
    buffer_.erase(0, body_start + body_len);
    req = std::move(r);
    return state::complete;
}

}  // namespace cs::http
