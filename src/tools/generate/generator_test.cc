#include "tools/generate/generator.h"

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <gtest/gtest.h>

#include "tools/generate/test_events.h"
#include "tools/generate/timestamps.h"

namespace cs::tools::gen {
namespace {

using testing::parse_event;

constexpr int64_t jan1 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

std::string run(const generator_config& cfg, int n) {
    generator g(cfg);
    std::string out;
    for (int i = 0; i < n; ++i) {
        const auto& r = g.next();
        out += r.key + '\t' + std::to_string(r.timestamp_ms) + '\t' + r.value + '\n';
    }
    return out;
}

TEST(Generator, SameSeedAndStartGiveIdenticalBytes) {
    generator_config cfg{
        .seed = 99, .start_ms = jan1, .unknown_ratio = 0.05, .malformed_ratio = 0.05};
    EXPECT_EQ(run(cfg, 5000), run(cfg, 5000));
    generator_config other = cfg;
    other.seed = 100;
    EXPECT_NE(run(cfg, 100), run(other, 100));
    other = cfg;
    other.start_ms = jan1 + 1;
    EXPECT_NE(run(cfg, 100), run(other, 100));
}

// The exact first records for a fixed seed, and a checksum (FNV-1a) of the
// first 2000 with unknown and malformed ones mixed in: any change to the
// model, the PRNG or the formatting shows up here. Update deliberately.
TEST(Generator, GoldenFirstEvents) {
    generator g({.seed = 42, .start_ms = jan1, .users = 1000, .urls = 200});
    const char* expected[] = {
        "u0000801\t"
        R"({"timestamp":"2026-01-01T00:00:00.000Z","user_id":"u0000801",)"
        R"("url":"/products/sports/1006","device_id":"d0001328","event_type":"page_view",)"
        R"("session_id":"s2a3d055eb16305aa"})",
        "u0000070\t"
        R"({"timestamp":"2026-01-01T00:00:00.055Z","user_id":"u0000070",)"
        R"("url":"/products/electronics/1038","device_id":"d0000131","event_type":"page_view",)"
        R"("session_id":"s6704edb7f77217d0"})",
        "u0000416\t"
        R"({"timestamp":"2026-01-01T00:00:00.171Z","user_id":"u0000416",)"
        R"("url":"/products/fashion/1059","device_id":"d0000690","event_type":"page_view",)"
        R"("session_id":"s140d5142c0ee3430"})",
    };
    for (const char* e : expected) {
        const auto& r = g.next();
        EXPECT_EQ(r.key + '\t' + r.value, e);
    }

    generator mixed({.seed = 42,
                     .start_ms = jan1,
                     .users = 1000,
                     .urls = 200,
                     .unknown_ratio = 0.05,
                     .malformed_ratio = 0.05});
    uint64_t h = 14695981039346656037ULL;
    for (int i = 0; i < 2000; ++i) {
        const auto& r = mixed.next();
        for (char c : r.key + '\t' + r.value + '\n') {
            h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        }
    }
    EXPECT_EQ(h, 0x52d12356fccfd201ULL);
}

TEST(Generator, FirstEventIsAtTheStartTimeAndTimeNeverGoesBack) {
    generator g({.seed = 5, .start_ms = jan1});
    const auto& first = g.next();
    EXPECT_EQ(first.timestamp_ms, jan1);
    EXPECT_NE(first.value.find(R"("timestamp":"2026-01-01T00:00:00.000Z")"), std::string::npos);
    int64_t last = first.timestamp_ms;
    std::unordered_map<std::string, int64_t> session_last;
    for (int i = 0; i < 50'000; ++i) {
        const auto& r = g.next();
        ASSERT_GE(r.timestamp_ms, last);
        last = r.timestamp_ms;
        auto e = parse_event(r.value);
        ASSERT_TRUE(e.has_value()) << r.value;
        EXPECT_EQ(*parse_start_time(e->timestamp), r.timestamp_ms);
        EXPECT_EQ(r.key, e->user_id);
        auto [it, fresh] = session_last.try_emplace(e->session_id, r.timestamp_ms);
        if (!fresh) {
            EXPECT_GE(r.timestamp_ms, it->second);
            it->second = r.timestamp_ms;
        }
    }
}

TEST(Generator, ValidatesItsConfig) {
    EXPECT_TRUE(validate({}).ok());
    EXPECT_FALSE(validate({.users = 0}).ok());
    EXPECT_FALSE(validate({.urls = min_urls - 1}).ok());
    EXPECT_FALSE(validate({.unknown_ratio = 1.5}).ok());
    EXPECT_FALSE(validate({.unknown_ratio = 0.6, .malformed_ratio = 0.6}).ok());
    EXPECT_TRUE(validate({.unknown_ratio = 0.5, .malformed_ratio = 0.5}).ok());
}

// Replays a long valid stream and looks at it the way an analyst would.
class GeneratorStats : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        generator g({.seed = 2026, .start_ms = jan1, .users = 5000, .urls = 1000});
        pop_urls_ = static_cast<double>(g.dimensions().browse_rank.size());
        for (int i = 0; i < n_; ++i) {
            auto e = parse_event(g.next().value);
            ASSERT_TRUE(e.has_value());
            events_->push_back(std::move(*e));
        }
    }
    static constexpr int n_ = 200'000;
    static inline double pop_urls_ = 0;
    static inline auto* events_ = new std::vector<testing::parsed_event>();
};

