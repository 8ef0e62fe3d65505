#pragma once

// The SMTs and predicates clickstream's Connect worker knows, by Connect
// class name (e.g. "org.apache.kafka.connect.transforms.InsertField$Value").
// A transformation's apply() returns nullopt to drop a record and an error
// for a record it cannot transform (the worker's DLQ path).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "connect/plugin.h"

namespace cs::connect {

// A condition for applying a transform (Connect's Predicate).
class predicate {
  public:
    virtual ~predicate() = default;
    virtual status configure(const config_map& config) = 0;
    virtual bool test(const record& r) const = 0;
};

// Unconfigured instances; nullptr for an unknown class name.
std::unique_ptr<transformation> make_transformation(std::string_view class_name);
std::unique_ptr<predicate> make_predicate(std::string_view class_name);

// Every class name make_transformation / make_predicate accept.
std::vector<std::string> transformation_class_names();
std::vector<std::string> predicate_class_names();

namespace smt {
// Factories of the individual SMT families (one file each).
std::unique_ptr<transformation> make_field_transform(std::string_view class_name);
std::unique_ptr<transformation> make_cast(std::string_view class_name);
std::unique_ptr<transformation> make_timestamp_converter(std::string_view class_name);
std::unique_ptr<transformation> make_routing_transform(std::string_view class_name);
std::unique_ptr<transformation> make_shape_transform(std::string_view class_name);
std::unique_ptr<transformation> make_header_transform(std::string_view class_name);
std::unique_ptr<transformation> make_extract_new_record_state();
}  // namespace smt

}  // namespace cs::connect
