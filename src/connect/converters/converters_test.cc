#include <gtest/gtest.h>

#include "connect/converters/converter.h"
#include "connect/converters/encoding.h"
#include "connect/data_json.h"

namespace cs::connect {
namespace {

std::unique_ptr<converter> make(const char* cls, config_map cfg = {}) {
    auto c = make_converter(converter_spec{cls, std::move(cfg)}, false);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.err().message);
    return std::move(c).value();
}

schema_and_value read(converter& c, std::string_view json) {
    auto r = c.to_connect("t", json);
    EXPECT_TRUE(r.ok()) << json << ": " << (r.ok() ? "" : r.err().message);
    return r.ok() ? std::move(r).value() : schema_and_value{};
}

std::string write(converter& c, const schema_ptr& s, const data& v) {
    auto r = c.from_connect("t", s, v);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
    return r.ok() && r->has_value() ? **r : "<null>";
}

TEST(EncodingTest, Base64RoundTrip) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(*base64_decode("Zm9vYmFy"), "foobar");
    EXPECT_EQ(*base64_decode("Zm8="), "fo");
    EXPECT_FALSE(base64_decode("Zm9*").ok());
}

TEST(EncodingTest, DecimalsAsJavaBigInteger) {
    // 1.56 at scale 2 is unscaled 156: Java's toByteArray gives 00 9C.
    EXPECT_EQ(*decimal_from_text("1.56", 2), std::string("\x00\x9c", 2));
    EXPECT_EQ(*decimal_from_text("-1.56", 2), std::string("\xff\x64", 2));
    EXPECT_EQ(*decimal_from_text("1.5", 2), std::string("\x00\x96", 2));
    EXPECT_EQ(*decimal_from_text("1.5e2", 0), std::string("\x00\x96", 2));
    EXPECT_EQ(*decimal_from_text("-128", 0), std::string("\x80", 1));
    EXPECT_EQ(*decimal_from_text("0", 3), std::string(1, '\0'));
    EXPECT_FALSE(decimal_from_text("1.567", 2).ok());
    EXPECT_FALSE(decimal_from_text("abc", 2).ok());
    EXPECT_EQ(decimal_to_text(std::string("\x00\x9c", 2), 2), "1.56");
    EXPECT_EQ(decimal_to_text(std::string("\xff\x64", 2), 2), "-1.56");
    EXPECT_EQ(decimal_to_text(std::string("\x05", 1), 3), "0.005");
    EXPECT_EQ(decimal_to_text(*decimal_from_text("123456789012345678901234567890.12", 2), 2),
              "123456789012345678901234567890.12");
}

TEST(JsonConverterTest, PrimitivesWithSchemas) {
    auto c = make(json_converter_class);
    auto b = read(*c, R"({ "schema": { "type": "boolean" }, "payload": true })");
    ASSERT_TRUE(b.schema);
    EXPECT_EQ(b.schema->type, schema_type::boolean);
    EXPECT_FALSE(b.schema->optional);
    EXPECT_EQ(b.value, data(true));
    EXPECT_EQ(read(*c, R"({"schema":{"type":"int8"},"payload":12})").value, data(12));
    EXPECT_EQ(read(*c, R"({"schema":{"type":"int64"},"payload":4398046511104})").value,
              data(int64_t{4398046511104}));
    EXPECT_EQ(read(*c, R"({"schema":{"type":"float"},"payload":12.34})").value,
              data(static_cast<double>(12.34f)));
    EXPECT_EQ(read(*c, R"({"schema":{"type":"double"},"payload":12.34})").value, data(12.34));
    EXPECT_EQ(read(*c, R"({"schema":{"type":"bytes"},"payload":"dGVzdC1zdHJpbmc="})").value,
              data(bytes_data{"test-string"}));
    EXPECT_EQ(read(*c, R"({"schema":{"type":"string"},"payload":"foo-bar-baz"})").value,
              data("foo-bar-baz"));
    auto n = read(*c, R"({ "schema": null, "payload": null })");
    EXPECT_FALSE(n.schema);
    EXPECT_TRUE(n.value.is_null());
    auto opt = read(*c, R"({"schema":{"type":"string","optional":true},"payload":null})");
    EXPECT_TRUE(opt.schema->optional);
    EXPECT_TRUE(opt.value.is_null());
    auto def = read(*c, R"({"schema":{"type":"int32","default":42},"payload":null})");
    EXPECT_EQ(def.value, data(42));
}

