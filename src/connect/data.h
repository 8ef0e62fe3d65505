#pragma once

// Kafka Connect's data model: schemas (INT8..STRUCT, optional, named
// logical types such as org.apache.kafka.connect.data.Timestamp) and the
// values converters produce and sinks consume. Schemaless data (JsonConverter
// with schemas.enable=false) uses the same values with a null schema: JSON
// objects become maps with string keys, numbers int64 or double.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cs::connect {

enum class schema_type : uint8_t {
    int8,
    int16,
    int32,
    int64,
    float32,
    float64,
    boolean,
    string,
    bytes,
    array,
    map,
    struct_,
};

// Connect's lowercase names: "int8" ... "struct".
const char* schema_type_name(schema_type t);

struct schema;
using schema_ptr = std::shared_ptr<const schema>;

struct field {
    std::string name;
    int32_t index = 0;
    schema_ptr schema;
};

class data;

struct schema {
    schema_type type = schema_type::string;
    bool optional = false;
    std::string name;  // logical type or record name, e.g. org.apache.kafka.connect.data.Decimal
    std::optional<int32_t> version;
    std::optional<std::string> doc;
    std::map<std::string, std::string> parameters;  // e.g. {"scale": "2"} for Decimal
    std::shared_ptr<const data> default_value;
    std::vector<field> fields;  // STRUCT
    schema_ptr key_schema;      // MAP
    schema_ptr value_schema;    // MAP values, ARRAY elements

    const field* find_field(std::string_view n) const {
        for (const auto& f : fields) {
            if (f.name == n) {
                return &f;
            }
        }
        return nullptr;
    }
};

// Logical type names (Connect's constants).
inline constexpr const char* decimal_logical = "org.apache.kafka.connect.data.Decimal";
inline constexpr const char* date_logical = "org.apache.kafka.connect.data.Date";
inline constexpr const char* time_logical = "org.apache.kafka.connect.data.Time";
inline constexpr const char* timestamp_logical = "org.apache.kafka.connect.data.Timestamp";

struct bytes_data {
    std::string data;
    bool operator==(const bytes_data&) const = default;
};

using data_list = std::vector<data>;
using data_map = std::vector<std::pair<data, data>>;  // insertion order
struct struct_data;

// A value. Integers of every width are held as int64_t and floats as
// double; the schema (when there is one) says the declared width. A Decimal
// is held as its bytes (big-endian two's complement unscaled) as Connect
// does, Date/Time/Timestamp as int64_t (days / ms of day / ms since epoch).
class data {
  public:
    using storage = std::variant<std::monostate, bool, int64_t, double, std::string, bytes_data,
                                 std::shared_ptr<const data_list>, std::shared_ptr<const data_map>,
                                 std::shared_ptr<const struct_data>>;

    data() = default;                            // null
    data(bool b) : v_(b) {}                      // NOLINT: implicit by design
    data(int64_t i) : v_(i) {}                   // NOLINT
    data(int32_t i) : v_(int64_t{i}) {}          // NOLINT
    data(double d) : v_(d) {}                    // NOLINT
    data(std::string s) : v_(std::move(s)) {}    // NOLINT
    data(const char* s) : v_(std::string(s)) {}  // NOLINT
    data(bytes_data b) : v_(std::move(b)) {}     // NOLINT
    static data list(data_list items) {
        return data(storage(std::make_shared<const data_list>(std::move(items))));
    }
    static data map(data_map entries) {
        return data(storage(std::make_shared<const data_map>(std::move(entries))));
    }
    static data struct_(struct_data s);

    bool is_null() const { return v_.index() == 0; }
    bool is_bool() const { return std::holds_alternative<bool>(v_); }
    bool is_int() const { return std::holds_alternative<int64_t>(v_); }
    bool is_double() const { return std::holds_alternative<double>(v_); }
    bool is_string() const { return std::holds_alternative<std::string>(v_); }
    bool is_bytes() const { return std::holds_alternative<bytes_data>(v_); }
    bool is_list() const { return std::holds_alternative<std::shared_ptr<const data_list>>(v_); }
    bool is_map() const { return std::holds_alternative<std::shared_ptr<const data_map>>(v_); }
    bool is_struct() const {
        return std::holds_alternative<std::shared_ptr<const struct_data>>(v_);
    }

    bool as_bool() const { return std::get<bool>(v_); }
    int64_t as_int() const { return std::get<int64_t>(v_); }
    double as_double() const { return std::get<double>(v_); }
    const std::string& as_string() const { return std::get<std::string>(v_); }
    const bytes_data& as_bytes() const { return std::get<bytes_data>(v_); }
    const data_list& as_list() const { return *std::get<std::shared_ptr<const data_list>>(v_); }
    const data_map& as_map() const { return *std::get<std::shared_ptr<const data_map>>(v_); }
    const struct_data& as_struct() const {
        return *std::get<std::shared_ptr<const struct_data>>(v_);
    }

    const storage& raw() const { return v_; }
    bool operator==(const data& other) const;

  private:
    explicit data(storage s) : v_(std::move(s)) {}
    storage v_;
};

// A STRUCT value: its schema and one value per field, in field order.
struct struct_data {
    schema_ptr schema;
    std::vector<data> values;

    // The value of a named field; nullptr when the schema has no such field.
    const data* get(std::string_view name) const {
        const field* f = schema ? schema->find_field(name) : nullptr;
        return f ? &values.at(static_cast<size_t>(f->index)) : nullptr;
    }
    bool operator==(const struct_data& other) const;
};

inline data data::struct_(struct_data s) {
    return data(storage(std::make_shared<const struct_data>(std::move(s))));
}

}  // namespace cs::connect
