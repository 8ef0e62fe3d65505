// Robustness of the record decoders on input the producer got wrong: valid
// click events mutated at random (a fixed seed, so a failure replays) by
// flipping, deleting, duplicating and inserting bytes. For every input:
//   - decoding never crashes (the ASan build runs this too) and either
//     yields a row or an error that names something;
//   - the decoder reused across records (as the query runner reuses it)
//     answers exactly what a fresh decoder answers for the same bytes;
//   - a decoded row written back by the encoder decodes to the same row.
// A malformed event must go to the dead-letter topic, never take the query
// down or leak state into the next record.

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "streams/mutation_test_util.h"
#include "streams/serde.h"
#include "streams/test_columns.h"

namespace cs::streams {
namespace {

using testing::col;

source_def json_def() {
    source_def d;
    d.name = "CLICKS";
    d.topic = "clicks";
    d.columns = {
        col("USER_ID", sql_type::string(), column_origin::key),
        col("URL", sql_type::string()),
        col("N", sql_type::integer()),
        col("BIG", sql_type::bigint()),
        col("SCORE", sql_type::double_()),
        col("PRICE", sql_type::decimal(10, 2)),
        col("OK", sql_type::boolean()),
        col("TS", sql_type::timestamp()),
        col("RAW", sql_type::bytes()),
        col("DAY", sql_type::date()),
        col("AT", sql_type::time()),
        col("TAGS", sql_type::array(sql_type::string())),
        col("COUNTS", sql_type::map(sql_type::integer())),
        col("DEVICE", sql_type::struct_({"TYPE", "IDS"},
                                        {sql_type::string(), sql_type::array(sql_type::bigint())})),
    };
    return d;
}

source_def delimited_def() {
    source_def d = json_def();
    d.columns.resize(11);  // no nested types in DELIMITED
    d.value_format.format = data_format::delimited;
    return d;
}

const std::vector<std::string> json_seeds = {
    R"({"url":"https://shop.example/p/1?q=a%20b","n":1,"big":9007199254740993,"score":1.5,)"
    R"("price":12.34,"ok":true,"ts":1700000000000,"raw":"aGVsbG8=","day":19700,"at":3600000,)"
    R"("tags":["a","b\u00e9"],"counts":{"x":1,"y":null},"device":{"type":"mobile","ids":[1,2]}})",
    R"({"URL":"/\"quoted\"\\path","N":-2147483648,"SCORE":-0.0,"PRICE":-0.5,"OK":false,)"
    R"("TAGS":[],"COUNTS":{},"DEVICE":{"Type":"\ud83d\ude00","IDS":null}})",
    R"({"n":"12","big":"-9","score":"1e3","price":"99999999.99","ok":"true","ts":"1"})",
    R"({})",
    R"({"url":null,"n":null,"tags":null,"device":null})",
};

const std::vector<std::string> delimited_seeds = {
    "https://shop.example/p/1,1,9007199254740993,1.5,12.34,true,1700000000000,aGVsbG8=,19700,"
    "3600000",
    "\"a,b\",-2147483648,,,-0.5,false,,,,",
    ",,,,,,,,,",
};

bool same(const value& a, const value& b) {
    const double* x = std::get_if<double>(&a.raw());
    const double* y = std::get_if<double>(&b.raw());
    if (x != nullptr && y != nullptr && std::isnan(*x) && std::isnan(*y)) {
        return true;
    }
    return a == b;
}

bool same(const row& a, const row& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) {
            return false;
        }
    }
    return true;
}

void check_mutations(const source_def& def, const std::vector<std::string>& seeds, int rounds) {
    auto reused = row_decoder::create(def);
    ASSERT_TRUE(reused.ok()) << reused.err().message;
    auto encoder = row_encoder::create(def);
    ASSERT_TRUE(encoder.ok()) << encoder.err().message;
    auto rng = testing::mutation_rng();
    row kept;  // reused across records, as the runner does
    size_t decoded = 0;
    for (int i = 0; i < rounds; ++i) {
        const std::string input =
            testing::mutate(seeds[static_cast<size_t>(i) % seeds.size()], rng);
        const std::string key = "u" + std::to_string(i);
        const record_view rec{.key = key, .value = input, .timestamp_ms = 7};
        int64_t t1 = 0;
        auto r1 = (*reused)->decode(rec, kept, t1);

        auto fresh = row_decoder::create(def);
        ASSERT_TRUE(fresh.ok());
        row alone;
        int64_t t2 = 0;
        auto r2 = (*fresh)->decode(rec, alone, t2);
        ASSERT_EQ(r1.ok(), r2.ok()) << "input #" << i << ": " << input
                                    << "\nreused: " << (r1.ok() ? "ok" : r1.err().message)
                                    << "\nfresh: " << (r2.ok() ? "ok" : r2.err().message);
        if (!r1.ok()) {
            EXPECT_FALSE(r1.err().message.empty()) << input;
            EXPECT_EQ(r1.err().message, r2.err().message) << input;
            continue;
        }
        ++decoded;
        ASSERT_TRUE(same(kept, alone)) << "input #" << i << ": " << input;

        std::string k;
        std::string v;
        bool key_null = false;
        auto enc = (*encoder)->encode(alone, k, key_null, v);
        ASSERT_TRUE(enc.ok()) << enc.message() << " for input #" << i << ": " << input;
        row again;
        int64_t t3 = 0;
        auto r3 = (*fresh)->decode(record_view{.key = k, .value = v, .timestamp_ms = 7}, again, t3);
        ASSERT_TRUE(r3.ok()) << r3.err().message << "\ninput #" << i << ": " << input
                             << "\nwritten: " << v;
        EXPECT_TRUE(same(again, alone)) << "input #" << i << ": " << input << "\nwritten: " << v;
    }
    // The mutations leave some records decodable (else this tests nothing
    // beyond the error path).
    EXPECT_GT(decoded, static_cast<size_t>(rounds) / 20);
}

TEST(SerdeMutation, JsonDecodesOrFailsCleanlyAndAReusedDecoderAgreesWithAFreshOne) {
    check_mutations(json_def(), json_seeds, 20000);
}

TEST(SerdeMutation, DelimitedDecodesOrFailsCleanlyAndAReusedDecoderAgreesWithAFreshOne) {
    check_mutations(delimited_def(), delimited_seeds, 20000);
}

}  // namespace
}  // namespace cs::streams
