#include <algorithm>

#include <fmt/format.h>

#include "streams/function_support.h"
#include "streams/operators.h"

namespace cs::streams {

namespace fn {

void registry::add(std::string name, std::vector<std::string> signatures, binder b) {
    add_with_clock(
        std::move(name), std::move(signatures),
        [b = std::move(b)](std::span<const sql_type> t, const cs::clock&) { return b(t); });
}

void registry::add_with_clock(std::string name, std::vector<std::string> signatures,
                              clock_binder b) {
    std::string key = name;
    entries_[key] = function_entry{std::move(name), std::move(signatures), std::move(b)};
}

const function_entry* registry::find(std::string_view name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
}

error no_match() {
    return error{errc::invalid_argument, ""};
}

result<sql_type> common_type(const sql_type& a, const sql_type& b) {
    if (auto t = streams::common_type(a, b)) {
        return *t;
    }
    return error{errc::invalid_argument,
                 fmt::format("{} and {} have no common type", a.to_string(), b.to_string())};
}

}  // namespace fn

namespace {

const fn::registry& builtins() {
    static const fn::registry r = [] {
        fn::registry reg;
        fn::register_string_functions(reg);
        fn::register_regex_functions(reg);
        fn::register_null_functions(reg);
        fn::register_math_functions(reg);
        fn::register_time_functions(reg);
        fn::register_date_functions(reg);
        fn::register_trig_functions(reg);
        fn::register_hash_functions(reg);
        fn::register_url_functions(reg);
        fn::register_json_functions(reg);
        fn::register_misc_functions(reg);
        fn::register_string_shape_functions(reg);
        fn::register_power_functions(reg);
        fn::register_collection_functions(reg);
        fn::register_array_functions(reg);
        fn::register_text_functions(reg);
        fn::register_json_value_functions(reg);
        fn::register_bytes_functions(reg);
        return reg;
    }();
    return r;
}

std::string type_list(std::span<const sql_type> types) {
    std::string out;
    for (size_t i = 0; i < types.size(); ++i) {
        if (i > 0) {
            out += ", ";
        }
        out += types[i].to_string();
    }
    return out;
}

}  // namespace

result<std::unique_ptr<bound_function>> bind_function(std::string_view name,
                                                      std::span<const sql_type> arg_types) {
    return bind_function(name, arg_types, system_clock::instance());
}

result<std::unique_ptr<bound_function>> bind_function(std::string_view name,
                                                      std::span<const sql_type> arg_types,
                                                      const cs::clock& clock) {
    const fn::function_entry* entry = builtins().find(name);
    if (entry == nullptr) {
        return error{errc::not_found, fmt::format("Unknown function {}", name)};
    }
    auto bound = entry->bind(arg_types, clock);
    if (bound) {
        return bound;
    }
    error e = bound.take_error();
    std::string message =
        fmt::format("Function {} does not accept ({})", entry->name, type_list(arg_types));
    if (!e.message.empty()) {
        message += ": " + e.message;
    }
    message += ". Valid signatures are: " + fmt::format("{}", fmt::join(entry->signatures, ", "));
    return error{errc::invalid_argument, std::move(message)};
}

std::vector<std::string> function_names() {
    std::vector<std::string> out;
    for (const auto& [name, entry] : builtins().entries()) {
        out.push_back(name);
    }
    return out;
}

std::vector<std::string> function_signatures(std::string_view name) {
    const fn::function_entry* entry = builtins().find(name);
    return entry == nullptr ? std::vector<std::string>{} : entry->signatures;
}

}  // namespace cs::streams
