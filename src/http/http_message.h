#pragma once

// HTTP/1.1 messages as our REST servers see them: a parsed request
// (method, path, decoded query parameters, headers, body) and the response a
// handler returns. Header names are kept lower-cased, as HTTP compares them
// case-insensitively.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs::http {

struct request {
    std::string method;  // as sent: "GET", "POST", ...
    std::string target;  // the request-target as sent, e.g. "/connectors?expand=status"
    std::string path;    // target before '?', percent-decoded
    std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
    int minor_version = 1;                                     // HTTP/1.<minor>
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
    std::string body;

    std::optional<std::string_view> header(std::string_view lower_name) const;
    // Every value of a query parameter (?expand=status&expand=info).
    std::vector<std::string_view> query_values(std::string_view name) const;
    std::optional<std::string_view> query_value(std::string_view name) const;
    // HTTP/1.1 keeps the connection unless "Connection: close"; HTTP/1.0
    // closes it unless "Connection: keep-alive".
    bool keep_alive() const;
};

struct response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Length
    std::string body;
    bool close = false;  // close the connection after sending

    static response json(int status, std::string body);
    static response empty(int status);
};

// The reason phrase of a status code ("Not Found"); "Unknown" when unlisted.
const char* reason_phrase(int status);

// The response as bytes on the wire (status line, headers, Content-Length
// unless 204/304, body).
std::string serialize(const response& r);

// Decodes %XX escapes (and '+' as space when form is set). nullopt when an
// escape is malformed.
std::optional<std::string> percent_decode(std::string_view s, bool form);

}  // namespace cs::http
