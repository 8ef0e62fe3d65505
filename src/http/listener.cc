#include "http/listener.h"

#include <charconv>

#include <fmt/format.h>

namespace cs::http {
namespace {

// Errors say what is wrong ("no port"); the callers say of what.
result<listen_address> split_host_port(std::string_view hostport) {
    size_t colon = hostport.rfind(':');
    if (colon == std::string_view::npos) {
        return error{errc::invalid_argument, "no port"};
    }
    listen_address out;
    out.host = std::string(hostport.substr(0, colon));
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    std::string_view port = hostport.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || p != port.data() + port.size() || port.empty()) {
        return error{errc::invalid_argument, "bad port"};
    }
    return out;
}

}  // namespace

result<listen_address> parse_http_listener(std::string_view text) {
    size_t scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        return error{errc::invalid_argument, fmt::format("{}: expected http://host:port", text)};
    }
    std::string_view scheme = text.substr(0, scheme_end);
    if (scheme != "http" && scheme != "HTTP") {
        return error{errc::unsupported, fmt::format("{}: only http listeners are supported", text)};
    }
    auto out = split_host_port(text.substr(scheme_end + 3));
    if (!out) {
        return error{out.err().code, fmt::format("{}: {}", text, out.err().message)};
    }
    return out;
}

result<listen_address> parse_host_port(std::string_view hostport) {
    auto out = split_host_port(hostport);
    if (!out) {
        return error{out.err().code, fmt::format("{}: {}", hostport, out.err().message)};
    }
    return out;
}

}  // namespace cs::http