TEST(JsonConverterTest, RequiredNullAndBadTypesAreErrors) {
    auto c = make(json_converter_class);
    auto r = c->to_connect("t", R"({"schema":{"type":"int32"},"payload":null})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().message, "Invalid null value for required int32 field");
    EXPECT_FALSE(c->to_connect("t", R"({"schema":{"type":"int8"},"payload":300})").ok());
    EXPECT_FALSE(c->to_connect("t", R"({"schema":{"type":"string"},"payload":3})").ok());
    EXPECT_FALSE(c->to_connect("t", R"({"schema":{"type":"nope"},"payload":3})").ok());
    EXPECT_FALSE(c->to_connect("t", "{not json").ok());
}

TEST(JsonConverterTest, EnvelopeRequiredWhenSchemasEnabled) {
    auto c = make(json_converter_class);
    auto r = c->to_connect("t", R"({"user_id":"u1"})");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.err().message.find("set schemas.enable=false"), std::string::npos);
    EXPECT_FALSE(c->to_connect("t", R"({"schema":null,"payload":1,"x":2})").ok());
}

TEST(JsonConverterTest, StructArrayMap) {
    auto c = make(json_converter_class);
    auto sv = read(*c, R"({ "schema": { "type": "struct", "fields": [
        { "field": "field1", "type": "boolean" },
        { "field": "field2", "type": "string" },
        { "field": "field3", "type": "string", "optional": true },
        { "field": "tags", "type": "array", "items": { "type": "int32" } },
        { "field": "m1", "type": "map", "keys": { "type": "string" }, "values": { "type": "int32" } },
        { "field": "m2", "type": "map", "keys": { "type": "int32" }, "values": { "type": "int32" } }
        ], "name": "com.example.Rec", "version": 3 },
      "payload": { "field1": true, "field2": "string", "tags": [1, 2],
                   "m1": {"a": 1}, "m2": [[1, 12], [2, 15]] } })");
    ASSERT_TRUE(sv.schema);
    EXPECT_EQ(sv.schema->name, "com.example.Rec");
    EXPECT_EQ(sv.schema->version, 3);
    ASSERT_EQ(sv.schema->fields.size(), 6u);
    EXPECT_EQ(sv.schema->fields[1].index, 1);
    const auto& st = sv.value.as_struct();
    EXPECT_EQ(*st.get("field1"), data(true));
    EXPECT_EQ(*st.get("field2"), data("string"));
    EXPECT_TRUE(st.get("field3")->is_null());
    EXPECT_EQ(*st.get("tags"), data::list({data(1), data(2)}));
    EXPECT_EQ(*st.get("m1"), data::map({{data("a"), data(1)}}));
    EXPECT_EQ(*st.get("m2"), data::map({{data(1), data(12)}, {data(2), data(15)}}));

    // And back: the same envelope (Connect's key order).
    auto again = make(json_converter_class);
    std::string out = write(*again, sv.schema, sv.value);
    auto sv2 = read(*again, out);
    EXPECT_EQ(sv2.value, sv.value);
    EXPECT_NE(out.find(R"({"type":"boolean","optional":false,"field":"field1"})"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(R"("payload":{"field1":true,"field2":"string","field3":null,"tags":[1,2],)"
                       R"("m1":{"a":1},"m2":[[1,12],[2,15]]})"),
              std::string::npos)
        << out;
}

TEST(JsonConverterTest, LogicalTypes) {
    auto c = make(json_converter_class);
    const char* dec_schema =
        R"({"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}})";
    auto d = read(*c, std::string(R"({"schema":)") + dec_schema + R"(,"payload":"AJw="})");
    EXPECT_EQ(d.value, data(bytes_data{std::string("\x00\x9c", 2)}));
    auto dn = read(*c, std::string(R"({"schema":)") + dec_schema + R"(,"payload":1.56})");
    EXPECT_EQ(dn.value, d.value);
    EXPECT_EQ(write(*c, d.schema, d.value),
              std::string(R"({"schema":{"type":"bytes","optional":false,)"
                          R"("name":"org.apache.kafka.connect.data.Decimal","version":1,)"
                          R"("parameters":{"scale":"2"}},"payload":"AJw="})"));
    auto numeric = make(json_converter_class, {{"decimal.format", "NUMERIC"}});
    EXPECT_NE(write(*numeric, d.schema, d.value).find(R"("payload":1.56})"), std::string::npos);
    EXPECT_FALSE(
        make_converter(converter_spec{json_converter_class, {{"decimal.format", "HEX"}}}, false)
            .ok());

    auto date = read(
        *c,
        R"({"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000})");
    EXPECT_EQ(date.schema->name, date_logical);
    EXPECT_EQ(date.value, data(10000));
    auto time = read(
        *c,
        R"({"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000})");
    EXPECT_EQ(time.value, data(14400000));
    auto ts = read(
        *c,
        R"({"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000})");
    EXPECT_EQ(ts.value, data(int64_t{4000000000}));
    EXPECT_FALSE(c->to_connect("t", R"({"schema":{"type":"int32","name":"org.apache.kafka.connect.)"
                                    R"(data.Date"},"payload":"2020-01-01"})")
                     .ok());
}

