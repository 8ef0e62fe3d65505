#include "connect/task_config.h"

#include <charconv>

#include <fmt/format.h>

#include "base/strings.h"

namespace cs::connect {

namespace {

result<bool> get_bool(const config_map& c, const std::string& key, bool def) {
    auto it = c.find(key);
    if (it == c.end()) {
        return def;
    }
    if (auto b = parse_config_boolean(it->second)) {
        return *b;
    }
    return error{errc::invalid_argument,
                 fmt::format("Invalid value {} for configuration {}: Expected value to be either "
                             "true or false",
                             it->second, key)};
}

}  // namespace

result<int64_t> get_long(const config_map& c, const std::string& key, int64_t def) {
    auto it = c.find(key);
    if (it == c.end()) {
        return def;
    }
    std::string v(trim_blanks(it->second));
    int64_t out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
        return error{errc::invalid_argument,
                     fmt::format("Invalid value {} for configuration {}: Not a number of type LONG",
                                 it->second, key)};
    }
    return out;
}

result<error_policy> parse_error_policy(const config_map& c) {
    error_policy p;
    auto tol = c.find("errors.tolerance");
    if (tol != c.end()) {
        std::string v(trim_blanks(tol->second));
        if (v == "all") {
            p.tolerate_all = true;
        } else if (v != "none") {
            return error{errc::invalid_argument,
                         fmt::format("Invalid value {} for configuration errors.tolerance: String "
                                     "must be one of: none, all",
                                     tol->second)};
        }
    }
    auto rt = get_long(c, "errors.retry.timeout", 0);
    if (!rt) {
        return rt.take_error();
    }
    p.retry_timeout_ms = *rt;
    auto rd = get_long(c, "errors.retry.delay.max.ms", 60000);
    if (!rd) {
        return rd.take_error();
    }
    if (*rd < 1) {
        return error{errc::invalid_argument,
                     fmt::format("Invalid value {} for configuration errors.retry.delay.max.ms: "
                                 "Value must be at least 1",
                                 *rd)};
    }
    p.retry_delay_max_ms = *rd;
    auto le = get_bool(c, "errors.log.enable", false);
    if (!le) {
        return le.take_error();
    }
    p.log_enable = *le;
    auto lm = get_bool(c, "errors.log.include.messages", false);
    if (!lm) {
        return lm.take_error();
    }
    p.log_include_messages = *lm;
    if (auto it = c.find("errors.deadletterqueue.topic.name"); it != c.end()) {
        p.dlq_topic = std::string(trim_blanks(it->second));
    }
    auto rf = get_long(c, "errors.deadletterqueue.topic.replication.factor", 3);
    if (!rf) {
        return rf.take_error();
    }
    p.dlq_replication_factor = static_cast<int>(*rf);
    auto ch = get_bool(c, "errors.deadletterqueue.context.headers.enable", false);
    if (!ch) {
        return ch.take_error();
    }
    p.dlq_context_headers = *ch;
    return p;
}

converter_spec converter_for(const worker_settings& worker, const config_map& c, bool is_key) {
    std::string key = is_key ? "key.converter" : "value.converter";
    auto it = c.find(key);
    if (it == c.end()) {
        return is_key ? worker.key_converter : worker.value_converter;
    }
    converter_spec spec;
    spec.class_name = std::string(trim_blanks(it->second));
    std::string prefix = key + ".";
    for (auto p = c.lower_bound(prefix); p != c.end() && p->first.starts_with(prefix); ++p) {
        spec.config[p->first.substr(prefix.size())] = p->second;
    }
    return spec;
}

client::client_settings client_settings_for(const worker_settings& worker, client::role r,
                                            const std::string& connector, const config_map& c) {
    client::client_settings out = worker.common;
    const client::client_settings& role_settings = r == client::role::consumer   ? worker.consumer
                                                   : r == client::role::producer ? worker.producer
                                                                                 : worker.admin;
    for (const auto& s : role_settings.entries()) {
        out.set(s.key, s.value, s.origin, s.line);
    }
    std::string prefix = r == client::role::consumer   ? "consumer.override."
                         : r == client::role::producer ? "producer.override."
                                                       : "admin.override.";
    for (auto p = c.lower_bound(prefix); p != c.end() && p->first.starts_with(prefix); ++p) {
        out.set(p->first.substr(prefix.size()), p->second, "connector " + connector);
    }
    return out;
}

result<task_pipeline> build_task_pipeline(const worker_settings& worker,
                                          const config_map& connector_config) {
    auto policy = parse_error_policy(connector_config);
    if (!policy) {
        return policy.take_error();
    }
    converter_spec key_spec = converter_for(worker, connector_config, true);
    converter_spec value_spec = converter_for(worker, connector_config, false);
    auto key_conv = make_converter(key_spec, true);
    if (!key_conv) {
        return error{key_conv.err().code, "key.converter: " + key_conv.err().message};
    }
    auto value_conv = make_converter(value_spec, false);
    if (!value_conv) {
        return error{value_conv.err().code, "value.converter: " + value_conv.err().message};
    }
    auto chain = transform_chain::from_config(connector_config);
    if (!chain) {
        return chain.take_error();
    }
    return task_pipeline{std::move(policy).value(),     std::move(key_spec),
                         std::move(value_spec),         std::move(key_conv).value(),
                         std::move(value_conv).value(), std::move(chain).value()};
}

}  // namespace cs::connect
