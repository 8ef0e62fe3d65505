#include "tools/generate/sessions.h"

#include <array>

#include <fmt/format.h>

namespace cs::tools::gen {
namespace {

// What a session does next, and how likely, given where it is.
enum class action : uint8_t { browse, click, search, add_to_cart, remove, checkout, purchase, end };

struct choice {
    action what;
    uint64_t weight;
};

// Pauses before a page view, search or checkout: mostly seconds, sometimes
// minutes (reading, comparing, a phone call). Milliseconds, weight.
struct gap_bucket {
    int64_t lo, hi;
    uint64_t weight;
};
constexpr std::array<gap_bucket, 5> page_gaps = {{{500, 2'000, 150},
                                                  {2'000, 8'000, 300},
                                                  {8'000, 30'000, 300},
                                                  {30'000, 120'000, 200},
                                                  {120'000, 600'000, 50}}};

int64_t page_gap(rng& r) {
    uint64_t x = r.below(1000);
    for (const auto& b : page_gaps) {
        if (x < b.weight) {
            return r.between(b.lo, b.hi - 1);
        }
        x -= b.weight;
    }
    return page_gaps.back().lo;
}

template <size_t N>
action pick(rng& r, const std::array<choice, N>& choices) {
    uint64_t total = 0;
    for (const auto& c : choices) {
        total += c.weight;
    }
    uint64_t x = r.below(total);
    for (const auto& c : choices) {
        if (x < c.weight) {
            return c.what;
        }
        x -= c.weight;
    }
    return action::end;
}

}  // namespace

std::string_view event_type_name(event_type t) {
    switch (t) {
        case event_type::page_view:
            return "page_view";
        case event_type::click:
            return "click";
        case event_type::search:
            return "search";
        case event_type::add_to_cart:
            return "add_to_cart";
        case event_type::remove_from_cart:
            return "remove_from_cart";
        case event_type::checkout:
            return "checkout";
        case event_type::purchase:
            return "purchase";
    }
    return "unknown";
}

std::string session_id_text(uint64_t session) {
    return fmt::format("s{:016x}", session);
}

bool session_simulator::later::operator()(uint32_t a, uint32_t b) const {
    const session& x = (*all)[a];
    const session& y = (*all)[b];
    if (x.pending.time_ms != y.pending.time_ms) {
        return x.pending.time_ms > y.pending.time_ms;
    }
    return x.order > y.order;
}

session_simulator::session_simulator(const population& p, uint64_t seed, int64_t start_ms,
                                     session_config cfg)
    : pop_(p),
      cfg_(cfg),
      rng_(derive_seed(seed, 3)),
      session_mix_(derive_seed(seed, 4)),
      next_start_ms_(start_ms),
      user_busy_(p.users.size(), 0),
      open_(later{&sessions_}) {}

uint32_t session_simulator::browse_url() {
    return pop_.browse_rank[pop_.browse_popularity.sample(rng_)];
}

void session_simulator::start_session(int64_t at) {
    // A user is in one session at a time when the population allows it; a
    // tiny population under heavy traffic gets overlapping sessions instead
    // of a stall.
    uint32_t user = 0;
    for (int attempt = 0; attempt < 8; ++attempt) {
        user = static_cast<uint32_t>(pop_.user_activity.sample(rng_));
        if (user_busy_[user] == 0) {
            break;
        }
    }
    const auto& u = pop_.users[user];
    uint32_t device = u.first_device;
    if (u.device_count > 1 && !rng_.chance(600)) {
        device += 1 + static_cast<uint32_t>(rng_.below(u.device_count - 1));
    }
    session s;
    uint64_t mix = session_mix_ + started_;
    s.pending = {.time_ms = at,
                 .user = user,
                 .device = device,
                 .url = browse_url(),
                 .type = event_type::page_view,
                 .session = splitmix64(mix)};
    s.order = started_++;
    ++user_busy_[user];
    uint32_t slot;
    if (free_.empty()) {
        slot = static_cast<uint32_t>(sessions_.size());
        sessions_.push_back(s);
    } else {
        slot = free_.back();
        free_.pop_back();
        sessions_[slot] = s;
    }
    open_.push(slot);
}

bool session_simulator::advance(session& s) {
    click_event& e = s.pending;
    if (++s.emitted >= cfg_.max_events_per_session) {
        return false;
    }
    action next;
    if (e.type == event_type::purchase) {
        s.cart_items = 0;
        next = pick(rng_, std::array<choice, 2>{{{action::browse, 30}, {action::end, 70}}});
    } else if (e.type == event_type::checkout) {
        next = pick(rng_, std::array<choice, 3>{
                              {{action::purchase, 45}, {action::browse, 25}, {action::end, 30}}});
    } else {
        const bool product = pop_.is_product(e.url);
        const bool cart = s.cart_items > 0;
        next = pick(rng_, std::array<choice, 7>{{{action::browse, 45},
                                                 {action::click, 22},
                                                 {action::search, 5},
                                                 {action::add_to_cart, product ? 6u : 0u},
                                                 {action::remove, cart ? 2u : 0u},
                                                 {action::checkout, cart ? 7u : 0u},
                                                 {action::end, 12}}});
    }
    switch (next) {
        case action::end:
            return false;
        case action::browse:
            e.type = event_type::page_view;
            e.url = browse_url();
            e.time_ms += page_gap(rng_);
            break;
        case action::click:
            e.type = event_type::click;
            e.time_ms += rng_.between(300, 8'000);
            break;
        case action::search:
            e.type = event_type::search;
            e.url = pop_.search;
            e.time_ms += page_gap(rng_);
            break;
        case action::add_to_cart:
            e.type = event_type::add_to_cart;
            e.time_ms += rng_.between(400, 12'000);
            ++s.cart_items;
            break;
        case action::remove:
            e.type = event_type::remove_from_cart;
            e.url = pop_.cart;
            e.time_ms += rng_.between(400, 12'000);
            --s.cart_items;
            break;
        case action::checkout:
            e.type = event_type::checkout;
            e.url = pop_.checkout;
            e.time_ms += page_gap(rng_);
            break;
        case action::purchase:
            e.type = event_type::purchase;
            e.url = pop_.confirmation;
            e.time_ms += rng_.between(15'000, 180'000);
            break;
    }
    return true;
}

click_event session_simulator::next() {
    while (open_.empty() || next_start_ms_ <= sessions_[open_.top()].pending.time_ms) {
        start_session(next_start_ms_);
        next_start_ms_ += rng_.between(0, 2 * cfg_.mean_session_interval_ms);
    }
    const uint32_t slot = open_.top();
    open_.pop();
    session& s = sessions_[slot];
    const click_event out = s.pending;
    if (advance(s)) {
        open_.push(slot);
    } else {
        --user_busy_[out.user];
        free_.push_back(slot);
    }
    return out;
}

}  // namespace cs::tools::gen
