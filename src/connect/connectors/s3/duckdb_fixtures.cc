// Writes Parquet objects with the S3 sink task into a local store, plus
// expected.json: for every scenario, every record put (its "seq" field, the
// object-key prefix its partitioner must have chosen, and its row as
// canonical strings). tests/s3/verify.mjs then reads every object with
// DuckDB and checks that the rows across all objects equal the records:
// none missing, none duplicated, each under the right prefix.
//
// Usage: s3_sink_duckdb_fixtures <scratch directory>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "connect/connectors/s3/s3_sink_task.h"
#include "connect/connectors/s3/test_records.h"
#include "formats/json_writer.h"

namespace s3 = cs::connect::s3;
using cs::connect::config_map;
using cs::connect::data;
using cs::connect::record;

namespace {

std::string canonical(const std::string& column, const data& v) {
    if (v.is_null()) {
        return "null";
    }
    std::string out;
    if (v.is_string()) {
        if (column == "timestamp") {
            out = std::to_string(*s3::parse_iso8601_micros(v.as_string()));
        } else {
            out = v.as_string();
        }
    } else if (v.is_int()) {
        out = std::to_string(v.as_int());
    } else if (v.is_double()) {
        out = fmt::format("{}", v.as_double());
    } else if (v.is_bool()) {
        out = v.as_bool() ? "true" : "false";
    }
    std::string q;
    cs::formats::append_json_string(q, out);
    return q;
}

struct scenario {
    std::string name;
    config_map config;
    std::vector<std::vector<record>> batches;
    std::function<std::string(const record&)> prefix;
};

std::string hour_prefix(const record& r) {
    const auto& ts = s3::find_value_field(r.value, "timestamp")->as_string();
    return fmt::format("topics/{}/year={}/month={}/day={}/hour={}/", r.topic, ts.substr(0, 4),
                       ts.substr(5, 2), ts.substr(8, 2), ts.substr(11, 2));
}

std::vector<std::vector<record>> click_batches(const std::string& topic, int64_t n, int64_t batch,
                                               int64_t referrer_from = -1) {
    std::vector<std::vector<record>> out;
    for (int64_t from = 0; from < n; from += batch) {
        std::vector<record> b;
        for (int32_t p = 0; p < 2; ++p) {
            for (int64_t i = from; i < std::min(n, from + batch); ++i) {
                b.push_back(s3::testing::click_event(topic, p, i, i + p * 3,
                                                     referrer_from >= 0 && i >= referrer_from));
            }
        }
        out.push_back(std::move(b));
    }
    return out;
}

config_map seed(const std::string& root) {
    return {{"connector.class", "io.confluent.connect.s3.S3SinkConnector"},
            {"topics", "enriched-clickstream"},
            {"s3.bucket.name", "bucket"},
            {"s3.region", "us-east-1"},
            {"s3.part.size", "5242880"},
            {"flush.size", "1000"},
            {"storage.class", "io.confluent.connect.s3.storage.S3Storage"},
            {"format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat"},
            {"partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"},
            {"path.format", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH"},
            {"locale", "en"},
            {"timezone", "UTC"},
            {"timestamp.extractor", "RecordField"},
            {"timestamp.field", "timestamp"},
            {"store.url", "file://" + root},
            // Lands the last, partial sets once the scenario is done.
            {"rotate.schedule.interval.ms", "60000"}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: s3_sink_duckdb_fixtures <dir>\n";
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::vector<scenario> scenarios;
    const std::string topic = "enriched-clickstream";
    scenarios.push_back(
        {"seed", seed((dir / "seed").string()), click_batches(topic, 120, 50), hour_prefix});
    for (const char* codec : {"snappy", "zstd", "gzip", "lz4_raw", "none"}) {
        config_map c = seed((dir / fmt::format("codec-{}", codec)).string());
        c["parquet.codec"] = codec;
        c["flush.size"] = "7";
        scenarios.push_back(
            {fmt::format("codec-{}", codec), c, click_batches(topic, 60, 25), hour_prefix});
    }
    {
        config_map c = seed((dir / "field").string());
        c["partitioner.class"] = "io.confluent.connect.storage.partitioner.FieldPartitioner";
        c["partition.field.name"] = "event_type";
        c["flush.size"] = "5";
        c["parquet.codec"] = "zstd";
        scenarios.push_back({"field", c, click_batches(topic, 50, 50), [](const record& r) {
                                 return fmt::format(
                                     "topics/{}/event_type={}/", r.topic,
                                     s3::find_value_field(r.value, "event_type")->as_string());
                             }});
    }
    {
        config_map c = seed((dir / "evolve").string());
        c["partitioner.class"] = "DefaultPartitioner";
        c["flush.size"] = "100";
        scenarios.push_back(
            {"evolve", c, click_batches(topic, 30, 30, /*referrer_from=*/12), [](const record& r) {
                 return fmt::format("topics/{}/partition={}/", r.topic, r.partition.value_or(0));
             }});
    }

    std::string json = "{\"scenarios\":[";
    for (size_t si = 0; si < scenarios.size(); ++si) {
        auto& sc = scenarios[si];
        s3::testing::collecting_reporter rep;
        cs::manual_clock clk;
        s3::s3_sink_task task(clk);
        if (auto st = task.start(sc.config, rep); !st) {
            std::cerr << sc.name << ": start: " << st.message() << "\n";
            return 1;
        }
        if (si > 0) {
            json += ',';
        }
        json += fmt::format("{{\"name\":\"{}\",\"root\":", sc.name);
        cs::formats::append_json_string(json, (dir / sc.name / "bucket").string());
        json += ",\"records\":[";
        bool first = true;
        for (const auto& batch : sc.batches) {
            if (auto st = task.put(batch); !st) {
                std::cerr << sc.name << ": put: " << st.message() << "\n";
                return 1;
            }
            for (const auto& r : batch) {
                json += first ? "" : ",";
                first = false;
                json += "{\"prefix\":";
                cs::formats::append_json_string(json, sc.prefix(r));
                json += fmt::format(",\"offset\":{},\"partition\":{},\"row\":{{", r.kafka_offset,
                                    r.partition.value_or(0));
                bool f2 = true;
                for (const auto& [k, v] : r.value.as_map()) {
                    json += f2 ? "" : ",";
                    f2 = false;
                    cs::formats::append_json_string(json, k.as_string());
                    json += ':';
                    json += canonical(k.as_string(), v);
                }
                json += "}}";
            }
        }
        json += "]}";
        clk.advance_ms(3'600'000);
        if (auto st = task.put({}); !st) {
            std::cerr << sc.name << ": final put: " << st.message() << "\n";
            return 1;
        }
        if (!rep.reported.empty()) {
            std::cerr << sc.name << ": " << rep.reported.size()
                      << " errant records, first: " << rep.reported[0].second << "\n";
            return 1;
        }
        task.stop();
        std::cout << sc.name << ": " << task.objects_written() << " objects\n";
    }
    json += "]}";
    std::ofstream(dir / "expected.json") << json;
    return 0;
}
