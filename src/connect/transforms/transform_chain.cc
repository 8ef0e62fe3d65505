#include "connect/transforms/transform_chain.h"

#include <map>

#include <fmt/format.h>

#include "base/strings.h"
#include "connect/transforms/transform_util.h"

namespace cs::connect {

namespace {

config_map with_prefix(const config_map& c, const std::string& prefix) {
    config_map out;
    for (auto it = c.lower_bound(prefix); it != c.end() && it->first.starts_with(prefix); ++it) {
        out.emplace(it->first.substr(prefix.size()), it->second);
    }
    return out;
}

}  // namespace

result<transform_chain> transform_chain::from_config(const config_map& c) {
    std::map<std::string, std::shared_ptr<predicate>> predicates;
    for (const auto& alias : smt::get_list(c, "predicates")) {
        std::string key = "predicates." + alias + ".type";
        auto cls = smt::get_required(c, key);
        if (!cls) {
            return cls.take_error();
        }
        std::string name(trim_blanks(*cls));
        auto p = make_predicate(name);
        if (!p) {
            return smt::config_error(key, name, fmt::format("Class {} could not be found.", name));
        }
        if (auto st = p->configure(with_prefix(c, "predicates." + alias + ".")); !st) {
            return error{st.code(), fmt::format("predicates.{}: {}", alias, st.message())};
        }
        predicates.emplace(alias, std::move(p));
    }
    transform_chain chain;
    for (const auto& alias : smt::get_list(c, "transforms")) {
        std::string prefix = "transforms." + alias + ".";
        auto cls = smt::get_required(c, prefix + "type");
        if (!cls) {
            return cls.take_error();
        }
        std::string name(trim_blanks(*cls));
        auto t = make_transformation(name);
        if (!t) {
            return smt::config_error(prefix + "type", name,
                                     fmt::format("Class {} could not be found.", name));
        }
        if (auto st = t->configure(with_prefix(c, prefix)); !st) {
            return error{st.code(),
                         fmt::format("transforms.{} ({}): {}", alias, name, st.message())};
        }
        step s{alias, name, std::move(t), nullptr, false};
        std::string pred(trim_blanks(smt::get_or(c, prefix + "predicate")));
        if (!pred.empty()) {
            auto it = predicates.find(pred);
            if (it == predicates.end()) {
                return smt::config_error(prefix + "predicate", pred,
                                         "the predicate is not listed in 'predicates'");
            }
            s.condition = it->second;
        }
        auto negate = smt::get_bool(c, prefix + "negate", false);
        if (!negate) {
            return negate.take_error();
        }
        if (*negate && !s.condition) {
            return smt::config_error(prefix + "negate", "true",
                                     "negate needs a predicate for the transform");
        }
        s.negate = *negate;
        chain.steps_.push_back(std::move(s));
    }
    return chain;
}

std::optional<record> transform_chain::apply(record r,
                                             std::optional<transform_failure>& failure) const {
    for (const auto& s : steps_) {
        if (s.condition && s.condition->test(r) == s.negate) {
            continue;
        }
        auto out = s.transform->apply(std::move(r));
        if (!out) {
            failure = transform_failure{s.alias, s.class_name, out.take_error()};
            return std::nullopt;
        }
        if (!out->has_value()) {
            return std::nullopt;
        }
        r = std::move(**out);
    }
    return r;
}

}  // namespace cs::connect
