#pragma once

// Test-only helpers for the JDBC connector tests: records shaped like the
// pipeline's enriched clicks, schemaless (maps, as JsonConverter with
// schemas.enable=false gives) and schema'd (structs), and a reporter that
// collects errant records.

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "connect/plugin.h"

namespace cs::connect::jdbc::test {

struct collecting_reporter final : errant_record_reporter {
    std::vector<std::pair<record, std::string>> reported;
    void report(const record& r, const std::string& reason) override {
        reported.emplace_back(r, reason);
    }
    bool tolerant() const override { return tolerate; }
    bool tolerate = true;  // errors.tolerance=all
};

inline schema_ptr make_schema(schema_type t, bool optional = false, std::string name = {}) {
    auto s = std::make_shared<schema>();
    s->type = t;
    s->optional = optional;
    s->name = std::move(name);
    return s;
}

inline schema_ptr struct_schema(std::string name,
                                std::vector<std::pair<std::string, schema_ptr>> fields) {
    auto s = std::make_shared<schema>();
    s->type = schema_type::struct_;
    s->name = std::move(name);
    int32_t i = 0;
    for (auto& [n, fs] : fields) {
        s->fields.push_back(field{n, i++, fs});
    }
    return s;
}

inline std::string click_ts(int i) {
    return fmt::format("2025-04-30T12:{:02}:{:02}Z", (i / 60) % 60, i % 60);
}

// Schemaless: key {"user_id","timestamp"}, value the enriched click.
inline record schemaless_click(int i, const std::string& topic = "enriched-clickstream",
                               int64_t offset = -1) {
    record r;
    r.topic = topic;
    r.partition = 0;
    r.kafka_offset = offset < 0 ? i : offset;
    std::string user = fmt::format("user_{}", i % 7);
    r.key = data::map({{"user_id", user}, {"timestamp", click_ts(i)}});
    r.value = data::map({{"timestamp", click_ts(i)},
                         {"user_id", user},
                         {"device_id", fmt::format("device_{}", i % 3)},
                         {"url", fmt::format("/products/{}", i)},
                         {"user_name", "Alice"},
                         {"device_type", "iPhone"},
                         {"url_category", "product-page"}});
    return r;
}

inline schema_ptr click_key_schema() {
    static schema_ptr s =
        struct_schema("click_key", {{"user_id", make_schema(schema_type::string)},
                                    {"timestamp", make_schema(schema_type::string)}});
    return s;
}

inline schema_ptr click_value_schema() {
    static schema_ptr s =
        struct_schema("EnrichedClick", {{"timestamp", make_schema(schema_type::string)},
                                        {"user_id", make_schema(schema_type::string)},
                                        {"device_id", make_schema(schema_type::string)},
                                        {"url", make_schema(schema_type::string)},
                                        {"user_name", make_schema(schema_type::string, true)},
                                        {"device_type", make_schema(schema_type::string, true)},
                                        {"url_category", make_schema(schema_type::string, true)}});
    return s;
}

// Schema'd: Struct key and value, as JsonConverter with schemas.enable=true.
inline record struct_click(int i, const std::string& topic = "enriched-clickstream") {
    record r;
    r.topic = topic;
    r.partition = 0;
    r.kafka_offset = i;
    std::string user = fmt::format("user_{}", i % 7);
    r.key_schema = click_key_schema();
    r.key = data::struct_({r.key_schema, {user, click_ts(i)}});
    r.value_schema = click_value_schema();
    r.value = data::struct_({r.value_schema,
                             {click_ts(i), user, fmt::format("device_{}", i % 3),
                              fmt::format("/products/{}", i), "Alice", data(), "product-page"}});
    return r;
}

}  // namespace cs::connect::jdbc::test
