#pragma once

// Time zones (streams time functions and TIMESTAMP_FORMAT, the S3 sink's
// partitioner, the JDBC sink's db.timezone): "UTC"/"Z"/"GMT",
// fixed offsets ("+02:00", "-0530", "UTC+2", "GMT-03:00") and IANA region
// names ("Europe/Paris"), read from the system's TZif files under
// /usr/share/zoneinfo (never through TZ/setenv/localtime_r, which are not
// thread-safe). Zones are loaded once and shared (the registry is
// process-wide and thread-safe); a time_zone handle is cheap to copy.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cs {

class time_zone {
  public:
    // UTC.
    time_zone();

    // errc::invalid_argument for an unknown or malformed zone id.
    static result<time_zone> find(std::string_view id);
    static time_zone fixed(int32_t offset_seconds);
    static time_zone utc() { return {}; }

    // Offset from UTC (seconds) in effect at the instant `epoch_seconds`.
    int32_t offset_at(int64_t epoch_seconds) const;
    // Offset to use for a local wall-clock time (seconds since the epoch as if
    // the local time were UTC). In a gap the earlier offset is used, in an
    // overlap the earlier instant (java.time's ZonedDateTime.of behaviour).
    int32_t offset_for_local(int64_t local_seconds) const;

    const std::string& id() const;

    struct transitions;  // defined in time_zone.cc

  private:
    std::shared_ptr<const transitions> zone_;  // null: fixed offset
    int32_t fixed_offset_ = 0;
    std::shared_ptr<const std::string> id_;
};

}  // namespace cs
