// Test tool: writes Parquet files with the writer, each next to a JSON file
// holding the expected rows and facts, for tests/parquet/verify.mjs to read
// back with DuckDB. Usage: parquet_duckdb_fixtures <output directory>
//
// JSON value conventions (so that nothing depends on JavaScript numbers):
// INT64, TIMESTAMP (microseconds) and DECIMAL (unscaled) values are decimal
// strings; INT32, DATE (days) and DOUBLE are numbers; null is null.

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/json_writer.h"
#include "formats/parquet/byte_sink.h"
#include "formats/parquet/file_writer.h"
#include "formats/parquet/test_support.h"

namespace pq = cs::formats::parquet;

namespace {

// One cell (a variant<..., std::string> trips GCC 12's maybe-uninitialized).
struct cell {
    char kind = 'n';  // n null, b bool, i INT32, l INT64, d DOUBLE, s string
    int64_t i = 0;
    double d = 0;
    std::string s;
};
using row = std::vector<cell>;
cell null_cell() {
    return {};
}
cell b(bool v) {
    return {'b', v ? 1 : 0, 0, {}};
}
cell i32(int32_t v) {
    return {'i', v, 0, {}};
}
cell i64(int64_t v) {
    return {'l', v, 0, {}};
}
cell dbl(double v) {
    return {'d', 0, v, {}};
}
cell str(std::string v) {
    return {'s', 0, 0, std::move(v)};
}

using rng = pq::testing::rng;

struct fixture {
    std::string name;
    pq::schema columns;
    std::vector<row> rows;
    pq::writer_options options;
    int expect_row_groups = -1;  // -1: not fixed
    int expect_min_row_groups = 0;
    std::vector<std::string> dict_only;   // RLE_DICTIONARY pages only
    std::vector<std::string> plain_only;  // no dictionary page at all
    std::vector<std::string> mixed;       // dictionary pages, then PLAIN after the fallback
};

const char* kind(const pq::column_spec& c) {
    switch (c.logical) {
        case pq::logical_type::string:
            return "string";
        case pq::logical_type::timestamp_micros:
            return "timestamp";
        case pq::logical_type::date:
            return "date";
        case pq::logical_type::time_millis:
            return "time_millis";
        case pq::logical_type::timestamp_millis:
            return "timestamp_millis";
        case pq::logical_type::decimal:
            return "decimal";
        case pq::logical_type::none:
            break;
    }
    switch (c.type) {
        case pq::physical_type::boolean:
            return "boolean";
        case pq::physical_type::int32:
            return "int32";
        case pq::physical_type::int64:
            return "int64";
        case pq::physical_type::float_:
            return "float";
        case pq::physical_type::double_:
            return "double";
        case pq::physical_type::byte_array:
            return "bytes";
    }
    return "?";
}

void put(pq::file_writer& w, size_t col, const cell& v) {
    switch (v.kind) {
        case 'b':
            return w.put_bool(col, v.i != 0);
        case 'i':
            return w.put_int32(col, static_cast<int32_t>(v.i));
        case 'l':
            return w.put_int64(col, v.i);
        case 'd':
            return w.put_double(col, v.d);
        case 's':
            return w.put_string(col, v.s);
        default:
            return w.put_null(col);
    }
}

void append_json(std::string& out, const cell& v) {
    switch (v.kind) {
        case 'b':
            out += v.i != 0 ? "true" : "false";
            break;
        case 'i':
            out += std::to_string(v.i);
            break;
        case 'l':
            out += '"' + std::to_string(v.i) + '"';
            break;
        case 'd':
            out += fmt::format("{}", v.d);
            break;
        case 's':
            cs::formats::append_json_string(out, v.s);
            break;
        default:
            out += "null";
    }
}

void append_names(std::string& out, const std::vector<std::string>& names) {
    out += '[';
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        cs::formats::append_json_string(out, names[i]);
    }
    out += ']';
}

