#include "streams/table_store.h"

#include <map>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include "streams/test_kafka.h"

namespace cs::streams {
namespace {

using namespace std::chrono_literals;

source_def users_def() {
    source_def d;
    d.name = "USERS";
    d.kind = source_kind::table;
    d.topic = "users";
    d.columns = {column_def{.name = "USER_ID",
                            .type = sql_type::string(),
                            .origin = column_origin::key,
                            .header_key = {},
                            .not_null = false},
                 column_def{.name = "USER_NAME",
                            .type = sql_type::string(),
                            .origin = column_origin::value,
                            .header_key = {},
                            .not_null = false},
                 column_def{.name = "COUNTRY",
                            .type = sql_type::string(),
                            .origin = column_origin::value,
                            .header_key = {},
                            .not_null = false},
                 column_def{.name = "AGE",
                            .type = sql_type::integer(),
                            .origin = column_origin::value,
                            .header_key = {},
                            .not_null = false}};
    return d;
}

std::string user_json(int i, std::string_view name_prefix = "name") {
    return fmt::format(R"({{"user_name":"{}-{}","country":"DE","age":{}}})", name_prefix, i,
                       20 + i % 50);
}

// Polls cond until it holds or the deadline passes (the table is updated by
// its own thread; there is no time logic here, only waiting for delivery).
template <class F>
bool eventually(F cond, std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond()) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return cond();
}

const value* find(const table_store& t, const std::string& key) {
    std::string scratch;
    return t.find(lookup_key(value(key), sql_type::string(), scratch));
}

TEST(TableStore, LookupKeyMakesIntAndBigintMeet) {
    std::string a, b;
    EXPECT_EQ(lookup_key(value(int32_t{7}), sql_type::integer(), a),
              lookup_key(value(int64_t{7}), sql_type::bigint(), b));
    EXPECT_EQ(lookup_key(value("x"), sql_type::string(), a), "x");
}

TEST(TableStore, NeedsExactlyOnePrimaryKey) {
    source_def d = users_def();
    d.columns[0].origin = column_origin::value;
    EXPECT_EQ(table_store::create(d).err().code, errc::unsupported);
}

// The open-addressing index against std::map under random upserts and
// deletes (deletes shift probe runs back and move the last entry), with a
// STRING key (the key column is the key) and an INT key (key bytes apart).
void check_against_map(bool int_key) {
    source_def d = users_def();
    if (int_key) {
        std::swap(d.columns[0].type, d.columns[3].type);  // USER_ID INT, AGE VARCHAR
    }
    auto store = table_store::create(d);
    ASSERT_TRUE(store.ok());
    std::map<std::string, std::string> expected;  // lookup key -> USER_NAME
    std::mt19937 rng(int_key ? 7 : 11);
    auto key_value = [&](int k) {
        return int_key ? value(int32_t{k}) : value(fmt::format("u{}", k));
    };
    auto lookup = [&](int k) {
        std::string scratch;
        return std::string(lookup_key(key_value(k), d.columns[0].type, scratch));
    };
    for (int round = 0; round < 40; ++round) {
        std::vector<table_store::change> changes;
        for (int i = 0; i < 500; ++i) {
            int k = static_cast<int>(rng() % 3000);  // few keys: many updates and collisions
            if (rng() % 3 == 0) {
                changes.push_back({lookup(k), std::nullopt});
                expected.erase(lookup(k));
            } else {
                std::string name = fmt::format("n{}-{}", k, round);
                row r = {key_value(k), value(name), value("DE"),
                         int_key ? value("x") : value(int32_t{1})};
                changes.push_back({lookup(k), std::move(r)});
                expected[lookup(k)] = name;
            }
        }
        (*store)->apply(changes);
        ASSERT_EQ((*store)->size(), expected.size());
        auto lock = (*store)->read_lock();
        for (int k = 0; k < 3000; ++k) {
            const value* got = (*store)->find(lookup(k));
            auto it = expected.find(lookup(k));
            if (it == expected.end()) {
                ASSERT_EQ(got, nullptr) << "key " << k << " round " << round;
            } else {
                ASSERT_NE(got, nullptr) << "key " << k << " round " << round;
                EXPECT_EQ(got[0], key_value(k));
                EXPECT_EQ(got[1], value(it->second));
            }
        }
    }
}

TEST(TableStore, StringKeysMatchAMapUnderRandomUpsertsAndDeletes) {
    check_against_map(false);
}

TEST(TableStore, IntKeysMatchAMapUnderRandomUpsertsAndDeletes) {
    check_against_map(true);
}

TEST(TableReader, LoadsToHighWatermarkThenFollowsUpdatesAndTombstones) {
    auto broker = cs::testing::start_clickstream_broker();
    ASSERT_TRUE(broker->create_topic("users", 3).ok());
    std::vector<test::test_record> records;
    for (int i = 0; i < 1000; ++i) {
        records.push_back({.key = fmt::format("u{}", i), .value = user_json(i)});
    }
    records.push_back({.key = "u5", .value = std::nullopt});           // tombstone
    records.push_back({.key = std::nullopt, .value = user_json(-1)});  // NULL key: ignored
    records.push_back({.key = "u6", .value = R"({"age":"old"})"});     // bad: skipped
    records.push_back({.key = "u7", .value = user_json(7, "renamed")});
    test::produce(*broker, "users", records);

    auto store = table_store::create(users_def());
    ASSERT_TRUE(store.ok());
    auto reader = table_reader::start(*store, test::settings_for(*broker));
    ASSERT_TRUE(reader.ok()) << reader.err().message;
    ASSERT_TRUE((*reader)->wait_loaded(30s).ok());
    // The barrier means everything produced before start() is in.
    EXPECT_EQ((*store)->size(), 999u);
    {
        auto lock = (*store)->read_lock();
        EXPECT_EQ(find(**store, "u5"), nullptr);
        const value* u6 = find(**store, "u6");
        ASSERT_NE(u6, nullptr);  // the bad record did not replace or delete it
        EXPECT_EQ(u6[1], value("name-6"));
        const value* u7 = find(**store, "u7");
        ASSERT_NE(u7, nullptr);
        EXPECT_EQ(u7[0], value("u7"));
        EXPECT_EQ(u7[1], value("renamed-7"));
        EXPECT_EQ(u7[3], value(int32_t{27}));
    }
    EXPECT_EQ((*reader)->stats().tombstones.load(), 1u);
    EXPECT_EQ((*reader)->stats().null_keys.load(), 1u);
    EXPECT_EQ((*reader)->stats().errors.load(), 1u);

    // Kept current after the barrier.
    test::produce(*broker, "users",
                  {{.key = "u1", .value = std::nullopt}, {.key = "new", .value = user_json(1)}});
    EXPECT_TRUE(eventually([&] {
        auto lock = (*store)->read_lock();
        return find(**store, "u1") == nullptr && find(**store, "new") != nullptr;
    }));
    (*reader)->stop();
}

TEST(TableReader, EmptyTopicIsLoadedAtOnceAndMissingTopicIsAnError) {
    auto broker = cs::testing::start_clickstream_broker();
    ASSERT_TRUE(broker->create_topic("users", 2).ok());
    auto store = table_store::create(users_def());
    ASSERT_TRUE(store.ok());
    auto reader = table_reader::start(*store, test::settings_for(*broker));
    ASSERT_TRUE(reader.ok()) << reader.err().message;
    EXPECT_TRUE((*reader)->wait_loaded(10s).ok());
    EXPECT_EQ((*store)->size(), 0u);

    source_def d = users_def();
    d.topic = "nope";
    auto missing = table_reader::start(*table_store::create(d), test::settings_for(*broker));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.err().code, errc::not_found);
}

