#pragma once

// Pieces every SMT shares: the $Key / $Value side of a record, Connect's
// "Only Struct objects supported for [...]" checks, schema copies and
// config reading (Kafka's list syntax: comma-separated, trimmed).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "connect/plugin.h"

namespace cs::connect::smt {

enum class side { key, value };

inline const schema_ptr& operating_schema(const record& r, side s) {
    return s == side::key ? r.key_schema : r.value_schema;
}
inline const data& operating_value(const record& r, side s) {
    return s == side::key ? r.key : r.value;
}
inline void set_operating(record& r, side s, schema_ptr sc, data v) {
    if (s == side::key) {
        r.key_schema = std::move(sc);
        r.key = std::move(v);
    } else {
        r.value_schema = std::move(sc);
        r.value = std::move(v);
    }
}

error data_error(std::string message);
error config_error(std::string key, std::string value, std::string message);

// Connect's requireStruct / requireMap checks, with their messages.
status require_struct(const schema_ptr& s, const data& v, std::string_view purpose);
status require_map(const data& v, std::string_view purpose);

// A new schema with the original's type, optional flag, name, version, doc
// and parameters but no fields (SchemaUtil.copySchemaBasics).
std::shared_ptr<schema> copy_schema_basics(const schema& s);
schema_ptr make_schema(schema_type t, bool optional, std::string name = {});

// Config helpers: a value or default, a trimmed comma-separated list, a
// required value.
std::string get_or(const config_map& c, const std::string& key, std::string def = {});
std::vector<std::string> get_list(const config_map& c, const std::string& key);
result<std::string> get_required(const config_map& c, const std::string& key);
// A LIST config without default and with Kafka's NonEmptyListValidator.
result<std::vector<std::string>> get_required_list(const config_map& c, const std::string& key);
result<bool> get_bool(const config_map& c, const std::string& key, bool def);

// Base of the $Key / $Value SMTs configured by one required `field`
// (ExtractField, HoistField).
class single_field_transform : public transformation {
  public:
    explicit single_field_transform(side s) : side_(s) {}
    status configure(const config_map& c) override {
        auto f = get_required(c, "field");
        if (!f) {
            return f.take_error();
        }
        field_ = *f;
        return {};
    }

  protected:
    side side_;
    std::string field_;
};

// The data's value for a map key that is a string.
const data* map_get(const data_map& m, std::string_view key);

}  // namespace cs::connect::smt
