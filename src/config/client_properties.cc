#include "config/client_properties.h"

#include <fmt/format.h>

namespace cs::config {

result<properties> load_client_properties(const std::filesystem::path& path, diagnostics& diags,
                                          const env_lookup& env) {
    auto props = load_properties(path, diags);
    if (!props) {
        return props;
    }
    substitute_env(*props, env, diags);
    if (size_t n = diags.count(severity::error); n > 0) {
        return error{errc::invalid_argument, fmt::format("{}: {} configuration error{}",
                                                         path.string(), n, n == 1 ? "" : "s")};
    }
    return props;
}

std::vector<std::pair<std::string, std::string>> to_pairs(const properties& props) {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(props.size());
    for (const auto& e : props.entries()) {
        out.emplace_back(e.key, e.value);
    }
    return out;
}

}  // namespace cs::config
