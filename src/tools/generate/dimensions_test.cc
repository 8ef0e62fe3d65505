#include "tools/generate/dimensions.h"

#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "testing/test_brokers.h"
#include "tools/generate/generator.h"
#include "tools/generate/test_events.h"

namespace cs::tools::gen {
namespace {

using row = std::map<std::string, std::string>;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Splits one CSV line (RFC 4180 quotes; the files have no multi-line fields).
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            out.back() += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

// Rows of a CSV file keyed by its first column, fields named by the header.
std::map<std::string, row> read_csv(const std::filesystem::path& p,
                                    std::vector<std::string>& header) {
    std::istringstream in(slurp(p));
    std::string line;
    std::getline(in, line);
    header = split_csv(line);
    std::map<std::string, row> rows;
    while (std::getline(in, line)) {
        auto fields = split_csv(line);
        EXPECT_EQ(fields.size(), header.size()) << line;
        row r;
        for (size_t i = 0; i < fields.size() && i < header.size(); ++i) {
            r[header[i]] = fields[i];
        }
        rows[fields[0]] = r;
    }
    return rows;
}

// Rows of a JSON lines file keyed by key_field; values as text (null: "").
std::map<std::string, row> read_jsonl(const std::filesystem::path& p, const char* key_field) {
    std::istringstream in(slurp(p));
    std::string line;
    std::map<std::string, row> rows;
    simdjson::dom::parser parser;
    while (std::getline(in, line)) {
        simdjson::dom::object obj;
        EXPECT_EQ(parser.parse(line).get(obj), simdjson::SUCCESS) << line;
        row r;
        for (auto [k, v] : obj) {
            std::string_view s;
            double price = 0;
            if (v.get(s) == simdjson::SUCCESS) {
                r[std::string(k)] = std::string(s);
            } else if (v.is_null()) {
                r[std::string(k)] = "";
            } else {
                EXPECT_EQ(v.get(price), simdjson::SUCCESS) << line;
                r[std::string(k)] = fmt::format("{:.2f}", price);
            }
        }
        rows[r[key_field]] = r;
    }
    return rows;
}

TEST(Dimensions, CsvAndJsonLinesHoldTheSameRowsAndJoinEveryValidEvent) {
    generator g({.seed = 17,
                 .start_ms = 1'767'225'600'000,
                 .users = 500,
                 .urls = 120,
                 .unknown_ratio = 0.1});
    cs::testing::temp_dir dir;
    ASSERT_TRUE(write_dimensions(g.dimensions(), dir.path() / "dims").ok());
    const auto d = dir.path() / "dims";

    std::vector<std::string> uh, dh, rh;
    auto users = read_csv(d / "users.csv", uh);
    auto devices = read_csv(d / "devices.csv", dh);
    auto urls = read_csv(d / "urls.csv", rh);
    EXPECT_EQ(
        uh, (std::vector<std::string>{"user_id", "user_name", "email", "country", "signup_date"}));
    EXPECT_EQ(dh,
              (std::vector<std::string>{"device_id", "user_id", "device_type", "os", "browser"}));
    EXPECT_EQ(rh, (std::vector<std::string>{"url", "url_category", "section", "price"}));
    EXPECT_EQ(users.size(), 500u);
    EXPECT_EQ(devices.size(), g.dimensions().devices.size());
    EXPECT_EQ(urls.size(), 120u);
    EXPECT_EQ(read_jsonl(d / "users.jsonl", "user_id"), users);
    EXPECT_EQ(read_jsonl(d / "devices.jsonl", "device_id"), devices);
    EXPECT_EQ(read_jsonl(d / "urls.jsonl", "url"), urls);

    for (const auto& [id, dev] : devices) {
        EXPECT_TRUE(users.count(dev.at("user_id"))) << id;
        EXPECT_TRUE(dev.at("device_type") == "mobile" || dev.at("device_type") == "desktop" ||
                    dev.at("device_type") == "tablet");
    }
    // The seeds' EnrichedClick: every valid event finds its user_name,
    // device_type and url_category; events with an unknown id miss one join.
    int joined = 0, missed = 0;
    for (int i = 0; i < 3000; ++i) {
        const auto& r = g.next();
        auto e = testing::parse_event(r.value);
        ASSERT_TRUE(e.has_value());
        auto u = users.find(e->user_id);
        auto v = devices.find(e->device_id);
        auto w = urls.find(e->url);
        bool all = u != users.end() && v != devices.end() && w != urls.end();
        EXPECT_EQ(all, r.kind == record_kind::valid) << r.value;
        if (all) {
            ++joined;
            EXPECT_FALSE(u->second.at("user_name").empty());
            EXPECT_FALSE(v->second.at("device_type").empty());
            EXPECT_FALSE(w->second.at("url_category").empty());
        } else {
            ++missed;
        }
    }
    EXPECT_GT(joined, 2500);
    EXPECT_GT(missed, 200);
}

TEST(Dimensions, UnwritableDirectoryIsAnError) {
    generator g({.seed = 1, .users = 3});
    cs::testing::temp_dir dir;
    std::ofstream(dir.path() / "file") << "x";
    auto s = write_dimensions(g.dimensions(), dir.path() / "file" / "sub");
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("file"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace cs::tools::gen