bool write_fixture(const fixture& f, const std::string& dir) {
    std::string path = dir + "/" + f.name + ".parquet";
    auto sink = pq::file_sink::create(path);
    if (!sink) {
        fmt::print(stderr, "{}\n", sink.err().message);
        return false;
    }
    auto w = pq::file_writer::open(**sink, f.columns, f.options);
    if (!w) {
        fmt::print(stderr, "{}: {}\n", f.name, w.err().message);
        return false;
    }
    for (const row& r : f.rows) {
        for (size_t c = 0; c < r.size(); ++c) {
            put(**w, c, r[c]);
        }
        if (auto st = (*w)->end_row(); !st.ok()) {
            fmt::print(stderr, "{}: {}\n", f.name, st.message());
            return false;
        }
    }
    if (auto st = (*w)->close(); !st.ok()) {
        fmt::print(stderr, "{}: {}\n", f.name, st.message());
        return false;
    }

    std::string j = "{\"file\":";
    cs::formats::append_json_string(j, path);
    j += fmt::format(
        ",\"codec\":\"{}\",\"row_groups_written\":{},\"expect_row_groups\":{},"
        "\"expect_min_row_groups\":{},\"created_by\":",
        pq::compression_name(f.options.codec), (*w)->row_groups(), f.expect_row_groups,
        f.expect_min_row_groups);
    cs::formats::append_json_string(j, f.options.created_by.empty()
                                           ? "clickstream version " CLICKSTREAM_VERSION
                                           : f.options.created_by);
    j += ",\"kv\":{";
    for (size_t i = 0; i < f.options.key_value_metadata.size(); ++i) {
        if (i > 0) {
            j += ',';
        }
        cs::formats::append_json_string(j, f.options.key_value_metadata[i].first);
        j += ':';
        cs::formats::append_json_string(j, f.options.key_value_metadata[i].second);
    }
    j += "},\"dict_only\":";
    append_names(j, f.dict_only);
    j += ",\"plain_only\":";
    append_names(j, f.plain_only);
    j += ",\"mixed\":";
    append_names(j, f.mixed);
    j += ",\"columns\":[";
    for (size_t i = 0; i < f.columns.size(); ++i) {
        const auto& c = f.columns[i];
        if (i > 0) {
            j += ',';
        }
        j += "{\"name\":";
        cs::formats::append_json_string(j, c.name);
        j += fmt::format(",\"kind\":\"{}\",\"optional\":{},\"precision\":{},\"scale\":{}}}",
                         kind(c), c.rep == pq::repetition::optional, c.precision, c.scale);
    }
    j += "],\"rows\":[\n";
    for (size_t r = 0; r < f.rows.size(); ++r) {
        j += r == 0 ? "[" : ",\n[";
        for (size_t c = 0; c < f.rows[r].size(); ++c) {
            if (c > 0) {
                j += ',';
            }
            append_json(j, f.rows[r][c]);
        }
        j += ']';
    }
    j += "]}\n";
    std::ofstream out(dir + "/" + f.name + ".json", std::ios::binary);
    out << j;
    return static_cast<bool>(out);
}

// Clickstream-shaped columns plus every other supported type.
pq::schema wide_schema() {
    using pq::column_spec;
    using pq::repetition;
    return {
        column_spec::string("event_id", repetition::required),    // unique: PLAIN fallback
        column_spec::string("user_id"),                           // ~60 values, some null
        column_spec::string("event_type", repetition::required),  // 5 values
        column_spec::timestamp_micros("ts", repetition::required),
        column_spec::float64("amount"),
        column_spec::int32("quantity"),
        column_spec::int64("big", repetition::required),
        column_spec::boolean("flag"),
        column_spec::date("day"),
        column_spec::decimal("price", 12, 2),
        column_spec::string("constant", repetition::required),  // one dictionary entry
    };
}

