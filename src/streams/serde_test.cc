#include "streams/serde.h"

#include <gtest/gtest.h>

#include "streams/serde_text.h"
#include "streams/test_columns.h"

namespace cs::streams {
namespace {

using testing::col;

source_def clicks_def() {
    source_def d;
    d.name = "SOURCE_JSON";
    d.topic = "events";
    d.columns = {col("EVENT_TYPE", sql_type::string()), col("USER_ID", sql_type::string()),
                 col("N", sql_type::integer()), col("SCORE", sql_type::double_())};
    return d;
}

struct decoded {
    row r;
    int64_t rowtime = -1;
};

result<decoded> decode(const source_def& def, std::optional<std::string_view> value,
                       std::optional<std::string_view> key = std::nullopt,
                       std::span<const client::header_view> headers = {},
                       timestamp_parser parse = {}) {
    auto d = row_decoder::create(def, std::move(parse));
    if (!d) {
        return d.take_error();
    }
    decoded out;
    auto ok = (*d)->decode(
        record_view{.key = key, .value = value, .headers = headers, .timestamp_ms = 42}, out.r,
        out.rowtime);
    if (!ok) {
        return ok.take_error();
    }
    return out;
}

TEST(SerdeJson, ExactMatchThenCaseInsensitiveMissingIsNull) {
    auto out = decode(clicks_def(), R"({"Event_Type":"click","event_type":"x","EVENT_TYPE":"exact",
        "user_id":"u1","Score":1.5})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value("exact"));  // the exact name wins wherever it is
    EXPECT_EQ(out->r[1], value("u1"));
    EXPECT_TRUE(out->r[2].is_null());
    EXPECT_EQ(out->r[3], value(1.5));
    EXPECT_EQ(out->rowtime, 42);
}

TEST(SerdeJson, NotNullColumnWithoutValueIsADecodeError) {
    auto def = clicks_def();
    def.columns[1].not_null = true;  // USER_ID VARCHAR NOT NULL
    auto ok = decode(def, R"({"user_id":"u1"})");
    ASSERT_TRUE(ok.ok()) << ok.err().message;
    for (const char* bad : {R"({"event_type":"click"})", R"({"user_id":null})"}) {
        auto out = decode(def, bad);
        ASSERT_FALSE(out.ok()) << bad;
        EXPECT_NE(out.err().message.find("USER_ID is NOT NULL"), std::string::npos)
            << out.err().message;
    }
}

TEST(SerdeJson, LastCaseInsensitiveMatchWins) {
    auto out = decode(clicks_def(), R"({"event_type":"first","Event_Type":"second"})");
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->r[0], value("second"));
}

// One decoder over many records replays the last record's field match
// when the keys repeat: every record must decode exactly as a fresh
// decoder decodes it, whatever the sequence of key sets.
TEST(SerdeJson, RepeatedKeySetsDecodeAsAFreshDecoderDoes) {
    const std::vector<std::string> records = {
        R"({"event_type":"a","user_id":"u1","n":1,"score":0.5})",
        R"({"event_type":"b","user_id":"u2","n":2,"score":1.5})",  // same keys: replayed
        R"({"user_id":"u3","event_type":"c"})",                    // fewer, other order
        R"({"user_id":"u4","event_type":"d","extra":true})",       // one more key
        R"({"user_id":"u4","event_type":"d"})",                    // a prefix of the last
        R"({"Event_Type":"e","event_type":"f","EVENT_TYPE":"exact"})",
        R"({"Event_Type":"e2","event_type":"f2","EVENT_TYPE":"exact2"})",
        R"({"event_type":"first","Event_Type":"second"})",
        R"({"event_type":"first2","Event_Type":"second2"})",
        R"({"EVENT_TYPE":"x","USER_ID":"u5","N":5,"SCORE":2.5})",
        R"({})",
        R"({"event_type":"g","user_id":"u6","n":6,"score":3.5})",
    };
    auto shared = row_decoder::create(clicks_def());
    ASSERT_TRUE(shared.ok());
    row r;
    for (int round = 0; round < 2; ++round) {
        for (const auto& rec : records) {
            int64_t rowtime = 0;
            auto ok = (*shared)->decode(record_view{.value = rec, .timestamp_ms = 42}, r, rowtime);
            ASSERT_TRUE(ok.ok()) << rec;
            auto fresh = decode(clicks_def(), rec);
            ASSERT_TRUE(fresh.ok()) << rec;
            ASSERT_EQ(r.size(), fresh->r.size());
            for (size_t c = 0; c < r.size(); ++c) {
                EXPECT_EQ(r[c], fresh->r[c]) << rec << ", column " << c;
            }
        }
    }
}

