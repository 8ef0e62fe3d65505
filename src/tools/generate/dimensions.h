#pragma once

// The dimension tables behind the events, written for enrichment joins:
//   users.csv   / users.jsonl     user_id, user_name, email, country, signup_date
//   devices.csv / devices.jsonl   device_id, user_id, device_type, os, browser
//   urls.csv    / urls.jsonl      url, url_category, section, price
// CSV has a header row (RFC 4180 quoting); JSON lines have one object per
// row with the same names (price: a number, or null outside product pages;
// in CSV an empty field). Joining the events on user_id, device_id and url
// yields the seeds' EnrichedClick fields user_name, device_type, url_category.

#include <filesystem>
#include <string>

#include "base/result.h"
#include "tools/generate/population.h"

namespace cs::tools::gen {

// Creates dir when missing; overwrites the six files.
status write_dimensions(const population& p, const std::filesystem::path& dir);

// The file contents, for callers that publish them elsewhere (e.g. to the
// compacted users/devices/urls topics).
std::string users_csv(const population& p);
std::string devices_csv(const population& p);
std::string urls_csv(const population& p);
std::string users_jsonl(const population& p);
std::string devices_jsonl(const population& p);
std::string urls_jsonl(const population& p);

}  // namespace cs::tools::gen
