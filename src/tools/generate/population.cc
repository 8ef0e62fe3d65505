#include "tools/generate/population.h"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "tools/generate/timestamps.h"

namespace cs::tools::gen {
namespace {

template <class T>
struct weighted {
    T value;
    uint64_t weight;
};

// Draws from a small fixed table of (value, weight).
template <class T, size_t N>
T pick(rng& r, const std::array<weighted<T>, N>& table) {
    uint64_t total = 0;
    for (const auto& e : table) {
        total += e.weight;
    }
    uint64_t x = r.below(total);
    for (const auto& e : table) {
        if (x < e.weight) {
            return e.value;
        }
        x -= e.weight;
    }
    return table.back().value;
}

template <size_t N>
std::string_view pick_uniform(rng& r, const std::array<std::string_view, N>& table) {
    return table[r.below(N)];
}

constexpr std::array<std::string_view, 24> first_names = {
    "Alice", "Bob",   "Carla", "David", "Emma",   "Farid",  "Grace", "Hiro",
    "Ines",  "Jonas", "Kemal", "Lena",  "Mateo",  "Nadia",  "Omar",  "Priya",
    "Quinn", "Rosa",  "Sven",  "Tariq", "Ursula", "Vikram", "Wen",   "Yara"};
constexpr std::array<std::string_view, 24> last_names = {
    "Nguyen", "Smith",  "Garcia", "Müller", "Rossi",  "Kowalski", "Tanaka", "Silva",
    "Okafor", "Dubois", "Jensen", "Novak",  "Haddad", "Patel",    "Kim",    "Larsen",
    "Moreau", "Costa",  "Ivanov", "Yilmaz", "Berg",   "Chen",     "Santos", "Wright"};

constexpr std::array<weighted<std::string_view>, 12> countries = {{{"US", 30},
                                                                   {"DE", 10},
                                                                   {"GB", 9},
                                                                   {"FR", 8},
                                                                   {"IN", 8},
                                                                   {"BR", 7},
                                                                   {"JP", 6},
                                                                   {"CA", 5},
                                                                   {"ES", 5},
                                                                   {"IT", 4},
                                                                   {"NL", 4},
                                                                   {"AU", 4}}};

constexpr std::array<weighted<uint32_t>, 3> devices_per_user = {{{1, 50}, {2, 35}, {3, 15}}};
constexpr std::array<weighted<std::string_view>, 3> device_types = {
    {{"mobile", 55}, {"desktop", 35}, {"tablet", 10}}};
constexpr std::array<weighted<std::string_view>, 2> mobile_os = {{{"Android", 55}, {"iOS", 45}}};
constexpr std::array<weighted<std::string_view>, 3> desktop_os = {
    {{"Windows", 65}, {"macOS", 28}, {"Linux", 7}}};
constexpr std::array<weighted<std::string_view>, 2> tablet_os = {{{"iPadOS", 60}, {"Android", 40}}};
constexpr std::array<weighted<std::string_view>, 3> apple_browsers = {
    {{"Safari", 80}, {"Chrome", 15}, {"Firefox", 5}}};
constexpr std::array<weighted<std::string_view>, 3> android_browsers = {
    {{"Chrome", 75}, {"Samsung Internet", 18}, {"Firefox", 7}}};
constexpr std::array<weighted<std::string_view>, 4> desktop_browsers = {
    {{"Chrome", 62}, {"Edge", 15}, {"Firefox", 12}, {"Safari", 11}}};
// Many light users, a few heavy ones: relative session-start rates.
constexpr std::array<weighted<uint64_t>, 4> activity_tiers = {{{1, 60}, {3, 25}, {8, 10}, {20, 5}}};

constexpr std::array<std::string_view, 8> sections = {
    "shoes", "electronics", "books", "home-garden", "toys", "sports", "beauty", "fashion"};

// An email local part from a name: ASCII lower case, "ü" spelled "ue".
std::string email_part(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (s.substr(i, 2) == "\xc3\xbc") {
            out += "ue";
            ++i;
        } else if (static_cast<unsigned char>(c) < 0x80) {
            out += c;
        }
    }
    return out;
}

std::string_view pick_browser(rng& r, std::string_view os) {
    if (os == "iOS" || os == "iPadOS" || os == "macOS") {
        return pick(r, apple_browsers);
    }
    if (os == "Android") {
        return pick(r, android_browsers);
    }
    return pick(r, desktop_browsers);
}

void add_device(population& p, rng& r, uint32_t owner) {
    device d;
    d.id = fmt::format("d{:07}", p.devices.size());
    d.user = owner;
    d.type = pick(r, device_types);
    if (d.type == "mobile") {
        d.os = pick(r, mobile_os);
    } else if (d.type == "tablet") {
        d.os = pick(r, tablet_os);
    } else {
        d.os = pick(r, desktop_os);
    }
    d.browser = pick_browser(r, d.os);
    p.devices.push_back(std::move(d));
}

void make_users(population& p, rng& r, const population_config& cfg) {
    std::vector<uint64_t> activity;
    p.users.reserve(cfg.users);
    activity.reserve(cfg.users);
    for (uint32_t i = 0; i < cfg.users; ++i) {
        user u;
        u.id = fmt::format("u{:07}", i);
        std::string_view first = pick_uniform(r, first_names);
        std::string_view last = pick_uniform(r, last_names);
        u.name = fmt::format("{} {}", first, last);
        u.email = fmt::format("{}.{}{}@example.com", email_part(first), email_part(last), i);
        u.country = pick(r, countries);
        const int64_t days_before = r.between(1, 3 * 365);
        u.signup_date = format_date(cfg.start_ms - days_before * 86'400'000);
        u.first_device = static_cast<uint32_t>(p.devices.size());
        u.device_count = pick(r, devices_per_user);
        for (uint32_t k = 0; k < u.device_count; ++k) {
            add_device(p, r, i);
        }
        activity.push_back(pick(r, activity_tiers));
        p.users.push_back(std::move(u));
    }
    p.user_activity = weighted_index(activity);
}

uint32_t add_url(population& p, std::string url, std::string_view category,
                 std::string_view section = {}, int64_t price_cents = -1) {
    p.urls.push_back({std::move(url), category, section, price_cents});
    return static_cast<uint32_t>(p.urls.size() - 1);
}

void make_urls(population& p, rng& r, uint32_t count) {
    p.home = add_url(p, "/", "home");
    p.search = add_url(p, "/search", "search");
    p.cart = add_url(p, "/cart", "cart");
    p.checkout = add_url(p, "/checkout", "checkout");
    p.confirmation = add_url(p, "/checkout/confirmation", "confirmation");
    add_url(p, "/account", "account");
    add_url(p, "/help", "help");
    for (std::string_view s : sections) {
        add_url(p, fmt::format("/category/{}", s), "category-page", s);
    }
    // The rest: mostly product pages, some editorial content.
    for (uint32_t i = 0; p.urls.size() < count; ++i) {
        std::string_view s = pick_uniform(r, sections);
        if (r.chance(100)) {
            add_url(p, fmt::format("/blog/{}/{}", s, 100 + i), "content", s);
        } else {
            add_url(p, fmt::format("/products/{}/{}", s, 1000 + i), "product-page", s,
                    r.between(199, 49'999));
        }
    }
    // Popularity: the home page first, every other browsable page in a
    // shuffled order (checkout pages are reached only through the funnel).
    for (uint32_t u = 0; u < p.urls.size(); ++u) {
        if (u != p.home && u != p.checkout && u != p.confirmation) {
            p.browse_rank.push_back(u);
        }
    }
    for (size_t i = p.browse_rank.size() - 1; i > 0; --i) {
        std::swap(p.browse_rank[i], p.browse_rank[r.below(i + 1)]);
    }
    p.browse_rank.insert(p.browse_rank.begin(), p.home);
    p.browse_popularity = make_zipf(p.browse_rank.size());
}

}  // namespace

population make_population(const population_config& cfg) {
    population p;
    rng users_rng(derive_seed(cfg.seed, 1));
    rng urls_rng(derive_seed(cfg.seed, 2));
    make_users(p, users_rng, cfg);
    make_urls(p, urls_rng, cfg.urls < min_urls ? min_urls : cfg.urls);
    return p;
}

}  // namespace cs::tools::gen