// The decoder copies each record into one buffer that only grows, and the
// padding after a short record still holds the end of a longer one before
// it: a record must parse as its own bytes, never completed by those.
TEST(SerdeJson, ARecordIsNotCompletedByTheBytesOfALongerOneBefore) {
    auto d = row_decoder::create(clicks_def());
    ASSERT_TRUE(d.ok());
    row r;
    int64_t rowtime = 0;
    const std::string longer = R"({"event_type":"abcdefghijklmnopqrstuvwxyz","n":1})";
    ASSERT_TRUE((*d)->decode(record_view{.value = longer, .timestamp_ms = 1}, r, rowtime).ok());
    // The first bytes of `longer`, cut inside the string.
    const std::string cut = longer.substr(0, 20);
    auto bad = (*d)->decode(record_view{.value = cut, .timestamp_ms = 1}, r, rowtime);
    EXPECT_FALSE(bad.ok());
    const std::string shorter = R"({"event_type":"x"})";
    ASSERT_TRUE((*d)->decode(record_view{.value = shorter, .timestamp_ms = 1}, r, rowtime).ok());
    EXPECT_EQ(r[0], value("x"));
    EXPECT_FALSE((*d)->decode(record_view{.value = "", .timestamp_ms = 1}, r, rowtime).ok());
}

TEST(SerdeJson, AFractionForAnIntegerColumnIsTruncatedAsJacksonDoes) {
    auto out = decode(clicks_def(), R"({"N":5.7})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[2], value(int32_t{5}));
    out = decode(clicks_def(), R"({"N":-1.9})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[2], value(int32_t{-1}));
}

TEST(SerdeJson, CoercionsAsKsqlDb) {
    auto out = decode(clicks_def(), R"({"EVENT_TYPE":12,"USER_ID":{"a":[1,true]},"N":"7",
        "SCORE":"2.5"})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value("12"));
    EXPECT_EQ(out->r[1], value(R"({"a":[1,true]})"));
    EXPECT_EQ(out->r[2], value(int32_t{7}));
    EXPECT_EQ(out->r[3], value(2.5));
}

TEST(SerdeJson, ValueThatDoesNotFitIsAnErrorNamingTheColumn) {
    auto out = decode(clicks_def(), R"({"N":"seven"})");
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.err().message, R"(column N: expected INTEGER, got "seven")");
    out = decode(clicks_def(), R"({"N":3000000000})");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.err().message.find("column N"), std::string::npos);
    out = decode(clicks_def(), R"({"N":1e10})");
    ASSERT_FALSE(out.ok());
    out = decode(clicks_def(), R"({"N":"1.5"})");
    ASSERT_FALSE(out.ok());
    out = decode(clicks_def(), R"({"N":)");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.err().message.find("not valid JSON"), std::string::npos);
    out = decode(clicks_def(), R"([1,2])");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.err().message.find("expected a JSON object"), std::string::npos);
}

TEST(SerdeJson, NumbersBeyond64BitsAreReadAsTheirText) {
    // Valid JSON that simdjson alone refuses: a field that is no column is
    // ignored, a STRING column gets the digits, a DECIMAL the exact value,
    // an INTEGER column says it cannot hold it.
    source_def d = clicks_def();
    d.columns.push_back(col("AMOUNT", sql_type::decimal(24, 2)));
    auto out = decode(d, R"({"EVENT_TYPE":"click","extra":123456789012345678901234,"x":1e400})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value("click"));
    out = decode(d, R"({"USER_ID":99999999999999999999,"AMOUNT":1234567890123456789012.25})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[1], value("99999999999999999999"));
    auto amount = serde_detail::parse_decimal("1234567890123456789012.25", 24, 2);
    ASSERT_TRUE(amount.ok());
    EXPECT_EQ(out->r[4], value(*amount));
    out = decode(d, R"({"N":99999999999999999999})");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.err().message.find("column N"), std::string::npos);
    out = decode(d, R"({"N":99999999999999999999,)");
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.err().message.find("not valid JSON"), std::string::npos);
}