TEST_F(GeneratorStats, UrlPopularityIsZipf) {
    std::map<std::string, int> views;
    int page_views = 0;
    for (const auto& e : *events_) {
        if (e.event_type == "page_view") {
            ++views[e.url];
            ++page_views;
        }
    }
    double harmonic = 0;
    for (int k = 1; k <= static_cast<int>(pop_urls_); ++k) {
        harmonic += 1.0 / k;
    }
    // The home page is rank 1 of the browsable pages: share 1/H(n) (~13 %).
    const double home_share = views["/"] / static_cast<double>(page_views);
    EXPECT_NEAR(home_share, 1 / harmonic, 0.1 / harmonic);
    // Rank 2 gets about half of rank 1, and the top 10 % of pages most views.
    std::vector<int> counts;
    for (auto& [url, c] : views) {
        counts.push_back(c);
    }
    std::sort(counts.rbegin(), counts.rend());
    EXPECT_NEAR(counts[1] / static_cast<double>(counts[0]), 0.5, 0.08);
    int top = 0;
    for (size_t i = 0; i < counts.size() / 10; ++i) {
        top += counts[i];
    }
    EXPECT_GT(top / static_cast<double>(page_views), 0.5);
}

TEST_F(GeneratorStats, FunnelRatiosAreplausibleAndPurchasesFollowTheCart) {
    std::map<std::string, int> types;
    std::unordered_map<std::string, std::pair<bool, bool>> carted_checked_out;
    for (const auto& e : *events_) {
        ++types[e.event_type];
        auto& [carted, checked_out] = carted_checked_out[e.session_id];
        if (e.event_type == "add_to_cart") {
            carted = true;
            EXPECT_EQ(e.url.rfind("/products/", 0), 0u) << e.url;
        } else if (e.event_type == "checkout") {
            EXPECT_TRUE(carted);
            checked_out = true;
        } else if (e.event_type == "purchase") {
            EXPECT_TRUE(carted) << e.session_id;
            EXPECT_TRUE(checked_out) << e.session_id;
            EXPECT_EQ(e.url, "/checkout/confirmation");
        }
    }
    const double views = types["page_view"];
    EXPECT_EQ(types.size(), 7u);
    EXPECT_GT(views / n_, 0.35);
    EXPECT_LT(views / n_, 0.75);
    EXPECT_GT(types["click"] / views, 0.2);
    EXPECT_LT(types["click"] / views, 0.8);
    EXPECT_GT(types["add_to_cart"] / views, 0.03);
    EXPECT_LT(types["add_to_cart"] / views, 0.3);
    EXPECT_GT(types["purchase"], 0);
    EXPECT_LT(types["purchase"], types["add_to_cart"]);
    EXPECT_GT(types["purchase"] / static_cast<double>(types["checkout"]), 0.3);
    EXPECT_LT(types["purchase"] / static_cast<double>(types["checkout"]), 0.8);
    // Sessions: several events each, not one giant run.
    const double per_session = n_ / static_cast<double>(carted_checked_out.size());
    EXPECT_GT(per_session, 3);
    EXPECT_LT(per_session, 20);
}

