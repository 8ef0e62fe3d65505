#include "tools/admin_connection.h"

#include <algorithm>
#include <ostream>

#include "client/reachability.h"

namespace cs::tools {

namespace {

void print(const char* tool, const config::diagnostics& diags, std::ostream& err) {
    for (const auto& d : diags.items()) {
        if (d.level != config::severity::info) {
            err << tool << ": " << d.to_string() << "\n";
        }
    }
}

}  // namespace

std::unique_ptr<client::admin_client> connect_admin(const char* tool,
                                                    const admin_connection_options& opts,
                                                    const admin_tool_env& env) {
    std::ostream& err = *env.err;
    client::client_settings settings;
    config::diagnostics diags;
    if (opts.command_config) {
        status st = settings.add_file(*opts.command_config, diags, env.env);
        print(tool, diags, err);
        if (!st.ok()) {
            err << tool << ": error: " << st.message() << "\n";
            return nullptr;
        }
        diags = {};
    }
    std::string bootstrap = client::apply_bootstrap(settings, opts.bootstrap_server, env.env);
    if (settings.find("client.id") == nullptr) {
        std::string id = tool;  // "clickstream topics" -> "clickstream-topics"
        std::replace(id.begin(), id.end(), ' ', '-');
        settings.set("client.id", id, "default");
    }
    auto admin = client::admin_client::create(settings, diags, env.request_timeout);
    print(tool, diags, err);
    if (!admin.ok()) {
        err << tool << ": error: " << admin.err().message << "\n";
        return nullptr;
    }
    if (status st = client::check_reachable((*admin)->handle(), bootstrap, env.connect_timeout);
        !st.ok()) {
        err << tool << ": error: " << st.message() << "\n";
        return nullptr;
    }
    return std::move(*admin);
}

}  // namespace cs::tools
