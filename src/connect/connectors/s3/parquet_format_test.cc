// ParquetFormat with arrays and maps, without DuckDB: which records a file
// takes or refuses, row counts from the footer, identical bytes on a
// replay. DuckDB reads the values back in s3_parquet_types (types.mjs).

#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "connect/connectors/s3/record_format.h"
#include "connect/converters/converter.h"
#include "formats/parquet/footer_reader.h"

namespace cs::connect::s3 {
namespace {

constexpr const char* kSchema = R"({"type":"struct","fields":[
 {"field":"id","type":"int64","optional":false},
 {"field":"tags","type":"array","items":{"type":"string"},"optional":true},
 {"field":"pts","type":"array","optional":true,"items":{"type":"struct","optional":true,
  "fields":[{"field":"x","type":"int32","optional":false}]}},
 {"field":"attrs","type":"map","keys":{"type":"string"},"values":{"type":"int64","optional":true},
  "optional":true}]})";

record from_json(converter& conv, const std::string& json, int64_t offset) {
    auto sv = conv.to_connect("t", json);
    EXPECT_TRUE(sv.ok()) << json;
    record r;
    r.topic = "t";
    r.partition = 0;
    r.kafka_offset = offset;
    r.value_schema = sv->schema;
    r.value = std::move(sv->value);
    return r;
}

int64_t footer_rows(const bytes& file) {
    uint32_t n;
    std::memcpy(&n, file.data() + file.size() - 8, 4);
    auto rows = formats::parquet::footer_num_rows(bytes_view(file.data() + file.size() - 8 - n, n));
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : -1;
}

// Writes the payloads into one file; `taken` gets each write's outcome
// (1 taken, 0 does not fit the file, -1 errant).
bytes write_all(const config_map& config, bool schemas, const std::vector<std::string>& payloads,
                std::vector<int>& taken) {
    auto conv = make_converter(
        {json_converter_class, {{"schemas.enable", schemas ? "true" : "false"}}}, false);
    auto format = make_record_format(config);
    EXPECT_TRUE(conv.ok() && format.ok());
    std::unique_ptr<record_writer> w;
    int64_t offset = 0;
    for (const std::string& p : payloads) {
        const std::string json =
            schemas ? fmt::format(R"({{"schema":{},"payload":{}}})", kSchema, p) : p;
        record r = from_json(**conv, json, offset++);
        if (!w) {
            auto opened = (*format)->open(r);
            EXPECT_TRUE(opened.ok());
            w = std::move(*opened);
        }
        auto ok = w->write(r);
        taken.push_back(!ok.ok() ? -1 : *ok ? 1 : 0);
    }
    auto body = w->finish();
    EXPECT_TRUE(body.ok());
    return body.ok() ? *body : bytes{};
}

const config_map kParquet{{"format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat"},
                          {"flush.size", "3"}};

TEST(S3ParquetLists, ConnectArraysAndMapsTakeNullEmptyAndFullValues) {
    const std::vector<std::string> payloads = {
        R"({"id":1,"tags":["a","b"],"pts":[{"x":1},null],"attrs":{"k":1,"n":null}})",
        R"({"id":2,"tags":null,"pts":[],"attrs":{}})",
        R"({"id":3,"tags":[],"pts":null,"attrs":null})",
    };
    std::vector<int> taken;
    const bytes file = write_all(kParquet, true, payloads, taken);
    EXPECT_EQ(taken, (std::vector<int>{1, 1, 1}));
    EXPECT_EQ(footer_rows(file), 3);
    // A replay writes the same bytes.
    std::vector<int> again;
    EXPECT_EQ(write_all(kParquet, true, payloads, again), file);
}

TEST(S3ParquetLists, NullListElementOrMapKeyMakesTheRecordErrant) {
    auto conv = make_converter({json_converter_class, {}}, false);
    auto format = make_record_format(kParquet);
    ASSERT_TRUE(conv.ok() && format.ok());
    record r = from_json(**conv,
                         fmt::format(R"({{"schema":{},"payload":{}}})", kSchema,
                                     R"({"id":1,"tags":["a"],"pts":[{"x":1}],"attrs":{"k":1}})"),
                         0);
    auto w = (*format)->open(r);
    ASSERT_TRUE(w.ok());
    struct_data s = r.value.as_struct();
    record bad = r;
    s.values[1] = data::list({data("a"), data()});
    bad.value = data::struct_(s);
    EXPECT_FALSE((*w)->write(bad).ok());
    s = r.value.as_struct();
    struct_data pt = s.values[2].as_list()[0].as_struct();
    pt.values[0] = data();  // x is required
    s.values[2] = data::list({data::struct_(pt)});
    bad.value = data::struct_(s);
    EXPECT_FALSE((*w)->write(bad).ok());
    s = r.value.as_struct();
    s.values[3] = data::map({{data(), data(int64_t{1})}});
    bad.value = data::struct_(s);
    EXPECT_FALSE((*w)->write(bad).ok());
    auto ok = (*w)->write(r);
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(*ok);
    auto body = (*w)->finish();
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(footer_rows(*body), 1);
}

TEST(S3ParquetLists, SchemalessListOfAnotherElementTypeDoesNotFitTheFile) {
    std::vector<int> taken;
    const bytes file =
        write_all(kParquet, false,
                  {R"({"id":1,"names":["a"],"nums":[1]})", R"({"id":2,"names":[],"nums":[2.5]})",
                   R"({"id":3})", R"({"id":4,"names":["b",null],"nums":[3]})",
                   R"({"id":5,"names":[1]})", R"({"id":6,"nums":["x"]})"},
                  taken);
    // The first three are the sample; 4 fits, 5 and 6 do not (the task
    // rotates to a new file for them).
    EXPECT_EQ(taken, (std::vector<int>{1, 1, 1, 1, 0, 0}));
    EXPECT_EQ(footer_rows(file), 4);
    EXPECT_NE(std::string(reinterpret_cast<const char*>(file.data()), file.size()).find("element"),
              std::string::npos);
}

}  // namespace
}  // namespace cs::connect::s3