TEST(JsonConverterTest, Schemaless) {
    auto c = make(json_converter_class, {{"schemas.enable", "false"}});
    auto sv =
        read(*c, R"({"user_id":"u1","n":3,"x":2.5,"ok":true,"tags":["a"],"nested":{"k":null}})");
    EXPECT_FALSE(sv.schema);
    ASSERT_TRUE(sv.value.is_map());
    const auto& m = sv.value.as_map();
    ASSERT_EQ(m.size(), 6u);
    EXPECT_EQ(m[0], std::make_pair(data("user_id"), data("u1")));
    EXPECT_EQ(m[1].second, data(int64_t{3}));
    EXPECT_EQ(m[2].second, data(2.5));
    EXPECT_EQ(m[3].second, data(true));
    EXPECT_EQ(m[4].second, data::list({data("a")}));
    EXPECT_EQ(m[5].second, data::map({{data("k"), data()}}));
    EXPECT_EQ(write(*c, nullptr, sv.value),
              R"({"user_id":"u1","n":3,"x":2.5,"ok":true,"tags":["a"],"nested":{"k":null}})");
    // A tombstone stays a tombstone both ways.
    auto t = c->to_connect("t", std::nullopt);
    ASSERT_TRUE(t.ok());
    EXPECT_TRUE(t->value.is_null());
    auto back = c->from_connect("t", nullptr, data());
    ASSERT_TRUE(back.ok());
    EXPECT_FALSE(back->has_value());
    EXPECT_EQ(write(*c, nullptr, data(1.0)), "1.0");
}

TEST(JsonConverterTest, WritingChecksTypes) {
    auto c = make(json_converter_class);
    auto s = std::make_shared<schema>();
    s->type = schema_type::int32;
    EXPECT_FALSE(c->from_connect("t", s, data("x")).ok());
    EXPECT_FALSE(c->from_connect("t", s, data()).ok());  // required, no default
}

TEST(PlainJsonTest, DoublesKeepTheirFractionAsJacksonWritesThem) {
    std::string out;
    append_plain_json(
        out, data::list({data(1.0), data(1000.0), data(2.5), data(1e22), data(int64_t{3})}));
    EXPECT_EQ(out, "[1.0,1000.0,2.5,1e+22,3]");
}

TEST(StringConverterTest, BothDirections) {
    auto c = make(string_converter_class);
    auto sv = read(*c, "hello");
    ASSERT_TRUE(sv.schema);
    EXPECT_EQ(sv.schema->type, schema_type::string);
    EXPECT_TRUE(sv.schema->optional);
    EXPECT_EQ(sv.value, data("hello"));
    auto n = c->to_connect("t", std::nullopt);
    ASSERT_TRUE(n.ok());
    EXPECT_TRUE(n->value.is_null());
    EXPECT_EQ(write(*c, nullptr, data(int64_t{42})), "42");
    auto st = std::make_shared<schema>();
    st->type = schema_type::struct_;
    auto str = std::make_shared<schema>();
    st->fields = {{"a", 0, str}, {"b", 1, str}};
    EXPECT_EQ(write(*c, st, data::struct_(struct_data{st, {data("x"), data()}})), "Struct{a=x}");
}

TEST(ByteArrayConverterTest, BothDirections) {
    auto c = make(byte_array_converter_class);
    auto sv = read(*c, std::string("\x00\x01", 2));
    EXPECT_EQ(sv.schema->type, schema_type::bytes);
    EXPECT_EQ(sv.value, data(bytes_data{std::string("\x00\x01", 2)}));
    EXPECT_EQ(write(*c, sv.schema, sv.value), std::string("\x00\x01", 2));
    EXPECT_FALSE(c->from_connect("t", nullptr, data("text")).ok());
    auto s = std::make_shared<schema>();
    s->type = schema_type::string;
    EXPECT_FALSE(c->from_connect("t", s, data(bytes_data{"x"})).ok());
}

TEST(ConverterFactoryTest, UnknownClass) {
    auto c = make_converter(converter_spec{"io.confluent.connect.avro.AvroConverter", {}}, false);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.err().code, errc::not_found);
}

}  // namespace
}  // namespace cs::connect