TEST(SerdeJson, NestedStructArrayMap) {
    source_def d;
    d.columns = {
        col("S", sql_type::struct_({"NAME", "TAGS"},
                                   {sql_type::string(), sql_type::array(sql_type::bigint())})),
        col("M", sql_type::map(sql_type::decimal(5, 2))), col("B", sql_type::bytes()),
        col("T", sql_type::timestamp()), col("OK", sql_type::boolean())};
    auto out = decode(d, R"({"s":{"Name":"n","tags":[1,null,3]},"m":{"a":1.5,"b":"2.340"},
        "b":"aGk=","t":1700000000000,"ok":true})");
    ASSERT_TRUE(out.ok()) << out.err().message;
    const auto& s = out->r[0].as_struct();
    EXPECT_EQ(s.fields[0], value("n"));
    EXPECT_EQ(s.fields[1].as_array().size(), 3u);
    EXPECT_EQ(s.fields[1].as_array()[0], value(int64_t{1}));
    EXPECT_TRUE(s.fields[1].as_array()[1].is_null());
    const auto& m = out->r[1].as_map();
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].second, value(decimal_value{150, 2}));
    EXPECT_EQ(m[1].second, value(decimal_value{234, 2}));  // a zero dropped, no rounding
    EXPECT_EQ(out->r[2], value(bytes_value{"hi"}));
    EXPECT_EQ(out->r[3], value(timestamp_ms{1700000000000}));
    EXPECT_EQ(out->r[4], value(true));

    auto bad = decode(d, R"({"s":{"tags":[1,"x"]}})");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().message, R"(column S: ->TAGS: [1]: expected BIGINT, got "x")");
    bad = decode(d, R"({"m":{"a":12345.6}})");
    ASSERT_FALSE(bad.ok());
    bad = decode(d, R"({"m":{"a":"2.345"}})");  // ksqlDB refuses to round it
    ASSERT_FALSE(bad.ok());
}

TEST(SerdeJson, WrapSingleValueFalseReadsABareValue) {
    source_def d;
    d.columns = {col("N", sql_type::bigint())};
    d.value_format.wrap_single_value = false;
    auto out = decode(d, "17");
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->r[0], value(int64_t{17}));
    d.value_format.wrap_single_value = true;
    out = decode(d, R"({"N":18})");
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->r[0], value(int64_t{18}));
}

TEST(SerdeKeys, KafkaAndJsonKeysAndHeaders) {
    source_def d;
    d.columns = {col("ID", sql_type::string(), column_origin::key), col("V", sql_type::string()),
                 col("HS",
                     sql_type::array(sql_type::struct_({"KEY", "VALUE"},
                                                       {sql_type::string(), sql_type::bytes()})),
                     column_origin::headers),
                 column_def{.name = "H",
                            .type = sql_type::bytes(),
                            .origin = column_origin::header,
                            .header_key = "trace",
                            .not_null = false}};
    std::vector<client::header_view> hs = {{"trace", "a"}, {"other", std::nullopt}, {"trace", "b"}};
    auto out = decode(d, R"({"V":"x"})", "user-1", hs);
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value("user-1"));
    EXPECT_EQ(out->r[1], value("x"));
    ASSERT_EQ(out->r[2].as_array().size(), 3u);
    EXPECT_EQ(out->r[2].as_array()[1].as_struct().fields[0], value("other"));
    EXPECT_TRUE(out->r[2].as_array()[1].as_struct().fields[1].is_null());
    EXPECT_EQ(out->r[3], value(bytes_value{"b"}));  // the last one with the key

    d.key_format.format = data_format::json;
    d.columns[0].type = sql_type::integer();
    out = decode(d, R"({"V":"x"})", "12");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value(int32_t{12}));

    d.key_format.format = data_format::kafka;
    std::string be("\x00\x00\x01\x02", 4);
    out = decode(d, R"({"V":"x"})", be);
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value(int32_t{258}));
    out = decode(d, R"({"V":"x"})", "abc");
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.err().message, "column ID: KAFKA INTEGER needs 4 bytes, got 3");
}

