#pragma once

// Converters turn Kafka record key/value bytes into Connect's schema + data
// (sink side) and back (source side), as Connect's Converter interface does.
// A conversion failure is an error value (the record goes the DLQ path),
// never an exception.
//
// Threading: a converter instance is used by one task thread (the JSON
// converter reuses one parser buffer).

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "connect/data.h"
#include "connect/plugin.h"

namespace cs::connect {

// A converter as configured: the class name and its settings with the
// "key.converter." / "value.converter." prefix removed (e.g.
// {"schemas.enable": "false"}).
struct converter_spec {
    std::string class_name = "org.apache.kafka.connect.json.JsonConverter";
    config_map config;
};

struct schema_and_value {
    schema_ptr schema;  // null: schemaless
    data value;
};

class converter {
  public:
    virtual ~converter() = default;
    // bytes: nullopt for a null key/value (a tombstone).
    virtual result<schema_and_value> to_connect(std::string_view topic,
                                                std::optional<std::string_view> bytes) = 0;
    // nullopt: a null key/value.
    virtual result<std::optional<std::string>> from_connect(std::string_view topic,
                                                            const schema_ptr& schema,
                                                            const data& value) = 0;
};

inline constexpr const char* json_converter_class = "org.apache.kafka.connect.json.JsonConverter";
inline constexpr const char* string_converter_class =
    "org.apache.kafka.connect.storage.StringConverter";
inline constexpr const char* byte_array_converter_class =
    "org.apache.kafka.connect.converters.ByteArrayConverter";

// A configured converter for the key (is_key) or value side. An error for an
// unknown class or a bad setting (e.g. decimal.format=HEX).
result<std::unique_ptr<converter>> make_converter(const converter_spec& spec, bool is_key);

}  // namespace cs::connect
