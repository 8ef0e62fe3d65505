#pragma once

// Whole-document JSON validation (simdjson), and a top-level field picked out
// as a record key: `produce --format json [--key-field F]` checks every line
// before sending it, so broken JSON is reported with its line number instead
// of reaching the topic.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cs::formats {

class json_checker {
  public:
    json_checker();
    ~json_checker();
    json_checker(const json_checker&) = delete;
    json_checker& operator=(const json_checker&) = delete;

    // padded: text is followed in memory by at least 64 readable bytes (as
    // every line_reader line is), so it is parsed in place; otherwise it is
    // copied first. An error says what is wrong with the document.
    status check(std::string_view text, bool padded);

    // check(), then the value of the top-level field of the object:
    //   a string: its unescaped content;   null: nullopt;
    //   anything else (number, bool, object, array): its compact JSON text.
    // An error when the document is not an object or lacks the field. The
    // view stays valid until the next call.
    result<std::optional<std::string_view>> field(std::string_view text, bool padded,
                                                  std::string_view name);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace cs::formats
