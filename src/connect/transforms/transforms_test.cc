#include <gtest/gtest.h>

#include "connect/transforms/date_format.h"
#include "connect/transforms/transform_chain.h"

namespace cs::connect {
namespace {

schema_ptr prim(schema_type t, bool optional = false, std::string name = {}) {
    auto s = std::make_shared<schema>();
    s->type = t;
    s->optional = optional;
    s->name = std::move(name);
    return s;
}

schema_ptr struct_schema(std::vector<std::pair<std::string, schema_ptr>> fields,
                         std::string name = {}) {
    auto s = std::make_shared<schema>();
    s->type = schema_type::struct_;
    s->name = std::move(name);
    int32_t i = 0;
    for (auto& [n, fs] : fields) {
        s->fields.push_back(field{n, i++, fs});
    }
    return s;
}

data make_struct(const schema_ptr& s, std::vector<data> values) {
    return data::struct_(struct_data{s, std::move(values)});
}

header header_of(std::string key) {
    return header{std::move(key), std::string("1")};
}

// A user event, schema'd: {user_id, timestamp, page}.
const schema_ptr event_schema = struct_schema({{"user_id", prim(schema_type::string)},
                                               {"timestamp", prim(schema_type::int64)},
                                               {"page", prim(schema_type::string, true)}},
                                              "clickstream.Event");

record schema_record() {
    record r;
    r.topic = "clicks";
    r.partition = 2;
    r.kafka_offset = 41;
    r.timestamp = 1'700'000'000'000;
    r.value_schema = event_schema;
    r.value =
        make_struct(event_schema, {data("u1"), data(int64_t{1'700'000'000'000}), data("/home")});
    return r;
}

record schemaless_record() {
    record r;
    r.topic = "clicks";
    r.partition = 2;
    r.kafka_offset = 41;
    r.timestamp = 1'700'000'000'000;
    r.value = data::map({{data("user_id"), data("u1")},
                         {data("timestamp"), data(int64_t{1'700'000'000'000})},
                         {data("page"), data("/home")}});
    return r;
}

transform_chain chain(config_map c) {
    auto ch = transform_chain::from_config(c);
    EXPECT_TRUE(ch.ok()) << (ch.ok() ? "" : ch.err().message);
    return ch.ok() ? std::move(ch).value() : transform_chain{};
}

std::optional<record> run(const transform_chain& ch, record r) {
    std::optional<transform_failure> failure;
    auto out = ch.apply(std::move(r), failure);
    EXPECT_FALSE(failure.has_value()) << (failure ? failure->err.message : "");
    return out;
}

const data& field_of(const record& r, std::string_view name) {
    static const data missing("<missing>");
    if (r.value.is_struct()) {
        const data* d = r.value.as_struct().get(name);
        return d ? *d : missing;
    }
    for (const auto& [k, v] : r.value.as_map()) {
        if (k.as_string() == name) {
            return v;
        }
    }
    return missing;
}

TEST(TransformChainTest, ConfigErrorsNameTheKey) {
    auto missing = transform_chain::from_config({{"transforms", "a"}});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.err().message.find("transforms.a.type"), std::string::npos);
    auto unknown = transform_chain::from_config(
        {{"transforms", "a"}, {"transforms.a.type", "com.example.Nope"}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.err().message.find("com.example.Nope"), std::string::npos);
    auto no_pred = transform_chain::from_config(
        {{"transforms", "a"},
         {"transforms.a.type", "org.apache.kafka.connect.transforms.Filter"},
         {"transforms.a.predicate", "p"}});
    ASSERT_FALSE(no_pred.ok());
    auto bad_cfg = transform_chain::from_config(
        {{"transforms", "a"},
         {"transforms.a.type", "org.apache.kafka.connect.transforms.ExtractField$Key"}});
    ASSERT_FALSE(bad_cfg.ok());
    EXPECT_NE(bad_cfg.err().message.find("\"field\""), std::string::npos);
}

TEST(InsertFieldTest, SchemaAndSchemaless) {
    auto ch =
        chain({{"transforms", "ins"},
               {"transforms.ins.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
               {"transforms.ins.topic.field", "src_topic!"},
               {"transforms.ins.partition.field", "src_partition"},
               {"transforms.ins.offset.field", "src_offset"},
               {"transforms.ins.timestamp.field", "ts"},
               {"transforms.ins.static.field", "origin"},
               {"transforms.ins.static.value", "web"}});
    auto out = run(ch, schema_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value_schema->fields.size(), 8u);
    EXPECT_EQ(out->value_schema->name, "clickstream.Event");
    EXPECT_FALSE(out->value_schema->find_field("src_topic")->schema->optional);
    EXPECT_EQ(out->value_schema->find_field("ts")->schema->name, timestamp_logical);
    EXPECT_EQ(field_of(*out, "src_topic"), data("clicks"));
    EXPECT_EQ(field_of(*out, "src_partition"), data(2));
    EXPECT_EQ(field_of(*out, "src_offset"), data(int64_t{41}));
    EXPECT_EQ(field_of(*out, "origin"), data("web"));

    auto out2 = run(ch, schemaless_record());
    ASSERT_TRUE(out2);
    EXPECT_FALSE(out2->value_schema);
    EXPECT_EQ(field_of(*out2, "src_topic"), data("clicks"));
    EXPECT_EQ(field_of(*out2, "ts"), data(int64_t{1'700'000'000'000}));

    record tomb = schemaless_record();
    tomb.value = data();
    auto out3 = run(ch, tomb);
    ASSERT_TRUE(out3);
    EXPECT_TRUE(out3->value.is_null());

    record bad = schemaless_record();
    bad.value = data("a string");
    std::optional<transform_failure> failure;
    EXPECT_FALSE(ch.apply(bad, failure));
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->class_name, "org.apache.kafka.connect.transforms.InsertField$Value");
    EXPECT_NE(failure->err.message.find("Only Map objects supported"), std::string::npos);
}

TEST(ReplaceFieldTest, IncludeExcludeRenamesAndLegacyNames) {
    auto ch =
        chain({{"transforms", "r"},
               {"transforms.r.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
               {"transforms.r.exclude", "page"},
               {"transforms.r.renames", "user_id:uid, timestamp:ts"}});
    for (record in : {schema_record(), schemaless_record()}) {
        auto out = run(ch, in);
        ASSERT_TRUE(out);
        EXPECT_EQ(field_of(*out, "uid"), data("u1"));
        EXPECT_EQ(field_of(*out, "ts"), data(int64_t{1'700'000'000'000}));
        EXPECT_EQ(field_of(*out, "page"), data("<missing>"));
    }
    auto legacy =
        chain({{"transforms", "r"},
               {"transforms.r.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
               {"transforms.r.whitelist", "page"}});
    auto out = run(legacy, schema_record());
    ASSERT_TRUE(out);
    ASSERT_EQ(out->value_schema->fields.size(), 1u);
    EXPECT_EQ(out->value_schema->fields[0].name, "page");
    EXPECT_FALSE(
        transform_chain::from_config(
            {{"transforms", "r"},
             {"transforms.r.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
             {"transforms.r.renames", "a:b:c"}})
            .ok());
}

TEST(ValueToKeyTest, ThenExtractFieldKey) {
    // The seed's JDBC config needs a Struct key with user_id and timestamp.
    auto ch = chain({{"transforms", "vk"},
                     {"transforms.vk.type", "org.apache.kafka.connect.transforms.ValueToKey"},
                     {"transforms.vk.fields", "user_id,timestamp"}});
    auto out = run(ch, schema_record());
    ASSERT_TRUE(out);
    ASSERT_TRUE(out->key_schema);
    EXPECT_EQ(out->key_schema->type, schema_type::struct_);
    ASSERT_EQ(out->key_schema->fields.size(), 2u);
    EXPECT_EQ(*out->key.as_struct().get("user_id"), data("u1"));
    EXPECT_EQ(*out->key.as_struct().get("timestamp"), data(int64_t{1'700'000'000'000}));

    auto out2 = run(ch, schemaless_record());
    ASSERT_TRUE(out2);
    EXPECT_EQ(out2->key, data::map({{data("user_id"), data("u1")},
                                    {data("timestamp"), data(int64_t{1'700'000'000'000})}}));

    auto both =
        chain({{"transforms", "vk,ek"},
               {"transforms.vk.type", "org.apache.kafka.connect.transforms.ValueToKey"},
               {"transforms.vk.fields", "user_id"},
               {"transforms.ek.type", "org.apache.kafka.connect.transforms.ExtractField$Key"},
               {"transforms.ek.field", "user_id"}});
    auto out3 = run(both, schema_record());
    ASSERT_TRUE(out3);
    EXPECT_EQ(out3->key, data("u1"));
    EXPECT_EQ(out3->key_schema->type, schema_type::string);
    auto out4 = run(both, schemaless_record());
    ASSERT_TRUE(out4);
    EXPECT_EQ(out4->key, data("u1"));
    EXPECT_FALSE(out4->key_schema);

    auto missing = chain({{"transforms", "vk"},
                          {"transforms.vk.type", "org.apache.kafka.connect.transforms.ValueToKey"},
                          {"transforms.vk.fields", "nope"}});
    std::optional<transform_failure> failure;
    EXPECT_FALSE(missing.apply(schema_record(), failure));
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->err.message, "Field does not exist: nope");
}

TEST(ExtractFieldTest, ValueSide) {
    auto ch =
        chain({{"transforms", "e"},
               {"transforms.e.type", "org.apache.kafka.connect.transforms.ExtractField$Value"},
               {"transforms.e.field", "page"}});
    auto out = run(ch, schema_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value, data("/home"));
    EXPECT_TRUE(out->value_schema->optional);
    auto out2 = run(ch, schemaless_record());
    EXPECT_EQ(out2->value, data("/home"));
    auto unknown =
        chain({{"transforms", "e"},
               {"transforms.e.type", "org.apache.kafka.connect.transforms.ExtractField$Value"},
               {"transforms.e.field", "nope"}});
    std::optional<transform_failure> failure;
    EXPECT_FALSE(unknown.apply(schema_record(), failure));
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->err.message, "Unknown field: nope");
}

TEST(CastTest, FieldsAndWholeValue) {
    auto ch = chain({{"transforms", "c"},
                     {"transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Value"},
                     {"transforms.c.spec", "timestamp:string,user_id:string"}});
    auto out = run(ch, schema_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(field_of(*out, "timestamp"), data("1700000000000"));
    EXPECT_EQ(out->value_schema->find_field("timestamp")->schema->type, schema_type::string);
    auto out2 = run(ch, schemaless_record());
    EXPECT_EQ(field_of(*out2, "timestamp"), data("1700000000000"));

    auto narrow = chain({{"transforms", "c"},
                         {"transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Value"},
                         {"transforms.c.spec", "a:int8,b:float64,c:boolean,d:int32,e:boolean"}});
    record r;
    r.topic = "t";
    r.value = data::map({{data("a"), data(int64_t{300})},
                         {data("b"), data("2.5")},
                         {data("c"), data(int64_t{0})},
                         {data("d"), data(3.9)},
                         {data("e"), data("TRUE")}});
    auto o = run(narrow, r);
    ASSERT_TRUE(o);
    EXPECT_EQ(field_of(*o, "a"), data(int64_t{44}));  // Java's (byte) 300
    EXPECT_EQ(field_of(*o, "b"), data(2.5));
    EXPECT_EQ(field_of(*o, "c"), data(false));
    EXPECT_EQ(field_of(*o, "d"), data(int64_t{3}));
    EXPECT_EQ(field_of(*o, "e"), data(true));

    auto whole = chain({{"transforms", "c"},
                        {"transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Key"},
                        {"transforms.c.spec", "int64"}});
    record k;
    k.key_schema = prim(schema_type::string);
    k.key = data("123");
    auto ok = run(whole, k);
    EXPECT_EQ(ok->key, data(int64_t{123}));
    EXPECT_EQ(ok->key_schema->type, schema_type::int64);
    k.key = data("12x");
    std::optional<transform_failure> failure;
    EXPECT_FALSE(whole.apply(k, failure));
    EXPECT_TRUE(failure);
    EXPECT_FALSE(transform_chain::from_config(
                     {{"transforms", "c"},
                      {"transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Value"},
                      {"transforms.c.spec", "a:decimal"}})
                     .ok());
}

TEST(DateFormatTest, FormatAndParse) {
    auto f = smt::date_format::compile("yyyy-MM-dd'T'HH:mm:ss.SSSX");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->format(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(*f->parse("2023-11-14T22:13:20.123Z"), 1'700'000'000'123);
    EXPECT_EQ(*f->parse("2023-11-14T23:13:20.123+01:00"), 1'700'000'000'123);
    EXPECT_FALSE(f->parse("2023-11-14 22:13:20").ok());
    auto compact = smt::date_format::compile("yyyyMMddHHmmss");
    EXPECT_EQ(*compact->parse("20231114221320"), 1'700'000'000'000);
    EXPECT_EQ(compact->format(-1), "19691231235959");
    auto names = smt::date_format::compile("EEE, dd MMM yyyy hh:mm a");
    EXPECT_EQ(names->format(1'700'000'000'000), "Tue, 14 Nov 2023 10:13 PM");
    EXPECT_FALSE(smt::date_format::compile("yyyy-QQ").ok());
}

TEST(TimestampConverterTest, UnixStringAndLogical) {
    auto to_string = chain(
        {{"transforms", "ts"},
         {"transforms.ts.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"},
         {"transforms.ts.field", "timestamp"},
         {"transforms.ts.target.type", "string"},
         {"transforms.ts.format", "yyyy-MM-dd HH:mm:ss"}});
    auto out = run(to_string, schema_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(field_of(*out, "timestamp"), data("2023-11-14 22:13:20"));
    EXPECT_EQ(out->value_schema->find_field("timestamp")->schema->type, schema_type::string);
    EXPECT_EQ(field_of(*run(to_string, schemaless_record()), "timestamp"),
              data("2023-11-14 22:13:20"));

    auto to_ts = chain(
        {{"transforms", "ts"},
         {"transforms.ts.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"},
         {"transforms.ts.field", "timestamp"},
         {"transforms.ts.target.type", "Timestamp"}});
    auto o2 = run(to_ts, schema_record());
    EXPECT_EQ(o2->value_schema->find_field("timestamp")->schema->name, timestamp_logical);
    EXPECT_EQ(field_of(*o2, "timestamp"), data(int64_t{1'700'000'000'000}));

    auto to_date = chain(
        {{"transforms", "ts"},
         {"transforms.ts.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"},
         {"transforms.ts.field", "timestamp"},
         {"transforms.ts.target.type", "Date"}});
    EXPECT_EQ(field_of(*run(to_date, schema_record()), "timestamp"), data(int64_t{19675}));

    auto seconds = chain(
        {{"transforms", "ts"},
         {"transforms.ts.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"},
         {"transforms.ts.field", "timestamp"},
         {"transforms.ts.target.type", "unix"},
         {"transforms.ts.unix.precision", "seconds"},
         {"transforms.ts.format", "yyyy-MM-dd HH:mm:ss"}});
    // unix.precision applies to Unix input as well as output (as Connect's
    // UNIX translator does both ways): Unix -> Unix is the identity.
    EXPECT_EQ(field_of(*run(seconds, schemaless_record()), "timestamp"),
              data(int64_t{1'700'000'000'000}));
    auto as_string = run(to_string, schemaless_record());
    ASSERT_TRUE(as_string);
    EXPECT_EQ(field_of(*run(seconds, *as_string), "timestamp"), data(int64_t{1'700'000'000}));

    // A string parsed back, whole value.
    auto parse = chain(
        {{"transforms", "ts"},
         {"transforms.ts.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"},
         {"transforms.ts.target.type", "unix"},
         {"transforms.ts.format", "yyyy-MM-dd"}});
    record s;
    s.value_schema = prim(schema_type::string);
    s.value = data("2023-11-14");
    auto o3 = run(parse, s);
    EXPECT_EQ(o3->value, data(int64_t{1'699'920'000'000}));
    EXPECT_FALSE(
        transform_chain::from_config(
            {{"transforms", "ts"},
             {"transforms.ts.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"},
             {"transforms.ts.target.type", "string"}})
            .ok());
}

TEST(RegexRouterTest, WholeTopicMatch) {
    auto ch = chain({{"transforms", "route"},
                     {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
                     {"transforms.route.regex", "(.*)clicks"},
                     {"transforms.route.replacement", "$1events"}});
    record r = schema_record();
    r.topic = "web-clicks";
    EXPECT_EQ(run(ch, r)->topic, "web-events");
    r.topic = "clicks-archive";  // no whole match: unchanged
    EXPECT_EQ(run(ch, r)->topic, "clicks-archive");
}

TEST(FilterTest, PredicatesAndNegate) {
    config_map base = {
        {"transforms", "drop"},
        {"transforms.drop.type", "org.apache.kafka.connect.transforms.Filter"},
        {"transforms.drop.predicate", "isTest"},
        {"predicates", "isTest"},
        {"predicates.isTest.type",
         "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
        {"predicates.isTest.pattern", "test-.*"},
    };
    auto ch = chain(base);
    record r = schema_record();
    r.topic = "test-clicks";
    EXPECT_FALSE(run(ch, r));
    r.topic = "clicks";
    EXPECT_TRUE(run(ch, r));

    base["transforms.drop.negate"] = "true";
    auto negated = chain(base);
    EXPECT_FALSE(run(negated, r));
    r.topic = "test-clicks";
    EXPECT_TRUE(run(negated, r));

    auto header =
        chain({{"transforms", "drop"},
               {"transforms.drop.type", "org.apache.kafka.connect.transforms.Filter"},
               {"transforms.drop.predicate", "h"},
               {"predicates", "h"},
               {"predicates.h.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey"},
               {"predicates.h.name", "bot"}});
    record hr = schemaless_record();
    EXPECT_TRUE(run(header, hr));
    hr.headers.push_back(header_of("bot"));
    EXPECT_FALSE(run(header, hr));

    auto tomb = chain({{"transforms", "drop"},
                       {"transforms.drop.type", "org.apache.kafka.connect.transforms.Filter"},
                       {"transforms.drop.predicate", "t"},
                       {"predicates", "t"},
                       {"predicates.t.type",
                        "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"}});
    record tr = schemaless_record();
    EXPECT_TRUE(run(tomb, tr));
    tr.value = data();
    EXPECT_FALSE(run(tomb, tr));
}

// A Debezium change event for table inventory.customers.
struct debezium_fixture {
    schema_ptr row = struct_schema(
        {{"id", prim(schema_type::int32)}, {"email", prim(schema_type::string, true)}},
        "dbserver1.inventory.customers.Value");
    schema_ptr optional_row = [this] {
        auto s = std::make_shared<schema>(*row);
        s->optional = true;
        return schema_ptr(s);
    }();
    schema_ptr source =
        struct_schema({{"table", prim(schema_type::string)}, {"ts_ms", prim(schema_type::int64)}},
                      "io.debezium.connector.postgresql.Source");
    schema_ptr envelope = struct_schema({{"before", optional_row},
                                         {"after", optional_row},
                                         {"source", source},
                                         {"op", prim(schema_type::string)},
                                         {"ts_ms", prim(schema_type::int64, true)}},
                                        "dbserver1.inventory.customers.Envelope");

    record event(const char* op, std::optional<int> before_id, std::optional<int> after_id) const {
        auto row_of = [&](std::optional<int> id) {
            return id ? make_struct(optional_row, {data(*id), data("a@example.com")}) : data();
        };
        record r;
        r.topic = "dbserver1.inventory.customers";
        r.key = data(1);
        r.key_schema = prim(schema_type::int32);
        r.value_schema = envelope;
        r.value = make_struct(
            envelope, {row_of(before_id), row_of(after_id),
                       make_struct(source, {data("customers"), data(int64_t{1559033904863})}),
                       data(op), data(int64_t{1559033904900})});
        return r;
    }
};

TEST(ExtractNewRecordStateTest, FlattensEnvelopes) {
    debezium_fixture f;
    auto ch = chain({{"transforms", "unwrap"},
                     {"transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState"}});
    auto out = run(ch, f.event("c", std::nullopt, 1));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value_schema->name, "dbserver1.inventory.customers.Value");
    EXPECT_EQ(field_of(*out, "id"), data(1));
    EXPECT_EQ(out->key, data(1));  // the key is never touched

    // Delete: a null value with the row schema (a JDBC delete.enabled delete).
    auto del = run(ch, f.event("d", 1, std::nullopt));
    ASSERT_TRUE(del);
    EXPECT_TRUE(del->value.is_null());
    EXPECT_EQ(del->value_schema, f.optional_row);

    // Tombstones are dropped by default.
    record tomb = f.event("d", 1, std::nullopt);
    tomb.value = data();
    tomb.value_schema = nullptr;
    EXPECT_FALSE(run(ch, tomb));

    // A non-Debezium record passes through unchanged.
    record plain = schema_record();
    auto same = run(ch, plain);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->value, plain.value);
    EXPECT_EQ(same->value_schema, plain.value_schema);
    auto same2 = run(ch, schemaless_record());
    EXPECT_EQ(same2->value, schemaless_record().value);
}

TEST(ExtractNewRecordStateTest, RewriteAddFieldsAndLegacySettings) {
    debezium_fixture f;
    auto ch = chain({{"transforms", "unwrap"},
                     {"transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState"},
                     {"transforms.unwrap.delete.tombstone.handling.mode", "rewrite"},
                     {"transforms.unwrap.add.fields", "op,table,source.ts_ms"},
                     {"transforms.unwrap.add.headers", "op"}});
    auto del = run(ch, f.event("d", 1, std::nullopt));
    ASSERT_TRUE(del);
    EXPECT_EQ(field_of(*del, "id"), data(1));
    EXPECT_EQ(field_of(*del, "__op"), data("d"));
    EXPECT_EQ(field_of(*del, "__table"), data("customers"));
    EXPECT_EQ(field_of(*del, "__source_ts_ms"), data(int64_t{1559033904863}));
    EXPECT_EQ(field_of(*del, "__deleted"), data("true"));
    EXPECT_TRUE(del->value_schema->find_field("__source_ts_ms")->schema->optional);
    ASSERT_EQ(del->headers.size(), 1u);
    EXPECT_EQ(del->headers[0].key, "__op");
    EXPECT_EQ(del->headers[0].value, std::optional<std::string>("d"));
    auto upd = run(ch, f.event("u", 1, 1));
    EXPECT_EQ(field_of(*upd, "__deleted"), data("false"));

    auto legacy = chain({{"transforms", "unwrap"},
                         {"transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState"},
                         {"transforms.unwrap.drop.tombstones", "false"},
                         {"transforms.unwrap.delete.handling.mode", "drop"}});
    EXPECT_FALSE(run(legacy, f.event("d", 1, std::nullopt)));
    record tomb = f.event("d", 1, std::nullopt);
    tomb.value = data();
    EXPECT_TRUE(run(legacy, tomb));
    EXPECT_FALSE(run(legacy, f.event("t", std::nullopt, std::nullopt)));  // truncate
}

TEST(ExtractNewRecordStateTest, SchemalessEnvelope) {
    auto ch = chain({{"transforms", "unwrap"},
                     {"transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState"}});
    record r;
    r.topic = "dbserver1.inventory.customers";
    r.value = data::map({{data("before"), data()},
                         {data("after"), data::map({{data("id"), data(int64_t{7})}})},
                         {data("op"), data("c")}});
    auto out = run(ch, r);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value, data::map({{data("id"), data(int64_t{7})}}));
}

}  // namespace
}  // namespace cs::connect

namespace cs::connect {
namespace {

std::string failure_of(const transform_chain& ch, record r) {
    std::optional<transform_failure> failure;
    EXPECT_FALSE(ch.apply(std::move(r), failure));
    return failure ? failure->err.message : "<no failure>";
}

std::string config_error_of(config_map c) {
    auto ch = transform_chain::from_config(c);
    return ch.ok() ? "<ok>" : ch.err().message;
}

TEST(ValueToKeyTest, FieldsAreRequired) {
    EXPECT_NE(
        config_error_of({{"transforms", "vk"},
                         {"transforms.vk.type", "org.apache.kafka.connect.transforms.ValueToKey"}})
            .find("Missing required configuration \"fields\" which has no default value."),
        std::string::npos);
}

TEST(TimestampRouterTest, DefaultsAndCustomFormats) {
    // 1'700'000'000'000 is 2023-11-14T22:13:20Z.
    auto ch = chain({{"transforms", "r"},
                     {"transforms.r.type", "org.apache.kafka.connect.transforms.TimestampRouter"}});
    auto out = run(ch, schema_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(out->topic, "clicks-20231114");
    auto custom =
        chain({{"transforms", "r"},
               {"transforms.r.type", "org.apache.kafka.connect.transforms.TimestampRouter"},
               {"transforms.r.topic.format", "${topic}_${timestamp}_${topic}"},
               {"transforms.r.timestamp.format", "yyyy-MM-dd'T'HH"}});
    out = run(custom, schemaless_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(out->topic, "clicks_2023-11-14T22_clicks");
    record no_ts = schema_record();
    no_ts.timestamp.reset();
    EXPECT_NE(failure_of(ch, no_ts).find("Timestamp missing on record"), std::string::npos);
}

TEST(HoistFieldTest, WrapsValueAndKey) {
    // Kafka's example: 42 with field=line becomes {"line": 42}.
    auto ch = chain({{"transforms", "h"},
                     {"transforms.h.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
                     {"transforms.h.field", "line"}});
    record r = schemaless_record();
    r.value = data(int64_t{42});
    auto out = run(ch, r);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value, data::map({{data("line"), data(int64_t{42})}}));
    r.value_schema = prim(schema_type::int32);
    out = run(ch, r);
    ASSERT_TRUE(out);
    ASSERT_TRUE(out->value_schema);
    EXPECT_EQ(out->value_schema->type, schema_type::struct_);
    ASSERT_EQ(out->value_schema->fields.size(), 1u);
    EXPECT_EQ(out->value_schema->fields[0].name, "line");
    EXPECT_EQ(out->value_schema->fields[0].schema->type, schema_type::int32);
    EXPECT_EQ(field_of(*out, "line"), data(int64_t{42}));
    auto key = chain({{"transforms", "h"},
                      {"transforms.h.type", "org.apache.kafka.connect.transforms.HoistField$Key"},
                      {"transforms.h.field", "id"}});
    r = schemaless_record();
    r.key = data("k1");
    out = run(key, r);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->key, data::map({{data("id"), data("k1")}}));
    EXPECT_NE(config_error_of(
                  {{"transforms", "h"},
                   {"transforms.h.type", "org.apache.kafka.connect.transforms.HoistField$Value"}})
                  .find("\"field\""),
              std::string::npos);
}

TEST(MaskFieldTest, ZeroValuesAndReplacement) {
    auto ch = chain({{"transforms", "m"},
                     {"transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
                     {"transforms.m.fields", "timestamp,page"}});
    auto out = run(ch, schema_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(field_of(*out, "user_id"), data("u1"));
    EXPECT_EQ(field_of(*out, "timestamp"), data(int64_t{0}));
    EXPECT_EQ(field_of(*out, "page"), data(""));
    EXPECT_EQ(out->value_schema, event_schema);
    out = run(ch, schemaless_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(field_of(*out, "timestamp"), data(int64_t{0}));
    EXPECT_EQ(field_of(*out, "page"), data(""));

    auto replaced =
        chain({{"transforms", "m"},
               {"transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
               {"transforms.m.fields", "page,timestamp"},
               {"transforms.m.replacement", "123"}});
    out = run(replaced, schemaless_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(field_of(*out, "page"), data("123"));
    EXPECT_EQ(field_of(*out, "timestamp"), data(int64_t{123}));
    auto not_a_number =
        chain({{"transforms", "m"},
               {"transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
               {"transforms.m.fields", "timestamp"},
               {"transforms.m.replacement", "***"}});
    EXPECT_EQ(failure_of(not_a_number, schema_record()),
              "Unable to convert *** (class java.lang.String) to number");
    EXPECT_NE(config_error_of(
                  {{"transforms", "m"},
                   {"transforms.m.type", "org.apache.kafka.connect.transforms.MaskField$Value"}})
                  .find("\"fields\""),
              std::string::npos);
}

TEST(FlattenTest, SchemalessAndStruct) {
    // Kafka's example: {"content": {"id": 42, "name": {"first": "David", "middle": null}}}.
    auto ch = chain({{"transforms", "f"},
                     {"transforms.f.type", "org.apache.kafka.connect.transforms.Flatten$Value"}});
    record r = schemaless_record();
    r.value = data::map(
        {{data("content"), data::map({{data("id"), data(int64_t{42})},
                                      {data("name"), data::map({{data("first"), data("David")},
                                                                {data("middle"), data()}})}})},
         {data("tags"), data::list({data("a")})}});
    auto out = run(ch, r);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value, data::map({{data("content.id"), data(int64_t{42})},
                                     {data("content.name.first"), data("David")},
                                     {data("content.name.middle"), data()},
                                     {data("tags"), data::list({data("a")})}}));

    auto name_schema = struct_schema(
        {{"first", prim(schema_type::string)}, {"middle", prim(schema_type::string, true)}});
    auto optional_name = std::make_shared<schema>(*name_schema);
    optional_name->optional = true;
    auto outer =
        struct_schema({{"id", prim(schema_type::int64)}, {"name", optional_name}}, "Person");
    r.value_schema = outer;
    r.value = make_struct(outer, {data(int64_t{42}), make_struct(name_schema, {"David", data()})});
    auto under = chain({{"transforms", "f"},
                        {"transforms.f.type", "org.apache.kafka.connect.transforms.Flatten$Value"},
                        {"transforms.f.delimiter", "_"}});
    out = run(under, r);
    ASSERT_TRUE(out);
    const auto& fs = out->value_schema->fields;
    ASSERT_EQ(fs.size(), 3u);
    EXPECT_EQ(fs[0].name, "id");
    EXPECT_EQ(fs[1].name, "name_first");
    EXPECT_TRUE(fs[1].schema->optional);  // its parent struct is optional
    EXPECT_EQ(fs[2].name, "name_middle");
    EXPECT_EQ(out->value_schema->name, "Person");
    EXPECT_EQ(field_of(*out, "id"), data(int64_t{42}));
    EXPECT_EQ(field_of(*out, "name_first"), data("David"));
    EXPECT_EQ(field_of(*out, "name_middle"), data());
}

TEST(HeaderTransformsTest, InsertDropAndHeaderFrom) {
    auto ins = chain({{"transforms", "i"},
                      {"transforms.i.type", "org.apache.kafka.connect.transforms.InsertHeader"},
                      {"transforms.i.header", "app"},
                      {"transforms.i.value.literal", "clickstream"}});
    auto out = run(ins, schema_record());
    ASSERT_TRUE(out);
    ASSERT_EQ(out->headers.size(), 1u);
    EXPECT_EQ(out->headers[0].key, "app");
    EXPECT_EQ(out->headers[0].value, std::optional<std::string>("clickstream"));

    auto drop = chain({{"transforms", "d"},
                       {"transforms.d.type", "org.apache.kafka.connect.transforms.DropHeaders"},
                       {"transforms.d.headers", "a, c"}});
    record r = schema_record();
    r.headers = {header_of("a"), header_of("b"), header_of("a"), header_of("c")};
    out = run(drop, r);
    ASSERT_TRUE(out);
    ASSERT_EQ(out->headers.size(), 1u);
    EXPECT_EQ(out->headers[0].key, "b");

    auto move =
        chain({{"transforms", "h"},
               {"transforms.h.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value"},
               {"transforms.h.fields", "user_id,timestamp"},
               {"transforms.h.headers", "uid,ts"},
               {"transforms.h.operation", "move"}});
    out = run(move, schema_record());
    ASSERT_TRUE(out);
    ASSERT_EQ(out->headers.size(), 2u);
    EXPECT_EQ(out->headers[0].key, "uid");
    EXPECT_EQ(out->headers[0].value, std::optional<std::string>("u1"));
    EXPECT_EQ(out->headers[1].value, std::optional<std::string>("1700000000000"));
    ASSERT_EQ(out->value_schema->fields.size(), 1u);
    EXPECT_EQ(out->value_schema->fields[0].name, "page");
    EXPECT_EQ(field_of(*out, "page"), data("/home"));
    out = run(move, schemaless_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(out->value, data::map({{data("page"), data("/home")}}));

    auto copy =
        chain({{"transforms", "h"},
               {"transforms.h.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value"},
               {"transforms.h.fields", "page"},
               {"transforms.h.headers", "p"},
               {"transforms.h.operation", "copy"}});
    out = run(copy, schema_record());
    ASSERT_TRUE(out);
    EXPECT_EQ(out->headers.at(0).value, std::optional<std::string>("/home"));
    EXPECT_EQ(field_of(*out, "page"), data("/home"));

    EXPECT_NE(config_error_of(
                  {{"transforms", "h"},
                   {"transforms.h.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value"},
                   {"transforms.h.fields", "a,b"},
                   {"transforms.h.headers", "a"},
                   {"transforms.h.operation", "copy"}})
                  .find("same number of elements"),
              std::string::npos);
    EXPECT_NE(
        config_error_of({{"transforms", "d"},
                         {"transforms.d.type", "org.apache.kafka.connect.transforms.DropHeaders"}})
            .find("\"headers\""),
        std::string::npos);
}

}  // namespace
}  // namespace cs::connect