// The query runner decodes into the same rows again and again (longer than
// the source: its joins' columns follow): nothing of an earlier record may
// show through, and the columns after the source's are left alone.
TEST(SerdeKeys, AReusedRowShowsNothingOfTheRecordBefore) {
    source_def d;
    d.columns = {col("ID", sql_type::string(), column_origin::key), col("V", sql_type::string()),
                 col("W", sql_type::string()),
                 column_def{.name = "H",
                            .type = sql_type::bytes(),
                            .origin = column_origin::header,
                            .header_key = "trace",
                            .not_null = false}};
    auto dec = row_decoder::create(d);
    ASSERT_TRUE(dec.ok());
    row r(6);
    r[5] = value("a joined column, longer than a short string");
    int64_t rowtime = 0;
    std::vector<client::header_view> hs = {{"trace", "t1"}};
    auto ok = (*dec)->decode(record_view{.key = "key-number-one-is-long",
                                         .value = R"({"V":"a value longer than sixteen","W":"w"})",
                                         .headers = hs},
                             r, rowtime);
    ASSERT_TRUE(ok.ok() && *ok);
    EXPECT_EQ(r[0], value("key-number-one-is-long"));
    EXPECT_EQ(r[1], value("a value longer than sixteen"));
    EXPECT_EQ(r[3], value(bytes_value{"t1"}));
    // No key, no W, no header: all NULL now.
    ok = (*dec)->decode(record_view{.key = std::nullopt, .value = R"({"V":"v2"})"}, r, rowtime);
    ASSERT_TRUE(ok.ok() && *ok);
    ASSERT_EQ(r.size(), 6u);
    EXPECT_TRUE(r[0].is_null());
    EXPECT_EQ(r[1], value("v2"));
    EXPECT_TRUE(r[2].is_null());
    EXPECT_TRUE(r[3].is_null());
    EXPECT_EQ(r[5], value("a joined column, longer than a short string"));
    // A tombstone: the key columns, NULL elsewhere.
    ok = (*dec)->decode(record_view{.key = "k3", .value = std::nullopt}, r, rowtime);
    ASSERT_TRUE(ok.ok());
    EXPECT_FALSE(*ok);
    EXPECT_EQ(r[0], value("k3"));
    EXPECT_TRUE(r[1].is_null());
    EXPECT_TRUE(r[2].is_null());
    EXPECT_TRUE(r[3].is_null());
}

// Reuse must not pin memory: after a record with a large string, a small
// one gives the row its own small string back.
TEST(SerdeKeys, AReusedRowDoesNotKeepALargeStringForSmallOnes) {
    auto dec = row_decoder::create(clicks_def());
    ASSERT_TRUE(dec.ok());
    row r;
    int64_t rowtime = 0;
    const std::string big = R"({"user_id":")" + std::string(1 << 20, 'x') + R"("})";
    ASSERT_TRUE((*dec)->decode(record_view{.value = big}, r, rowtime).ok());
    EXPECT_GE(r[1].as_string().capacity(), size_t{1} << 20);
    ASSERT_TRUE((*dec)->decode(record_view{.value = R"({"user_id":"u1"})"}, r, rowtime).ok());
    EXPECT_EQ(r[1], value("u1"));
    EXPECT_LT(r[1].as_string().capacity(), 1000u);
    // Similar sizes keep reusing the same storage.
    const std::string mid1 = R"({"user_id":")" + std::string(200, 'a') + R"("})";
    const std::string mid2 = R"({"user_id":")" + std::string(150, 'b') + R"("})";
    ASSERT_TRUE((*dec)->decode(record_view{.value = mid1}, r, rowtime).ok());
    const char* storage = r[1].as_string().data();
    ASSERT_TRUE((*dec)->decode(record_view{.value = mid2}, r, rowtime).ok());
    EXPECT_EQ(r[1].as_string().data(), storage);
    EXPECT_EQ(r[1], value(std::string(150, 'b')));
}

