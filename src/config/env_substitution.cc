#include "config/env_substitution.h"

#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

namespace cs::config {
namespace {

bool valid_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
        return false;
    }
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            return false;
        }
    }
    return true;
}

}  // namespace

env_lookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* v = std::getenv(name.c_str())) {
            return std::string(v);
        }
        return std::nullopt;
    };
}

result<std::string> substitute_env(std::string_view value, const env_lookup& env) {
    std::string out;
    size_t i = 0;
    while (i < value.size()) {
        char c = value[i];
        if (c != '$') {
            out += c;
            ++i;
            continue;
        }
        if (value.substr(i, 3) == "$${") {
            out += "${";
            i += 3;
            continue;
        }
        if (value.substr(i, 2) != "${") {
            out += c;
            ++i;
            continue;
        }
        size_t close = value.find('}', i + 2);
        if (close == std::string_view::npos) {
            return error{errc::invalid_argument, "unterminated ${ (write $${ for a literal ${)"};
        }
        std::string_view inner = value.substr(i + 2, close - i - 2);
        std::optional<std::string_view> fallback;
        size_t dash = inner.find(":-");
        std::string_view name = inner;
        if (dash != std::string_view::npos) {
            name = inner.substr(0, dash);
            fallback = inner.substr(dash + 2);
        }
        if (!valid_name(name)) {
            return error{
                errc::invalid_argument,
                fmt::format("${{{}}} is not a valid variable reference (names are letters, "
                            "digits and _; write $${{ for a literal ${{)",
                            inner)};
        }
        std::optional<std::string> v = env(std::string(name));
        if (fallback && (!v || v->empty())) {
            out += *fallback;
        } else if (v) {
            out += *v;
        } else {
            return error{errc::not_found,
                         fmt::format("environment variable {} is not set (set it, or write "
                                     "${{{}:-default}})",
                                     name, name)};
        }
        i = close + 1;
    }
    return out;
}

void substitute_env(properties& props, const env_lookup& env, diagnostics& diags) {
    auto& entries = props.mutable_entries();
    for (auto it = entries.begin(); it != entries.end();) {
        auto r = substitute_env(it->value, env);
        if (!r) {
            diags.error(it->file, it->line, fmt::format("{}: {}", it->key, r.err().message));
            it = entries.erase(it);
            continue;
        }
        it->value = std::move(r).value();
        ++it;
    }
}

}  // namespace cs::config
