#include "streams/golden_compare.h"

#include <algorithm>

#include <fmt/format.h>

#include "formats/json_writer.h"

namespace cs::streams::golden {

std::string show_bytes(const std::optional<std::string>& b) {
    if (!b) {
        return "null";
    }
    bool printable = formats::is_valid_utf8(*b) && std::none_of(b->begin(), b->end(), [](char c) {
                         return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t';
                     });
    if (printable) {
        return "'" + *b + "'";
    }
    std::string hex = "hex:";
    for (unsigned char c : *b) {
        hex += fmt::format("{:02x}", c);
    }
    return hex;
}

namespace {

std::string show_expected(const data& d) {
    if (d.null) {
        return "null";
    }
    if (d.is_json) {
        return d.bytes + " (compared as JSON)";
    }
    return show_bytes(d.bytes);
}

// Empty when actual matches expected.
std::string diff_data(const data& expected, const std::optional<std::string>& actual) {
    if (expected.null) {
        return actual ? "expected null" : "";
    }
    if (!actual) {
        return "got null";
    }
    if (!expected.is_json) {
        return *actual == expected.bytes ? "" : "bytes differ";
    }
    auto parsed = parse_json(*actual);
    if (!parsed) {
        return "not JSON: " + parsed.err().message;
    }
    if (same_json(expected.parsed, *parsed)) {
        return "";
    }
    return "JSON differs at " + json_difference(expected.parsed, *parsed);
}

std::string show_headers(const header_list& h) {
    std::string s = "{";
    for (size_t i = 0; i < h.size(); ++i) {
        s += (i > 0 ? ", " : "") + h[i].first + "=" + show_bytes(h[i].second);
    }
    return s + "}";
}

const std::optional<std::string>* last_header(const header_list& h, const std::string& name) {
    for (auto it = h.rbegin(); it != h.rend(); ++it) {
        if (it->first == name) {
            return &it->second;
        }
    }
    return nullptr;
}

std::vector<std::string> diff_record(const output& e, const actual_record& a) {
    std::vector<std::string> out;
    if (auto d = diff_data(e.key, a.key); !d.empty()) {
        out.push_back(fmt::format("key: {}\n      expected: {}\n      actual:   {}", d,
                                  show_expected(e.key), show_bytes(a.key)));
    }
    if (auto d = diff_data(e.value, a.value); !d.empty()) {
        out.push_back(fmt::format("value: {}\n      expected: {}\n      actual:   {}", d,
                                  show_expected(e.value), show_bytes(a.value)));
    }
    if (e.partition && *e.partition != a.partition) {
        out.push_back(fmt::format("partition: expected {}, actual {}", *e.partition, a.partition));
    }
    if (e.timestamp && *e.timestamp != a.timestamp_ms) {
        out.push_back(
            fmt::format("timestamp: expected {}, actual {}", *e.timestamp, a.timestamp_ms));
    }
    for (const auto& [name, want] : e.headers) {
        const auto* got = last_header(a.headers, name);
        if (got == nullptr) {
            out.push_back("header " + name + ": missing");
        } else if (*got != want) {
            out.push_back(fmt::format("header {}: expected {}, actual {}", name, show_bytes(want),
                                      show_bytes(*got)));
        }
    }
    for (const auto& [name, part] : e.contains) {
        const auto* got = last_header(a.headers, name);
        if (got == nullptr || !*got) {
            out.push_back("header " + name + ": missing (expected it to contain '" + part + "')");
        } else if ((*got)->find(part) == std::string::npos) {
            out.push_back(fmt::format("header {}: expected to contain '{}', actual {}", name, part,
                                      show_bytes(*got)));
        }
    }
    for (const auto& name : e.present) {
        if (last_header(a.headers, name) == nullptr) {
            out.push_back("header " + name + ": missing");
        }
    }
    return out;
}

}  // namespace

namespace {

// Each expected record matched with a different actual one, greedily.
std::string compare_unordered(const std::vector<const output*>& expected,
                              const std::vector<actual_record>& actual) {
    std::string report;
    std::vector<bool> used(actual.size(), false);
    for (size_t i = 0; i < expected.size(); ++i) {
        bool found = false;
        for (size_t j = 0; j < actual.size() && !found; ++j) {
            if (!used[j] && diff_record(*expected[i], actual[j]).empty()) {
                used[j] = true;
                found = true;
            }
        }
        if (!found) {
            report +=
                fmt::format("  expected record {} has no match: key={} value={}\n", i,
                            show_expected(expected[i]->key), show_expected(expected[i]->value));
        }
    }
    for (size_t j = 0; j < actual.size(); ++j) {
        if (!used[j]) {
            report += fmt::format("  actual record {} not expected: key={} value={}\n", j,
                                  show_bytes(actual[j].key), show_bytes(actual[j].value));
        }
    }
    return report;
}

}  // namespace

std::string compare_topic(const std::string& topic, const std::vector<const output*>& expected,
                          const std::vector<actual_record>& actual, bool unordered) {
    std::string report;
    if (unordered) {
        report = compare_unordered(expected, actual);
    }
    size_t n = unordered ? 0 : std::max(expected.size(), actual.size());
    for (size_t i = 0; i < n; ++i) {
        if (i >= actual.size()) {
            report +=
                fmt::format("  record {}: missing; expected key={} value={}\n", i,
                            show_expected(expected[i]->key), show_expected(expected[i]->value));
            continue;
        }
        if (i >= expected.size()) {
            report += fmt::format("  record {}: not expected: key={} value={}\n", i,
                                  show_bytes(actual[i].key), show_bytes(actual[i].value));
            continue;
        }
        for (const auto& d : diff_record(*expected[i], actual[i])) {
            report += fmt::format("  record {}: {}\n", i, d);
        }
    }
    if (report.empty()) {
        return report;
    }
    std::string out =
        fmt::format("topic {}: expected {} records, got {}{}\n", topic, expected.size(),
                    actual.size(), unordered ? " (compared in any order)" : "") +
        report + "  actual records of " + topic + ":\n";
    for (size_t i = 0; i < actual.size(); ++i) {
        const auto& a = actual[i];
        out += fmt::format("    [{}] partition {} offset {} timestamp {} key={} value={}", i,
                           a.partition, a.offset, a.timestamp_ms, show_bytes(a.key),
                           show_bytes(a.value));
        if (!a.headers.empty()) {
            out += " headers=" + show_headers(a.headers);
        }
        out += '\n';
    }
    return out;
}

}  // namespace cs::streams::golden