TEST(SerdeFormats, TombstoneReturnsFalse) {
    auto d = row_decoder::create(clicks_def());
    ASSERT_TRUE(d.ok());
    row r;
    int64_t rowtime = -7;
    auto ok = (*d)->decode(record_view{.key = "k", .value = std::nullopt}, r, rowtime);
    ASSERT_TRUE(ok.ok());
    EXPECT_FALSE(*ok);
    EXPECT_EQ(rowtime, -7);
}

TEST(SerdeFormats, DelimitedWithQuotesAndNulls) {
    source_def d = clicks_def();
    d.value_format.format = data_format::delimited;
    d.value_format.delimiter = '|';
    auto out = decode(d, R"("a|""b"""||3|)");
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value(R"(a|"b")"));
    EXPECT_TRUE(out->r[1].is_null());
    EXPECT_EQ(out->r[2], value(int32_t{3}));
    EXPECT_TRUE(out->r[3].is_null());
    auto bad = decode(d, "a|b|c");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().message, "DELIMITED value has 3 fields, the schema 4 columns");
    bad = decode(d, "a|b|x|1");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().message, "column N: expected INTEGER, got 'x'");

    auto e = row_encoder::create(d);
    ASSERT_TRUE(e.ok());
    std::string k, v;
    bool key_null = false;
    ASSERT_TRUE((*e)->encode(out->r, k, key_null, v).ok());
    EXPECT_TRUE(key_null);
    EXPECT_EQ(v, R"("a|""b"""||3|)");
}

TEST(SerdeFormats, KafkaValueFormat) {
    source_def d;
    d.value_format.format = data_format::kafka;
    d.columns = {col("D", sql_type::double_())};
    std::string bytes("\x3f\xf8\x00\x00\x00\x00\x00\x00", 8);
    auto out = decode(d, bytes);
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->r[0], value(1.5));
    auto e = row_encoder::create(d);
    ASSERT_TRUE(e.ok());
    std::string k, v;
    bool key_null = false;
    ASSERT_TRUE((*e)->encode(out->r, k, key_null, v).ok());
    EXPECT_EQ(v, bytes);

    d.columns.push_back(col("E", sql_type::string()));
    EXPECT_FALSE(row_decoder::create(d).ok());
    d.columns = {col("B", sql_type::boolean())};
    auto bad = row_decoder::create(d);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().code, errc::unsupported);
}

TEST(SerdeTimestamp, ColumnOverridesRecordTimestamp) {
    source_def d = clicks_def();
    d.columns.push_back(col("TS", sql_type::bigint()));
    d.timestamp_column = "TS";
    auto out = decode(d, R"({"TS":1000})");
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->rowtime, 1000);
    auto bad = decode(d, R"({"N":1})");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().message, "TIMESTAMP column TS is NULL");

    d.columns.back().type = sql_type::string();
    EXPECT_FALSE(row_decoder::create(d).ok());  // VARCHAR needs a TIMESTAMP_FORMAT
    d.timestamp_format = "yyyy";
    EXPECT_FALSE(row_decoder::create(d).ok());  // ... and a parser for it
    auto parse = [](std::string_view s) -> result<int64_t> {
        if (s == "2000") {
            return int64_t{946684800000};
        }
        return error{errc::invalid_argument, "no"};
    };
    out = decode(d, R"({"TS":"2000"})", std::nullopt, {}, parse);
    ASSERT_TRUE(out.ok()) << out.err().message;
    EXPECT_EQ(out->rowtime, 946684800000);
    bad = decode(d, R"({"TS":"1999"})", std::nullopt, {}, parse);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().message, "column TS: no");
}

