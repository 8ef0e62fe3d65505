#pragma once

// HTTP/1.1 messages as our REST servers see them: a parsed request
// (method, path, decoded query parameters, headers, body) and the response a
// handler returns. Header names are kept lower-cased, as HTTP compares them
// case-insensitively.

#include <functional>
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

struct response;

// The body of a streamed response, written while the handler runs (a query
// sending rows as they come). The status line and headers go out with the
// first write(); each write() goes out at once as one HTTP/1.1 chunk
// (Transfer-Encoding: chunked); an HTTP/1.0 client gets the bytes unframed
// and the connection closes after the body.
class body_writer {
  public:
    virtual ~body_writer() = default;
    // Sends bytes now (blocking until the socket took them). false once the
    // client is gone or the server is stopping: the producer should stop.
    virtual bool write(std::string_view bytes) = 0;
    // Before the first write(): answer with `plain` (e.g. a 400 error found
    // while starting) instead of the stream. false when too late.
    virtual bool reject(response plain) = 0;
    // false once the client closed its side of the connection or the server
    // is stopping. Never blocks: a producer waiting for data polls it.
    virtual bool client_connected() = 0;
};

// Writes a streamed body; runs on the I/O thread of the connection after the
// status line and headers went out.
using body_streamer = std::function<void(body_writer&)>;

struct response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Length
    std::string body;
    bool close = false;  // close the connection after sending
    // When set, the body is streamed by this function instead of `body`.
    body_streamer stream;

    static response json(int status, std::string body);
    static response empty(int status);
    static response streamed(int status, std::string content_type, body_streamer stream);
};

// The reason phrase of a status code ("Not Found"); "Unknown" when unlisted.
const char* reason_phrase(int status);

// The response as bytes on the wire (status line, headers, Content-Length
// unless 204/304, body). A streamed response gives its head only, with
// Transfer-Encoding: chunked (`chunked`, HTTP/1.1 clients) or nothing (the
// body ends when the connection closes).
std::string serialize(const response& r, bool chunked = true);

// One chunk of a chunked body: size in hex, CRLF, bytes, CRLF. Empty bytes
// give the last chunk ("0\r\n\r\n").
std::string chunk(std::string_view bytes);

// Decodes %XX escapes (and '+' as space when form is set). nullopt when an
// escape is malformed.
std::optional<std::string> percent_decode(std::string_view s, bool form);

}  // namespace cs::http
