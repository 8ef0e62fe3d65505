// Test tool: turns JsonConverter records with a Connect schema
// (schemas.enable=true) into one Parquet object through ParquetFormat, for
// tests/s3/types.mjs to read back with DuckDB and check the Parquet types
// (DECIMAL, DATE, TIME_MILLIS, TIMESTAMP_MILLIS, FLOAT, REQUIRED fields,
// structs as groups, arrays as LISTs, maps as MAPs) and values. Usage: s3_parquet_types_fixture
// <output directory>

#include <cstdio>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "connect/connectors/s3/record_format.h"
#include "connect/converters/converter.h"

namespace cc = cs::connect;

namespace {

// Every field type the sink maps: "addr" (a struct in a struct) becomes
// groups; arrays ("tags", "ids", "pts" of structs, "grid" of arrays) LISTs;
// maps ("attrs" with string keys, "byid" with int32 keys) MAPs; "odd" (a map
// with array keys) stays JSON text.
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
 {"field":"tags","type":"array","items":{"type":"string"},"optional":true},
 {"field":"ids","type":"array","items":{"type":"int64","optional":true},"optional":false},
 {"field":"pts","type":"array","optional":true,"items":{"type":"struct","optional":true,"fields":[
  {"field":"x","type":"int32","optional":false},
  {"field":"d","type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",
   "version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"}}]}},
 {"field":"attrs","type":"map","keys":{"type":"string"},"values":{"type":"int64","optional":true},
  "optional":true},
 {"field":"byid","type":"map","keys":{"type":"int32"},
  "values":{"type":"array","items":{"type":"string"}},"optional":true},
 {"field":"grid","type":"array","items":{"type":"array","items":{"type":"double","optional":true},
  "optional":true},"optional":true},
 {"field":"odd","type":"map","keys":{"type":"array","items":{"type":"int32"}},
  "values":{"type":"string"},"optional":true}
]})";

constexpr const char* kPayloads[] = {
    R"({"id":1,"i8":-7,"i16":300,"f32":1.5,"f64":2.25,"price":2.01,"big":1.5,"day":20103,
        "tod":45296789,"ts":1736944496789,"name":"a",
        "addr":{"city":"Oslo","zip":150,"geo":{"lat":59.9}},"flag":true,"tags":["x","y"],
        "ids":[5,null,-6],"pts":[{"x":1,"d":1.5},null,{"x":2,"d":null}],"attrs":{"a":1,"b":null},
        "byid":[[7,["p","q"]],[8,[]]],"grid":[[1.5,null],null,[]],"odd":[[[1,2],"v"]]})",
    R"({"id":2,"i8":127,"i16":null,"f32":-0.25,"f64":-1e10,"price":-123.45,"big":-98765.432,
        "day":0,"tod":0,"ts":-1,"name":"b","addr":null,"flag":false,"tags":null,
        "ids":[],"pts":null,"attrs":null,"byid":null,"grid":null,"odd":null})",
    R"({"id":3,"i8":0,"i16":-32768,"f32":null,"f64":0,"price":null,"big":0,"day":null,
        "tod":null,"ts":0,"name":"c",
        "addr":{"city":"Bergen","zip":null,"geo":null},"flag":null,"tags":[],
        "ids":[9],"pts":[],"attrs":{},"byid":[],"grid":[[]],"odd":[]})",
};

// Schemaless values (schemas.enable=false): lists of one primitive type
// become LISTs ("nums" widens from int64 to double elements), others stay
// JSON text ("mixed", "objs", and "empty", first seen empty). The first
// three are the schema sample (flush.size 3); the fourth fits it, the
// fifth ("names" with a number) does not and is refused (the task would
// rotate).
constexpr const char* kSchemaless[] = {
    R"({"id":1,"nums":[1,2,null],"names":["a","b"],"mixed":[1,"x"],"empty":[],"floats":[1,2.5],
        "objs":[{"a":1}],"flags":[true,false]})",
    R"({"id":2,"nums":null,"names":[],"mixed":[2],"empty":[3],"floats":[3],"objs":[],"flags":null})",
    R"({"id":3,"nums":[4.5],"names":["c"],"mixed":null,"empty":null,"floats":null,"objs":null,
        "flags":[null]})",
    R"({"id":4,"nums":[7],"names":["d",null]})",
    R"({"id":5,"names":[5]})",
};

bool save(const cs::result<cs::bytes>& body, const std::string& path) {
    if (!body) {
        std::fprintf(stderr, "finish: %s\n", body.err().message.c_str());
        return false;
    }
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(body->data()),
              static_cast<std::streamsize>(body->size()));
    return static_cast<bool>(out);
}

bool write_schemaless(const std::string& dir) {
    auto conv =
        cc::make_converter({cc::json_converter_class, {{"schemas.enable", "false"}}}, false);
    auto format = cs::connect::s3::make_record_format(
        {{"format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat"},
         {"flush.size", "3"}});
    if (!conv || !format) {
        std::fprintf(stderr, "schemaless setup failed\n");
        return false;
    }
    std::unique_ptr<cs::connect::s3::record_writer> w;
    int64_t offset = 0;
    for (const char* payload : kSchemaless) {
        auto sv = (*conv)->to_connect("t", payload);
        if (!sv) {
            std::fprintf(stderr, "converter: %s\n", sv.err().message.c_str());
            return false;
        }
        cc::record r;
        r.topic = "t";
        r.partition = 0;
        r.kafka_offset = offset++;
        r.value = std::move(sv->value);
        if (!w) {
            auto opened = (*format)->open(r);
            if (!opened) {
                std::fprintf(stderr, "open: %s\n", opened.err().message.c_str());
                return false;
            }
            w = std::move(*opened);
        }
        auto ok = w->write(r);
        if (!ok || *ok != (offset < 5)) {
            std::fprintf(stderr, "schemaless record %lld: unexpected write result\n",
                         static_cast<long long>(r.kafka_offset));
            return false;
        }
    }
    return save(w->finish(), dir + "/schemaless.parquet");
}

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
    // might not) is an errant record; the file goes on without it: a
    // top-level field ("id"), one in a present struct ("addr.city"), a list
    // element ("tags") and a map key ("attrs").
    for (int where = 0; where < 4; ++where) {
        cc::record r;
        r.topic = "t";
        r.partition = 0;
        r.kafka_offset = offset;
        auto sv = (*conv)->to_connect(
            "t", fmt::format(R"({{"schema":{},"payload":{}}})", kSchema, kPayloads[0]));
        cc::struct_data s = sv->value.as_struct();
        auto at = [&](const char* name) {
            return static_cast<size_t>(sv->schema->find_field(name)->index);
        };
        if (where == 1) {
            cc::struct_data a = s.values[at("addr")].as_struct();
            a.values[0] = cc::data();  // "city"
            s.values[at("addr")] = cc::data::struct_(std::move(a));
        } else if (where == 2) {
            s.values[at("tags")] = cc::data::list({cc::data("x"), cc::data()});
        } else if (where == 3) {
            s.values[at("attrs")] = cc::data::map({{cc::data(), cc::data(int64_t{1})}});
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
    return save(w->finish(), std::string(argv[1]) + "/typed.parquet") && write_schemaless(argv[1])
               ? 0
               : 1;
}