TEST_F(GeneratorStats, GapsWithinASessionAreHumanSized) {
    std::unordered_map<std::string, int64_t> last;
    std::vector<int64_t> gaps;
    for (const auto& e : *events_) {
        int64_t t = *parse_start_time(e.timestamp);
        auto [it, fresh] = last.try_emplace(e.session_id, t);
        if (!fresh) {
            gaps.push_back(t - it->second);
            it->second = t;
        }
    }
    std::sort(gaps.begin(), gaps.end());
    ASSERT_FALSE(gaps.empty());
    EXPECT_GE(gaps.front(), 300);
    EXPECT_LE(gaps.back(), 600'000);
    const int64_t median = gaps[gaps.size() / 2];
    EXPECT_GT(median, 2'000);
    EXPECT_LT(median, 30'000);
    // Simulated traffic: ~10 session starts per simulated second.
    const int64_t span = *parse_start_time(events_->back().timestamp) - jan1;
    EXPECT_GT(static_cast<double>(last.size()) / (span / 1000.0), 7);
    EXPECT_LT(static_cast<double>(last.size()) / (span / 1000.0), 13);
}

TEST(Generator, UnknownAndMalformedRatiosAndShapes) {
    generator g({.seed = 8,
                 .start_ms = jan1,
                 .users = 2000,
                 .urls = 300,
                 .unknown_ratio = 0.1,
                 .malformed_ratio = 0.05});
    const auto& dims = g.dimensions();
    std::unordered_set<std::string> users, devices, urls;
    for (const auto& u : dims.users) {
        users.insert(u.id);
    }
    for (const auto& d : dims.devices) {
        devices.insert(d.id);
    }
    for (const auto& u : dims.urls) {
        urls.insert(u.url);
    }
    const int n = 40'000;
    int unknown = 0, malformed = 0, not_json = 0;
    for (int i = 0; i < n; ++i) {
        const auto& r = g.next();
        auto e = parse_event(r.value);
        switch (r.kind) {
            case record_kind::malformed:
                ++malformed;
                EXPECT_FALSE(e.has_value()) << r.value;
                not_json += testing::is_json(r.value) ? 0 : 1;
                break;
            case record_kind::unknown_id: {
                ++unknown;
                ASSERT_TRUE(e.has_value()) << r.value;
                int missing = (users.count(e->user_id) == 0) + (devices.count(e->device_id) == 0) +
                              (urls.count(e->url) == 0);
                EXPECT_EQ(missing, 1) << r.value;
                EXPECT_EQ(r.key, e->user_id);
                break;
            }
            case record_kind::valid:
                ASSERT_TRUE(e.has_value()) << r.value;
                EXPECT_TRUE(users.count(e->user_id)) << r.value;
                EXPECT_TRUE(devices.count(e->device_id)) << r.value;
                EXPECT_TRUE(urls.count(e->url)) << r.value;
                break;
        }
    }
    EXPECT_NEAR(unknown / static_cast<double>(n), 0.1, 0.01);
    EXPECT_NEAR(malformed / static_cast<double>(n), 0.05, 0.008);
    EXPECT_EQ(g.count(record_kind::unknown_id), static_cast<uint64_t>(unknown));
    EXPECT_EQ(g.count(record_kind::malformed), static_cast<uint64_t>(malformed));
    // Half the kinds are not JSON at all (truncated, text), half are JSON
    // objects that are not valid events.
    EXPECT_GT(not_json, malformed / 4);
    EXPECT_LT(not_json, malformed * 3 / 4);
}

TEST(Generator, EventsUseTheDevicesOfTheirUser) {
    generator g({.seed = 3, .start_ms = jan1, .users = 300});
    const auto& dims = g.dimensions();
    std::unordered_map<std::string, std::string> owner;
    for (const auto& d : dims.devices) {
        owner[d.id] = dims.users[d.user].id;
    }
    for (int i = 0; i < 5000; ++i) {
        auto e = parse_event(g.next().value);
        ASSERT_TRUE(e.has_value());
        EXPECT_EQ(owner[e->device_id], e->user_id);
    }
}

}  // namespace
}  // namespace cs::tools::gen