std::vector<row> wide_rows(size_t n, uint64_t seed) {
    static const char* kTypes[] = {"page_view", "click", "add_to_cart", "purchase", "søk 🔍"};
    rng g{seed};
    std::vector<row> rows;
    int64_t ts = 1736899200000000;  // 2025-01-15T00:00:00Z
    for (size_t i = 0; i < n; ++i) {
        row r;
        r.push_back(str(fmt::format("evt-{:08x}-{}", g.next() & 0xffffffff, i)));
        if (g.below(10) == 0) {
            r.push_back(null_cell());
        } else {
            uint64_t u = g.below(60);
            r.push_back(str(u == 0 ? std::string() : fmt::format("user-{}", u)));
        }
        r.push_back(str(std::string(kTypes[g.below(5)])));
        ts += static_cast<int64_t>(g.below(5'000'000));
        r.push_back(i64(ts));
        if (g.below(7) == 0) {
            r.push_back(null_cell());
        } else {
            r.push_back(dbl(
                static_cast<double>(static_cast<int64_t>(g.below(2'000'000)) - 1'000'000) / 128.0));
        }
        if (g.below(5) == 0) {
            r.push_back(null_cell());
        } else {
            r.push_back(i32(static_cast<int32_t>(g.below(200)) - 100));
        }
        r.push_back(i64(static_cast<int64_t>(g.next())));  // full int64 range
        if (g.below(4) == 0) {
            r.push_back(null_cell());
        } else {
            r.push_back(b(g.below(3) == 0));
        }
        if (g.below(6) == 0) {
            r.push_back(null_cell());
        } else {
            r.push_back(i32(static_cast<int32_t>(20000 + g.below(400)) - 200));
        }
        if (g.below(8) == 0) {
            r.push_back(null_cell());
        } else {
            r.push_back(i64(static_cast<int64_t>(g.below(10'000'000'000ULL)) - 5'000'000'000));
        }
        r.push_back(str("same"));
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        fmt::print(stderr, "usage: {} <output directory>\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    std::vector<fixture> all;

    for (pq::compression c : {pq::compression::none, pq::compression::snappy, pq::compression::gzip,
                              pq::compression::zstd, pq::compression::lz4_raw}) {
        fixture f;
        f.name = fmt::format("codec_{}", pq::compression_name(c));
        f.columns = wide_schema();
        f.rows = wide_rows(5000, 42 + static_cast<uint64_t>(c));
        f.options.codec = c;
        f.options.row_group_rows = 1500;  // 4 row groups: 1500, 1500, 1500, 500
        f.options.column.page_values = 700;
        f.options.key_value_metadata = {{"clickstream.test", "codec " + f.name}};
        f.expect_row_groups = 4;
        f.dict_only = {"user_id", "event_type", "quantity", "day", "constant"};
        f.plain_only = {"event_id", "ts", "big", "flag"};
        all.push_back(std::move(f));
    }
    {
        // Low cardinality for the first 1000 values, then every value new: the
        // dictionary passes 4 KiB and the rest of the chunk is PLAIN.
        fixture f;
        f.name = "dictionary_fallback";
        f.columns = {pq::column_spec::string("s"), pq::column_spec::int64("n")};
        for (int i = 0; i < 3000; ++i) {
            row r;
            if (i % 97 == 5) {
                r.push_back(null_cell());
            } else {
                r.push_back(str(i < 1000 ? fmt::format("v{}", i % 10)
                                         : fmt::format("unique-value-{:06}", i)));
            }
            r.push_back(i64(static_cast<int64_t>(i < 1000 ? i % 7 : i * 1000003LL)));
            f.rows.push_back(std::move(r));
        }
        f.options.codec = pq::compression::snappy;
        f.options.column.dictionary_max_bytes = 4096;
        f.options.column.page_values = 250;
        f.expect_row_groups = 1;
        f.mixed = {"s", "n"};
        all.push_back(std::move(f));
    }
    {
        fixture f;
        f.name = "cut_by_bytes";
        f.columns = wide_schema();
        f.rows = wide_rows(20000, 7);
        f.options.codec = pq::compression::zstd;
        f.options.row_group_bytes = 96 << 10;
        f.expect_min_row_groups = 3;
        all.push_back(std::move(f));
    }
    {
        fixture f;
        f.name = "all_null";
        f.columns = {pq::column_spec::string("s"), pq::column_spec::timestamp_micros("t"),
                     pq::column_spec::float64("d"), pq::column_spec::boolean("b")};
        for (int i = 0; i < 300; ++i) {
            f.rows.push_back(row(4, null_cell()));
        }
        f.options.codec = pq::compression::gzip;
        f.options.row_group_rows = 200;
        f.expect_row_groups = 2;
        all.push_back(std::move(f));
    }
    {
        fixture f;
        f.name = "empty";
        f.columns = wide_schema();
        f.options.codec = pq::compression::snappy;
        f.expect_row_groups = 0;
        all.push_back(std::move(f));
    }

    for (const fixture& f : all) {
        if (!write_fixture(f, dir)) {
            return 1;
        }
        fmt::print("wrote {}/{}.parquet ({} rows)\n", dir, f.name, f.rows.size());
    }
    return 0;
}
