#pragma once

// The definition of one configuration property: what a registry knows about a
// key (type, default, valid values, docs, restart behaviour, synonyms, and
// what it means on clickstream's single node), and the typed values it takes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace cs::config {

enum class value_type {
    string,
    int32,    // Kafka INT
    int64,    // Kafka LONG
    float64,  // Kafka DOUBLE
    boolean,
    list,      // comma-separated; items trimmed
    password,  // a string whose value is never printed
    class_name,
};

// Kafka's spelling of the type ("int", "long", "list", ...), as in its docs.
const char* type_name(value_type t);

// A typed value. int32 and int64 both hold int64_t; string, password and
// class_name hold std::string; monostate is null (no value, no default).
using config_value =
    std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<std::string>>;

// What a key means on one node, where there is no ZooKeeper, no controller
// quorum and no other replica.
enum class single_node {
    used,           // means what it means in Kafka
    ignored,        // accepted and ignored, with one info line saying why
    capped_at_one,  // a replica count: values above 1 become 1 with a warning
};

// A key that stands behind another. For a topic key these are broker keys in
// precedence order (retention.ms <- log.retention.ms, log.retention.minutes,
// log.retention.hours); scale converts the synonym's unit to this key's.
struct synonym {
    std::string name;
    int64_t scale = 1;
};

struct property_def {
    std::string name;
    value_type type = value_type::string;
    std::optional<std::string> default_value;  // as text; nullopt = null
    // Bounds for int32/int64/float64 (inclusive).
    std::optional<double> min;
    std::optional<double> max;
    // For string: the value must be one of these; for list: every item.
    std::vector<std::string> valid_values;
    std::string doc;
    bool dynamic = false;  // may change without a restart (in Kafka)
    std::vector<synonym> synonyms;
    single_node on_single_node = single_node::used;
    std::string single_node_note;  // why it is ignored or capped
};

// Parses text as a value of def's type and checks bounds / valid values. The
// error message says what was expected: "expected an integer (int) in [14,
// 2147483647]". Text is trimmed first, as Kafka does.
result<config_value> parse_value(const property_def& def, std::string_view text);

// What def accepts, e.g. "an integer (int) in [14, 2147483647]".
std::string expectation(const property_def& def);

// The value as Kafka would print it: lists joined with ",", null as "null".
// Passwords print as "[hidden]" unless reveal is set.
std::string format_value(const property_def& def, const config_value& value, bool reveal = false);

// Shows raw text of a value in messages, hiding passwords.
std::string quote_raw(const property_def& def, std::string_view text);

}  // namespace cs::config
