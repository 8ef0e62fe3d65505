// Test tool: turns JsonConverter records with a Connect schema
// (schemas.enable=true) into one Parquet object through ParquetFormat, for
// tests/s3/types.mjs to read back with DuckDB and check the Parquet types
// (DECIMAL, DATE, TIME_MILLIS, TIMESTAMP_MILLIS, FLOAT, REQUIRED fields,
// structs as groups)
// and values. Usage: s3_parquet_types_fixture <output directory>

#include <cstdio>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "connect/connectors/s3/record_format.h"
#include "connect/converters/converter.h"

namespace cc = cs::connect;

namespace {

// Every field type the sink maps: "addr" (a struct in a struct) becomes
// groups; "tags" (an array) stays JSON text.
constexpr const char* kSchema = R"({"type":"struct","name":"order","fields":[
 {"field":"id","type":"int64","optional":false},
 {"field":"i8","type":"int8","optional":false},
 {"field":"i16","type":"int16","optional":true},
 {"field":"f32","type":"float","optional":true},
 {"field":"f64","type":"double","optional":false},
 {"field":"price","type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",
  "version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"}},
 {"field":"big","type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal",
  "version":1,"parameters":{"scale":"3"}},
 {"field":"day","type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1},
 {"field":"tod","type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1},
 {"field":"ts","type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},
 {"field":"name","type":"string","optional":false},
 {"field":"addr","type":"struct","optional":true,"fields":[
  {"field":"city","type":"string","optional":false},
  {"field":"zip","type":"int32","optional":true},
  {"field":"geo","type":"struct","optional":true,"fields":[{"field":"lat","type":"double","optional":false}]}]},
 {"field":"flag","type":"boolean","optional":true},
 {"field":"tags","type":"array","items":{"type":"string"},"optional":true}
]})";

constexpr const char* kPayloads[] = {
    R"({"id":1,"i8":-7,"i16":300,"f32":1.5,"f64":2.25,"price":2.01,"big":1.5,"day":20103,
        "tod":45296789,"ts":1736944496789,"name":"a",
        "addr":{"city":"Oslo","zip":150,"geo":{"lat":59.9}},"flag":true,"tags":["x","y"]})",
    R"({"id":2,"i8":127,"i16":null,"f32":-0.25,"f64":-1e10,"price":-123.45,"big":-98765.432,
        "day":0,"tod":0,"ts":-1,"name":"b","addr":null,"flag":false,"tags":null})",
    R"({"id":3,"i8":0,"i16":-32768,"f32":null,"f64":0,"price":null,"big":0,"day":null,
        "tod":null,"ts":0,"name":"c",
        "addr":{"city":"Bergen","zip":null,"geo":null},"flag":null,"tags":[]})",
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: s3_parquet_types_fixture <output directory>\n");
        return 2;
    }
    auto conv = cc::make_converter({cc::json_converter_class, {}}, false);
    auto format = cs::connect::s3::make_record_format(
        {{"format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat"},
         {"parquet.codec", "snappy"}});
    if (!conv || !format) {
        std::fprintf(stderr, "setup failed\n");
        return 1;
    }
    std::unique_ptr<cs::connect::s3::record_writer> w;
    int64_t offset = 0;
    for (const char* payload : kPayloads) {
        auto sv = (*conv)->to_connect(
            "t", fmt::format(R"({{"schema":{},"payload":{}}})", kSchema, payload));
        if (!sv) {
            std::fprintf(stderr, "converter: %s\n", sv.err().message.c_str());
            return 1;
        }
        cc::record r;
        r.topic = "t";
        r.partition = 0;
        r.kafka_offset = offset++;
        r.value_schema = sv->schema;
        r.value = std::move(sv->value);
        if (!w) {
            auto opened = (*format)->open(r);
            if (!opened) {
                std::fprintf(stderr, "open: %s\n", opened.err().message.c_str());
                return 1;
            }
            w = std::move(*opened);
        }
        auto ok = w->write(r);
        if (!ok || !*ok) {
            std::fprintf(stderr, "write failed at offset %lld\n",
                         static_cast<long long>(r.kafka_offset));
            return 1;
        }
    }
    // A null in a non-optional field (JsonConverter refuses it, a transform
    // might not) is an errant record; the file goes on without it. Both a
    // top-level field ("id") and one in a present struct ("addr.city").
    for (bool nested : {false, true}) {
        cc::record r;
        r.topic = "t";
        r.partition = 0;
        r.kafka_offset = offset;
        auto sv = (*conv)->to_connect(
            "t", fmt::format(R"({{"schema":{},"payload":{}}})", kSchema, kPayloads[0]));
        cc::struct_data s = sv->value.as_struct();
        const size_t addr = static_cast<size_t>(sv->schema->find_field("addr")->index);
        if (nested) {
            cc::struct_data a = s.values[addr].as_struct();
            a.values[0] = cc::data();  // "city"
            s.values[addr] = cc::data::struct_(std::move(a));
        } else {
            s.values[0] = cc::data();  // "id"
        }
        r.value_schema = sv->schema;
        r.value = cc::data::struct_(std::move(s));
        if (w->write(r).ok()) {
            std::fprintf(stderr, "a null in a REQUIRED column was not refused\n");
            return 1;
        }
    }
    auto body = w->finish();
    if (!body) {
        std::fprintf(stderr, "finish: %s\n", body.err().message.c_str());
        return 1;
    }
    std::ofstream out(std::string(argv[1]) + "/typed.parquet", std::ios::binary);
    out.write(reinterpret_cast<const char*>(body->data()),
              static_cast<std::streamsize>(body->size()));
    return out ? 0 : 1;
}
