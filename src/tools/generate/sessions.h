#pragma once

// Simulated visitors: sessions start at a steady average rate; each is one
// user on one of their devices walking the site (page views of Zipf-popular
// pages, clicks, searches, cart and checkout) with realistic pauses between
// events. Events of all open sessions come out merged in time order. Time is
// simulated: it starts at start_ms and advances by the model, never by the
// wall clock.
//
// Funnel invariants (tests rely on them): add_to_cart happens on product
// pages; checkout only with a non-empty cart; purchase only right after a
// checkout, so never without an add_to_cart earlier in the same session.

#include <cstdint>
#include <queue>
#include <string_view>
#include <vector>

#include "tools/generate/population.h"
#include "tools/generate/random.h"

namespace cs::tools::gen {

enum class event_type : uint8_t {
    page_view,
    click,
    search,
    add_to_cart,
    remove_from_cart,
    checkout,
    purchase
};
std::string_view event_type_name(event_type t);

struct click_event {
    int64_t time_ms = 0;
    uint32_t user = 0;    // index into population::users
    uint32_t device = 0;  // index into population::devices
    uint32_t url = 0;     // index into population::urls
    event_type type = event_type::page_view;
    uint64_t session = 0;  // session id (see session_id_text)
};

// "s" and 16 hex digits: ids look random but are unique per run.
std::string session_id_text(uint64_t session);

struct session_config {
    // Mean simulated time between two session starts (uniform in [0, 2×mean]).
    int64_t mean_session_interval_ms = 100;
    uint32_t max_events_per_session = 200;
};

class session_simulator {
  public:
    session_simulator(const population& p, uint64_t seed, int64_t start_ms,
                      session_config cfg = {});
    // The next event in time order (ties: the session that started first).
    click_event next();

  private:
    struct session {
        click_event pending;  // the event this session emits next
        uint32_t cart_items = 0;
        uint32_t emitted = 0;
        uint64_t order = 0;  // start order, for deterministic ties
    };
    struct later {
        const std::vector<session>* all;
        bool operator()(uint32_t a, uint32_t b) const;
    };

    void start_session(int64_t at);
    // Decides what session s does after its pending event; false: it ends.
    bool advance(session& s);
    uint32_t browse_url();

    const population& pop_;
    session_config cfg_;
    rng rng_;
    uint64_t session_mix_;
    uint64_t started_ = 0;
    int64_t next_start_ms_;
    std::vector<session> sessions_;  // slots; free ones listed in free_
    std::vector<uint32_t> free_;
    std::vector<uint32_t> user_busy_;  // open sessions per user
    std::priority_queue<uint32_t, std::vector<uint32_t>, later> open_;
};

}  // namespace cs::tools::gen
