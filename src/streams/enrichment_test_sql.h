#pragma once

// The seeds' enrichment query (a click stream LEFT JOINed with the users,
// devices and urls tables), without its trailing `;`, for tests that plan
// or run it.

#include <string>

namespace cs::streams::testing {

inline const std::string enrichment_csas =
    "CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched-clickstream') AS\n"
    "  SELECT c.`timestamp` AS `timestamp`, c.`user_id` AS `user_id`, c.`device_id` AS "
    "`device_id`, c.`url` AS `url`, u.`user_name` AS `user_name`, d.`device_type` AS "
    "`device_type`, l.`url_category` AS `url_category`\n"
    "  FROM clickstream c\n"
    "  LEFT JOIN users u ON c.`user_id` = u.`user_id`\n"
    "  LEFT JOIN devices d ON d.`device_id` = c.`device_id`\n"
    "  LEFT JOIN urls l ON c.`url` = l.`url`";

}  // namespace cs::streams::testing
