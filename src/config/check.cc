#include "config/check.h"

#include <fmt/format.h>

#include "config/broker_settings.h"
#include "config/topic_registry.h"

namespace cs::config {

result<check_scope> parse_check_scope(std::string_view name) {
    if (name == "broker") {
        return check_scope::broker;
    }
    if (name == "topic") {
        return check_scope::topic;
    }
    return error{errc::invalid_argument,
                 fmt::format("unknown scope {}; expected broker or topic", name)};
}

status check_file(const std::filesystem::path& path, check_scope scope, const env_lookup& env,
                  diagnostics& diags) {
    if (scope == check_scope::broker) {
        auto c = load_broker_config(path, diags, env);
        diags.sort_by_location();
        if (!c && c.err().code == errc::io) {
            return c.err();
        }
        return status::success();  // configuration errors are in diags
    }
    auto props = load_properties(path, diags);
    if (!props) {
        return props.err();
    }
    substitute_env(*props, env, diags);
    (void)resolve(topic_registry(), *props, diags);
    diags.sort_by_location();
    return status::success();
}

}  // namespace cs::config
