#include "config/listener.h"

#include <charconv>
#include <set>

#include <fmt/format.h>

#include "base/strings.h"

namespace cs::config {
namespace {

std::vector<std::string_view> split_commas(std::string_view text) {
    std::vector<std::string_view> out;
    text = trim_blanks(text);
    if (text.empty()) {
        return out;
    }
    size_t start = 0;
    while (true) {
        size_t comma = text.find(',', start);
        out.push_back(trim_blanks(text.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
        if (comma == std::string_view::npos) {
            return out;
        }
        start = comma + 1;
    }
}

result<listener> parse_one(std::string_view s) {
    auto bad = [&](std::string_view why) {
        return error{errc::invalid_argument,
                     fmt::format("listener \"{}\" {}; expected NAME://host:port", s, why)};
    };
    size_t sep = s.find("://");
    if (sep == std::string_view::npos || sep == 0) {
        return bad("has no NAME://");
    }
    listener l;
    l.name = std::string(s.substr(0, sep));
    std::string_view rest = s.substr(sep + 3);
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        size_t close = rest.find(']');
        if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
            return bad("has a malformed [IPv6] host");
        }
        l.host = std::string(rest.substr(1, close - 1));
        port_text = rest.substr(close + 2);
    } else {
        size_t colon = rest.rfind(':');
        if (colon == std::string_view::npos) {
            return bad("has no port");
        }
        l.host = std::string(rest.substr(0, colon));
        if (l.host.find(':') != std::string::npos) {
            return bad("has an IPv6 host without [brackets]");
        }
        port_text = rest.substr(colon + 1);
    }
    int port = -1;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
        port < 0 || port > 65535) {
        return bad("has an invalid port (0-65535)");
    }
    l.port = static_cast<uint16_t>(port);
    return l;
}

}  // namespace

std::string listener::to_string() const {
    if (host.find(':') != std::string::npos) {
        return fmt::format("{}://[{}]:{}", name, host, port);
    }
    return fmt::format("{}://{}:{}", name, host, port);
}

result<std::map<std::string, std::string>> parse_protocol_map(std::string_view text) {
    std::map<std::string, std::string> out;
    for (std::string_view item : split_commas(text)) {
        size_t colon = item.find(':');
        if (colon == std::string_view::npos || colon == 0 || colon + 1 == item.size()) {
            return error{errc::invalid_argument, fmt::format("\"{}\" is not NAME:PROTOCOL", item)};
        }
        std::string name(trim_blanks(item.substr(0, colon)));
        if (!out.emplace(name, std::string(trim_blanks(item.substr(colon + 1)))).second) {
            return error{errc::invalid_argument,
                         fmt::format("listener name {} is mapped twice", name)};
        }
    }
    return out;
}

result<std::vector<listener>> parse_listeners(
    std::string_view text, const std::map<std::string, std::string>& protocol_map) {
    std::vector<listener> out;
    std::set<std::string> names;
    for (std::string_view item : split_commas(text)) {
        auto l = parse_one(item);
        if (!l) {
            return std::move(l).take_error();
        }
        auto proto = protocol_map.find(l->name);
        if (proto == protocol_map.end()) {
            return error{errc::invalid_argument,
                         fmt::format("listener {} has no security protocol; add {}:PLAINTEXT to "
                                     "listener.security.protocol.map",
                                     l->name, l->name)};
        }
        l->security_protocol = proto->second;
        if (!names.insert(l->name).second) {
            return error{errc::invalid_argument,
                         fmt::format("listener name {} is used twice", l->name)};
        }
        out.push_back(std::move(l).value());
    }
    return out;
}

}  // namespace cs::config
