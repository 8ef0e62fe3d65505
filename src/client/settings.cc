#include "client/settings.h"

#include <cstdio>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "base/edit_distance.h"
#include "base/log.h"
#include "client/java_compat.h"
#include "config/client_properties.h"

namespace cs::client {

void client_settings::set(std::string key, std::string value, std::string origin, int line) {
    for (auto& e : entries_) {
        if (e.key == key) {
            e = {std::move(key), std::move(value), std::move(origin), line};
            return;
        }
    }
    entries_.push_back({std::move(key), std::move(value), std::move(origin), line});
}

const setting* client_settings::find(std::string_view key) const {
    for (const auto& e : entries_) {
        if (e.key == key) {
            return &e;
        }
    }
    return nullptr;
}

status client_settings::add_file(const std::filesystem::path& path, config::diagnostics& diags,
                                 const config::env_lookup& env) {
    auto props = config::load_client_properties(path, diags, env);
    if (!props.ok()) {
        return props.take_error();
    }
    for (const auto& e : props->entries()) {
        set(e.key, e.value, e.file, e.line);
    }
    return {};
}

status client_settings::add_assignment(std::string_view key_value, std::string origin) {
    size_t eq = key_value.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        return {errc::invalid_argument,
                fmt::format("{} {}: expected key=value", origin, key_value)};
    }
    set(std::string(key_value.substr(0, eq)), std::string(key_value.substr(eq + 1)),
        std::move(origin));
    return {};
}

std::string apply_bootstrap(client_settings& settings, std::optional<std::string> flag,
                            const config::env_lookup& env) {
    if (flag && !flag->empty()) {
        settings.set("bootstrap.servers", *flag, "--bootstrap-server");
        return *flag;
    }
    if (const auto* s = settings.find("bootstrap.servers"); s != nullptr && !s->value.empty()) {
        return s->value;
    }
    if (auto v = env(std::string(bootstrap_env_var)); v && !v->empty()) {
        settings.set("bootstrap.servers", *v, std::string(bootstrap_env_var));
        return *v;
    }
    settings.set("bootstrap.servers", std::string(default_bootstrap), "default");
    return std::string(default_bootstrap);
}

const std::vector<std::string>& librdkafka_property_names() {
    // rd_kafka_conf_properties_show prints a Markdown table; the first
    // column of each row is a property name.
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        char* buf = nullptr;
        size_t len = 0;
        FILE* f = open_memstream(&buf, &len);
        if (f == nullptr) {
            return out;
        }
        rd_kafka_conf_properties_show(f);
        std::fclose(f);
        std::istringstream in(std::string(buf, len));
        std::free(buf);  // NOLINT: open_memstream's buffer
        std::string line;
        while (std::getline(in, line)) {
            size_t bar = line.find('|');
            if (bar == std::string::npos || line.starts_with("Property") ||
                line.starts_with("---")) {
                continue;
            }
            std::string name = line.substr(0, bar);
            while (!name.empty() && name.back() == ' ') {
                name.pop_back();
            }
            if (!name.empty() && name.find(' ') == std::string::npos) {
                out.push_back(std::move(name));
            }
        }
        return out;
    }();
    return names;
}

namespace {

std::string closest_property(std::string_view key) {
    std::string best;
    size_t best_distance = std::max<size_t>(2, key.size() / 4) + 1;
    for (const auto& name : librdkafka_property_names()) {
        size_t d = edit_distance(key, name);
        if (d < best_distance) {
            best_distance = d;
            best = name;
        }
    }
    return best;
}

void log_cb(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    static auto logger = log::get("rdkafka");
    // syslog levels: 0-3 error, 4 warning, 5-6 info/notice, 7 debug.
    auto lvl = level <= 3   ? spdlog::level::err
               : level == 4 ? spdlog::level::warn
               : level <= 6 ? spdlog::level::info
                            : spdlog::level::debug;
    logger->log(lvl, "{} {}: {}", rd_kafka_name(rk), fac, buf);
}

}  // namespace

void default_to_java_partitioner(client_settings& settings, std::string_view why) {
    if (settings.find("partitioner") == nullptr) {
        settings.set("partitioner", "murmur2_random", std::string(why));
    }
}

result<conf_handle> make_conf(const client_settings& settings, role r, config::diagnostics& diags) {
    conf_handle conf(rd_kafka_conf_new());
    rd_kafka_conf_set_log_cb(conf.get(), log_cb);
    char errstr[512];
    size_t errors = 0;
    for (const auto& s : settings.entries()) {
        auto t = translate_java_key(s.key, s.value, r);
        std::string key = s.key;
        std::string value = s.value;
        switch (t.what) {
            case java_translation::kind::pass:
                break;
            case java_translation::kind::rename:
                key = t.key;
                value = t.value;
                if (key != s.key || value != s.value) {
                    diags.info(
                        s.origin, s.line,
                        fmt::format("{}={} applied as librdkafka's {}={}{}{}", s.key, s.value, key,
                                    value, t.note.empty() ? "" : ": ", t.note));
                }
                break;
            case java_translation::kind::ignore:
                diags.info(s.origin, s.line, t.note);
                continue;
            case java_translation::kind::refuse:
                diags.error(s.origin, s.line, t.note);
                ++errors;
                continue;
        }
        rd_kafka_conf_res_t res =
            rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof errstr);
        if (res == RD_KAFKA_CONF_OK) {
            continue;
        }
        ++errors;
        if (res == RD_KAFKA_CONF_UNKNOWN) {
            std::string guess = closest_property(key);
            diags.error(s.origin, s.line,
                        guess.empty()
                            ? fmt::format("unknown client property \"{}\"", key)
                            : fmt::format("unknown client property \"{}\"; did you mean \"{}\"?",
                                          key, guess));
        } else {
            diags.error(s.origin, s.line, fmt::format("{} = \"{}\": {}", key, value, errstr));
        }
    }
    if (errors > 0) {
        std::string first;
        for (const auto& d : diags.items()) {
            if (d.level == config::severity::error) {
                first = d.to_string();
                break;
            }
        }
        return error{errc::invalid_argument,
                     errors == 1 ? first
                                 : fmt::format("{} (and {} more client configuration errors)",
                                               first, errors - 1)};
    }
    return conf;
}

}  // namespace cs::client