// The issue asks for the memory a table row costs: 100k users.
TEST(TableStore, BytesPerRowFor100kUsers) {
    auto store = table_store::create(users_def());
    ASSERT_TRUE(store.ok());
    struct mallinfo2 before = mallinfo2();
    std::vector<table_store::change> changes;
    for (int i = 0; i < 100000; ++i) {
        row r = {value(fmt::format("user-{:06}", i)), value(fmt::format("User Name {}", i)),
                 value("DE"), value(int32_t{20 + i % 50})};
        changes.push_back({fmt::format("user-{:06}", i), std::move(r)});
    }
    (*store)->apply(changes);
    changes.clear();
    changes.shrink_to_fit();
    struct mallinfo2 after = mallinfo2();
    ASSERT_EQ((*store)->size(), 100000u);
    double counted = static_cast<double>((*store)->approx_bytes()) / 100000.0;
    // uordblks: in-use heap chunks; hblkhd: mmap()ed blocks (large vectors).
    double heap =
        static_cast<double>((after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd)) /
        100000.0;
    std::printf(
        "table store: 100000 rows of (USER_ID, USER_NAME, COUNTRY, AGE): "
        "%.0f bytes/row counted, %.0f bytes/row heap growth (mallinfo2)\n",
        counted, heap);
    RecordProperty("bytes_per_row", std::to_string(counted));
    EXPECT_GT(counted, 4 * sizeof(value));  // at least the values themselves
    EXPECT_LT(counted, 600.0);              // a regression guard for the layout
}

}  // namespace
}  // namespace cs::streams
