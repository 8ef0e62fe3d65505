#pragma once

// A connector's SMT chain, built from its config as Connect builds it:
//   transforms=a,b
//   transforms.a.type=<class>   transforms.a.<key>=...   (the SMT's config)
//   transforms.a.predicate=p    transforms.a.negate=true
//   predicates=p
//   predicates.p.type=<class>   predicates.p.<key>=...
// A transform with a predicate applies only to records the predicate
// matches (or, with negate, does not match); others pass unchanged.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "connect/plugin.h"
#include "connect/transforms/transforms.h"

namespace cs::connect {

// Which transform failed a record (the DLQ's stage/class headers).
struct transform_failure {
    std::string alias;
    std::string class_name;
    error err;
};

class transform_chain {
  public:
    // An error names the offending key (unknown class, missing type, a
    // predicate that is not defined, a transform's own config problem).
    static result<transform_chain> from_config(const config_map& connector_config);

    // The transformed record; nullopt when a transform dropped it.
    std::optional<record> apply(record r, std::optional<transform_failure>& failure) const;

    size_t size() const { return steps_.size(); }
    bool empty() const { return steps_.empty(); }

  private:
    struct step {
        std::string alias;
        std::string class_name;
        std::shared_ptr<transformation> transform;
        std::shared_ptr<predicate> condition;  // null: always
        bool negate = false;
    };
    std::vector<step> steps_;
};

}  // namespace cs::connect