TEST(SerdeEncode, JsonAsKsqlDbWritesIt) {
    source_def d;
    d.key_format.format = data_format::kafka;
    d.columns = {col("K", sql_type::string(), column_origin::key),
                 col("S", sql_type::string()),
                 col("D", sql_type::double_()),
                 col("DEC", sql_type::decimal(6, 2)),
                 col("T", sql_type::timestamp()),
                 col("B", sql_type::bytes()),
                 col("A", sql_type::array(sql_type::integer())),
                 col("ST", sql_type::struct_({"x"}, {sql_type::bigint()})),
                 col("NUL", sql_type::integer())};
    row r = {value("key-1"),
             value("q\"uote"),
             value(1.0),
             value(decimal_value{-5, 2}),
             value(timestamp_ms{1700000000123}),
             value(bytes_value{"hi"}),
             value::array({value(int32_t{1}), value()}),
             value::struct_(value_struct{{value(int64_t{9})}}),
             value()};
    auto e = row_encoder::create(d);
    ASSERT_TRUE(e.ok());
    std::string k, v;
    bool key_null = true;
    ASSERT_TRUE((*e)->encode(r, k, key_null, v).ok());
    EXPECT_FALSE(key_null);
    EXPECT_EQ(k, "key-1");
    EXPECT_EQ(v, R"({"S":"q\"uote","D":1.0,"DEC":-0.05,"T":1700000000123,"B":"aGk=","A":[1,null],)"
                 R"("ST":{"x":9},"NUL":null})");
    // Round trip through the decoder.
    auto dec = row_decoder::create(d);
    ASSERT_TRUE(dec.ok());
    row back;
    int64_t rowtime = 0;
    ASSERT_TRUE((*dec)->decode(record_view{.key = k, .value = v}, back, rowtime).ok());
    EXPECT_EQ(back, r);
}

// encode_key writes the key as encode() does, for a record with a null value.
TEST(SerdeEncode, KeyAlone) {
    source_def d;
    d.key_format.format = data_format::kafka;
    d.columns = {col("K", sql_type::string(), column_origin::key), col("S", sql_type::string())};
    auto e = row_encoder::create(d);
    ASSERT_TRUE(e.ok());
    std::string k = "stale";
    bool key_null = true;
    ASSERT_TRUE((*e)->encode_key({value("key-1"), value("ignored")}, k, key_null).ok());
    EXPECT_FALSE(key_null);
    EXPECT_EQ(k, "key-1");
    ASSERT_TRUE((*e)->encode_key({value(), value()}, k, key_null).ok());
    EXPECT_TRUE(key_null);
    EXPECT_FALSE((*e)->encode_key({value("k")}, k, key_null).ok());  // wrong width

    d.key_format.format = data_format::json;
    d.columns.insert(d.columns.begin() + 1, col("K2", sql_type::integer(), column_origin::key));
    auto j = row_encoder::create(d);
    ASSERT_TRUE(j.ok()) << j.err().message;
    ASSERT_TRUE((*j)->encode_key({value("a"), value(int32_t{2}), value()}, k, key_null).ok());
    EXPECT_FALSE(key_null);
    EXPECT_EQ(k, R"({"K":"a","K2":2})");
}

TEST(SerdeText, JavaDoubleSpelling) {
    auto text = [](double d) {
        std::string s;
        serde_detail::append_java_double(s, d);
        return s;
    };
    EXPECT_EQ(text(1.0), "1.0");
    EXPECT_EQ(text(-2.5), "-2.5");
    EXPECT_EQ(text(0.001), "0.001");
    EXPECT_EQ(text(0.0001), "1.0E-4");
    EXPECT_EQ(text(1234567.0), "1234567.0");
    EXPECT_EQ(text(12345678.0), "1.2345678E7");
    EXPECT_EQ(text(1e20), "1.0E20");
    EXPECT_EQ(text(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(text(100.0), "100.0");
    EXPECT_EQ(text(0.0), "0.0");
}

TEST(SerdeText, DecimalParsing) {
    auto p = serde_detail::parse_decimal("1.500", 4, 2);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->unscaled, 150);
    // ksqlDB reads a decimal without rounding it.
    p = serde_detail::parse_decimal("1.005", 4, 2);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.err().message.find("rounding"), std::string::npos);
    EXPECT_FALSE(serde_detail::parse_decimal("2.345", 4, 2).ok());
    p = serde_detail::parse_decimal("-1e2", 5, 1);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->unscaled, -1000);
    EXPECT_FALSE(serde_detail::parse_decimal("100", 4, 2).ok());
    EXPECT_FALSE(serde_detail::parse_decimal("1.2.3", 4, 2).ok());
    std::string s;
    serde_detail::append_decimal(s, decimal_value{-5, 3});
    EXPECT_EQ(s, "-0.005");
}

}  // namespace
}  // namespace cs::streams
