#include "connect/data_json.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "connect/converters/encoding.h"
#include "formats/json_writer.h"

namespace cs::connect {

namespace {

template <class Range, class Each>
void append_joined(std::string& out, char open, char close, const Range& items, Each&& each) {
    out += open;
    bool first = true;
    for (const auto& item : items) {
        if (!first) {
            out += ',';
        }
        first = false;
        each(item);
    }
    out += close;
}

}  // namespace

void append_plain_json(std::string& out, const data& v) {
    if (v.is_null()) {
        out += "null";
    } else if (v.is_bool()) {
        out += v.as_bool() ? "true" : "false";
    } else if (v.is_int()) {
        fmt::format_to(std::back_inserter(out), "{}", v.as_int());
    } else if (v.is_double()) {
        const double d = v.as_double();
        if (std::isfinite(d)) {
            // A FLOAT64 keeps its fraction, as Jackson writes it (1.0, not
            // 1), so readers that infer types see a double.
            const size_t start = out.size();
            fmt::format_to(std::back_inserter(out), "{}", d);
            if (out.find_first_of(".eE", start) == std::string::npos) {
                out += ".0";
            }
        } else {
            out += "null";  // JSON has no NaN or Infinity
        }
    } else if (v.is_string()) {
        formats::append_json_string(out, v.as_string());
    } else if (v.is_bytes()) {
        formats::append_json_string(out, base64_encode(v.as_bytes().data));
    } else if (v.is_list()) {
        append_joined(out, '[', ']', v.as_list(),
                      [&](const data& item) { append_plain_json(out, item); });
    } else if (v.is_map()) {
        const auto& m = v.as_map();
        const bool string_keys =
            std::all_of(m.begin(), m.end(), [](const auto& kv) { return kv.first.is_string(); });
        append_joined(out, string_keys ? '{' : '[', string_keys ? '}' : ']', m,
                      [&](const auto& kv) {
                          if (string_keys) {
                              formats::append_json_string(out, kv.first.as_string());
                              out += ':';
                              append_plain_json(out, kv.second);
                          } else {
                              out += '[';
                              append_plain_json(out, kv.first);
                              out += ',';
                              append_plain_json(out, kv.second);
                              out += ']';
                          }
                      });
    } else if (v.is_struct()) {
        const auto& s = v.as_struct();
        out += '{';
        for (size_t i = 0; i < s.values.size(); ++i) {
            if (i > 0) {
                out += ',';
            }
            formats::append_json_string(out, s.schema && i < s.schema->fields.size()
                                                 ? s.schema->fields[i].name
                                                 : fmt::format("f{}", i));
            out += ':';
            append_plain_json(out, s.values[i]);
        }
        out += '}';
    }
}

}  // namespace cs::connect
