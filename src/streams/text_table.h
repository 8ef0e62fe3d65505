#pragma once

// A text table in the style of ksqlDB's CLI (SHOW / DESCRIBE output):
//  Stream Name | Kafka Topic | Key Format | Value Format | Windowed
// ----------------------------------------------------------------
//  CLICKS      | clicks      | KAFKA      | JSON         | false
// ----------------------------------------------------------------

#include <string>
#include <vector>

namespace cs::streams {

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows);

}  // namespace cs::streams
