#pragma once

// The simulated world behind the events: users, their devices, and the
// site's url catalogue. These are also the dimension tables (users, devices,
// urls) that enrichment joins against, so every id an ordinary event carries
// is one of these rows. Built once from a seed; read-only afterwards.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/generate/sampling.h"

namespace cs::tools::gen {

struct population_config {
    uint64_t seed = 1;
    uint32_t users = 10'000;
    uint32_t urls = 1'000;  // at least min_urls
    int64_t start_ms = 0;   // signup dates lie up to three years before this
};

inline constexpr uint32_t min_urls = 16;

struct user {
    std::string id;  // "u0001234"
    std::string name;
    std::string email;
    std::string_view country;  // ISO 3166 alpha-2
    std::string signup_date;   // "2025-03-14"
    uint32_t first_device = 0;
    uint32_t device_count = 0;  // 1..3, devices [first_device, first_device + count)
};

struct device {
    std::string id;  // "d0004567"
    uint32_t user = 0;
    std::string_view type;  // mobile, desktop, tablet
    std::string_view os;
    std::string_view browser;
};

struct url_entry {
    std::string url;            // "/products/shoes/123"
    std::string_view category;  // url_category: home, product-page, ...
    std::string_view section;   // shoes, electronics, ... ("" for site pages)
    int64_t price_cents = -1;   // product pages only; -1 elsewhere
};

struct population {
    std::vector<user> users;
    std::vector<device> devices;
    std::vector<url_entry> urls;
    // Site pages the funnel visits by name.
    uint32_t home = 0, search = 0, cart = 0, checkout = 0, confirmation = 0;
    // Pages a visitor navigates to, most popular first; browse_popularity
    // draws a position in it (Zipf).
    std::vector<uint32_t> browse_rank;
    weighted_index browse_popularity;
    // How often each user starts a session (a few heavy users, many light).
    weighted_index user_activity;

    bool is_product(uint32_t url) const { return urls[url].price_cents >= 0; }
};

population make_population(const population_config& cfg);

}  // namespace cs::tools::gen
