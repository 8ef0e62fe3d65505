#include "config/resolved_config.h"

#include <stdexcept>

#include <fmt/format.h>

namespace cs::config {
namespace {

// Defaults are part of the program: a default that does not parse is a bug
// in a registry (and a test checks every registry).
config_value default_of(const property_def& def) {
    if (!def.default_value) {
        return std::monostate{};
    }
    auto v = parse_value(def, *def.default_value);
    if (!v) {
        throw std::logic_error(
            fmt::format("default of {} does not parse: {}", def.name, v.err().message));
    }
    return std::move(v).value();
}

[[noreturn]] void wrong_type(const resolved_value& v, const char* wanted) {
    throw std::out_of_range(
        fmt::format("config key {} is {}, not {}", v.def->name, type_name(v.def->type), wanted));
}

void apply(const registry& reg, resolved_config& out, const property_entry& e, value_origin origin,
           diagnostics& diags) {
    const property_def* def = reg.find(e.key);
    if (def == nullptr) {
        std::string msg = fmt::format("unknown {} property {}", reg.scope(), e.key);
        if (auto near = reg.suggest(e.key)) {
            msg += fmt::format(" (did you mean {}?)", *near);
        }
        diags.warning(e.file, e.line, msg + "; ignored");
        return;
    }
    auto parsed = parse_value(*def, e.value);
    if (!parsed) {
        diags.error(
            e.file, e.line,
            fmt::format("{} = {}: {}", e.key, quote_raw(*def, e.value), parsed.err().message));
        return;
    }
    resolved_value v{def, std::move(parsed).value(), origin, e.file, e.line, e.value};
    switch (def->on_single_node) {
        case single_node::used:
            break;
        case single_node::ignored:
            diags.info(e.file, e.line,
                       fmt::format("{} is ignored: {}", e.key, def->single_node_note));
            break;
        case single_node::capped_at_one:
            if (const int64_t* n = std::get_if<int64_t>(&v.value); n != nullptr && *n > 1) {
                diags.warning(
                    e.file, e.line,
                    fmt::format("{} = {} is capped at 1: {}", e.key, *n, def->single_node_note));
                v.value = int64_t{1};
            }
            break;
    }
    out.set(def->name, std::move(v));
}

}  // namespace

const char* origin_name(value_origin o) {
    switch (o) {
        case value_origin::default_value:
            return "default";
        case value_origin::file:
            return "file";
        case value_origin::override_value:
            return "override";
    }
    return "unknown";
}

std::string resolved_value::source_text() const {
    switch (origin) {
        case value_origin::default_value:
            return "default";
        case value_origin::file:
            return fmt::format("{}:{}", file, line);
        case value_origin::override_value:
            return file.empty() ? "override" : fmt::format("override ({})", file);
    }
    return "unknown";
}

resolved_config::resolved_config(const registry& reg) : reg_(&reg) {
    entries_.reserve(reg.properties().size());
    for (const auto& def : reg.properties()) {
        resolved_value v;
        v.def = &def;
        v.value = default_of(def);
        // A replica count's default (Kafka's is often 3) is what one node can
        // give: 1. No warning: the user did not ask for more.
        if (const int64_t* n = std::get_if<int64_t>(&v.value);
            def.on_single_node == single_node::capped_at_one && n != nullptr && *n > 1) {
            v.value = int64_t{1};
        }
        entries_.push_back(std::move(v));
    }
}

const resolved_value& resolved_config::entry(std::string_view name) const {
    const property_def* def = reg_->find(name);
    if (def == nullptr) {
        throw std::out_of_range(fmt::format("{} is not a {} config key", name, reg_->scope()));
    }
    return entries_[static_cast<size_t>(def - reg_->properties().data())];
}

resolved_value& resolved_config::mutable_entry(std::string_view name) {
    return const_cast<resolved_value&>(std::as_const(*this).entry(name));
}

void resolved_config::set(std::string_view name, resolved_value v) {
    mutable_entry(name) = std::move(v);
}

bool resolved_config::is_null(std::string_view name) const {
    return std::holds_alternative<std::monostate>(entry(name).value);
}

int32_t resolved_config::get_int(std::string_view name) const {
    const auto& e = entry(name);
    if (e.def->type != value_type::int32 || !std::holds_alternative<int64_t>(e.value)) {
        wrong_type(e, "a non-null int");
    }
    return static_cast<int32_t>(std::get<int64_t>(e.value));
}

int64_t resolved_config::get_long(std::string_view name) const {
    const auto& e = entry(name);
    if (!std::holds_alternative<int64_t>(e.value)) {
        wrong_type(e, "a non-null integer");
    }
    return std::get<int64_t>(e.value);
}

double resolved_config::get_double(std::string_view name) const {
    const auto& e = entry(name);
    if (!std::holds_alternative<double>(e.value)) {
        wrong_type(e, "a non-null double");
    }
    return std::get<double>(e.value);
}

bool resolved_config::get_bool(std::string_view name) const {
    const auto& e = entry(name);
    if (!std::holds_alternative<bool>(e.value)) {
        wrong_type(e, "a non-null boolean");
    }
    return std::get<bool>(e.value);
}

std::optional<std::string> resolved_config::get_string(std::string_view name) const {
    const auto& e = entry(name);
    if (std::holds_alternative<std::monostate>(e.value)) {
        return std::nullopt;
    }
    if (!std::holds_alternative<std::string>(e.value)) {
        wrong_type(e, "a string");
    }
    return std::get<std::string>(e.value);
}

std::vector<std::string> resolved_config::get_list(std::string_view name) const {
    const auto& e = entry(name);
    if (std::holds_alternative<std::monostate>(e.value)) {
        return {};
    }
    if (!std::holds_alternative<std::vector<std::string>>(e.value)) {
        wrong_type(e, "a list");
    }
    return std::get<std::vector<std::string>>(e.value);
}

resolved_config resolve(const registry& reg, const properties& props, diagnostics& diags,
                        const properties& overrides) {
    resolved_config out(reg);
    for (const auto& e : props.entries()) {
        apply(reg, out, e, value_origin::file, diags);
    }
    for (const auto& e : overrides.entries()) {
        apply(reg, out, e, value_origin::override_value, diags);
    }
    return out;
}

}  // namespace cs::config
