#include "tools/generate/generator.h"

#include <fmt/format.h>

#include "tools/generate/event_json.h"

namespace cs::tools::gen {

status validate(const generator_config& cfg) {
    if (cfg.users < 1) {
        return {errc::invalid_argument, "--users must be at least 1"};
    }
    if (cfg.urls < min_urls) {
        return {errc::invalid_argument,
                fmt::format("--urls must be at least {} (the site's fixed pages)", min_urls)};
    }
    auto in_unit = [](double r) { return r >= 0 && r <= 1; };
    if (!in_unit(cfg.unknown_ratio) || !in_unit(cfg.malformed_ratio) ||
        cfg.unknown_ratio + cfg.malformed_ratio > 1) {
        return {errc::invalid_argument,
                "--unknown-ratio and --malformed-ratio must be in [0, 1] and sum to at most 1"};
    }
    if (cfg.sessions.mean_session_interval_ms < 0 || cfg.sessions.max_events_per_session < 1) {
        return {errc::invalid_argument, "session settings out of range"};
    }
    return {};
}

generator::generator(const generator_config& cfg)
    : cfg_(cfg),
      pop_(make_population(
          {.seed = cfg.seed, .users = cfg.users, .urls = cfg.urls, .start_ms = cfg.start_ms})),
      sim_(pop_, cfg.seed, cfg.start_ms, cfg.sessions),
      faults_(derive_seed(cfg.seed, 5)),
      malformed_below_(ratio_threshold(cfg.malformed_ratio)),
      faulty_below_(ratio_threshold(cfg.malformed_ratio + cfg.unknown_ratio)) {}

const generated_record& generator::next() {
    const click_event ev = sim_.next();
    const user& u = pop_.users[ev.user];
    session_id_ = session_id_text(ev.session);
    event_fields f{.time_ms = ev.time_ms,
                   .user_id = u.id,
                   .url = pop_.urls[ev.url].url,
                   .device_id = pop_.devices[ev.device].id,
                   .event_type = event_type_name(ev.type),
                   .session_id = session_id_};
    // One draw per record from its own stream decides the kind: the ratios
    // hold in expectation and the simulated events do not depend on them.
    const uint64_t x = faults_.bits53();
    rec_.kind = x < malformed_below_ ? record_kind::malformed
                : x < faulty_below_  ? record_kind::unknown_id
                                     : record_kind::valid;
    if (rec_.kind == record_kind::unknown_id) {
        // Ids outside every table: numbers past the population, a product
        // section the catalogue never has.
        switch (faults_.below(3)) {
            case 0:
                unknown_id_ = fmt::format("u{:07}", pop_.users.size() + faults_.below(1'000'000));
                f.user_id = unknown_id_;
                break;
            case 1:
                unknown_id_ = fmt::format("d{:07}", pop_.devices.size() + faults_.below(1'000'000));
                f.device_id = unknown_id_;
                break;
            default:
                unknown_id_ = fmt::format("/products/discontinued/{}", faults_.below(1'000'000));
                f.url = unknown_id_;
                break;
        }
    }
    rec_.key.assign(f.user_id);
    rec_.value.clear();
    rec_.timestamp_ms = ev.time_ms;
    if (rec_.kind == record_kind::malformed) {
        auto kind = static_cast<malformed_kind>(faults_.below(malformed_kinds));
        append_malformed(rec_.value, f, kind, faults_);
    } else {
        append_event_json(rec_.value, f);
    }
    ++counts_[static_cast<size_t>(rec_.kind)];
    return rec_;
}

}  // namespace cs::tools::gen
