// Test tool: writes lists.parquet with LIST and MAP columns (repetition
// levels), plus lists.json with the expected rows (each column as the JSON
// DuckDB's to_json gives), the expected level entries and nulls per leaf
// column, for tests/parquet/lists.mjs to read back with DuckDB.
// Usage: parquet_list_fixtures <output directory>
//
// Columns (all INT64 values stay within +-2^40, exact as JSON numbers):
//   id    required int64
//   ints  optional LIST<optional int64>
//   strs  required LIST<required string>          (dictionary encoded)
//   pts   optional LIST<optional STRUCT<x required int64, y optional string>>
//   m     optional MAP<string, optional int64>
//   nn    optional LIST<optional LIST<optional int64>>   (repetition level 2)
//   s     optional STRUCT<tags optional LIST<optional string>>
// Small pages (page_values 64) and row groups of 700 rows; row 1000 holds a
// 500-element list, longer than a page.

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

using grp = pq::column_spec::group;
constexpr auto kOpt = pq::repetition::optional;
constexpr auto kReq = pq::repetition::required;
constexpr auto kRep = pq::repetition::repeated;

pq::column_spec in(pq::column_spec c, std::vector<grp> groups) {
    c.groups = std::move(groups);
    return c;
}

pq::schema columns() {
    const grp ints{"ints", kOpt, pq::group_type::list};
    const grp strs{"strs", kReq, pq::group_type::list};
    const grp pts{"pts", kOpt, pq::group_type::list};
    const grp m{"m", kOpt, pq::group_type::map};
    const grp nn{"nn", kOpt, pq::group_type::list};
    const grp s{"s", kOpt, pq::group_type::none};
    const grp tags{"tags", kOpt, pq::group_type::list};
    const grp list{"list", kRep, pq::group_type::none};
    const grp kv{"key_value", kRep, pq::group_type::none};
    const grp pt{"element", kOpt, pq::group_type::none};
    const grp inner{"element", kOpt, pq::group_type::list};
    return {
        pq::column_spec::int64("id", kReq),
        in(pq::column_spec::int64("element"), {ints, list}),
        in(pq::column_spec::string("element", kReq), {strs, list}),
        in(pq::column_spec::int64("x", kReq), {pts, list, pt}),
        in(pq::column_spec::string("y"), {pts, list, pt}),
        in(pq::column_spec::string("key", kReq), {m, kv}),
        in(pq::column_spec::int64("value"), {m, kv}),
        in(pq::column_spec::int64("element"), {nn, list, inner, list}),
        in(pq::column_spec::string("element"), {s, tags, list}),
    };
}

using pq::testing::rng;

int64_t int40(rng& r) {
    return static_cast<int64_t>(r.next() % (1ULL << 41)) - (1LL << 40);
}

// Puts level entries into one leaf column and counts them (and the nulls:
// entries below the maximum definition level) independently of the writer.
struct leaf {
    pq::column_writer* w = nullptr;
    int64_t entries = 0;
    int64_t nulls = 0;
    pq::column_writer& at(uint8_t rep) {
        if (rep > 0) {
            w->repeat(rep);
        }
        ++entries;
        return *w;
    }
    void null(uint8_t rep, uint8_t def) {
        at(rep).put_null_at(def);
        ++nulls;
    }
};

// How many elements a list gets: null (-1), empty (0) or 1..max.
int list_size(rng& r, bool nullable, int max) {
    const uint64_t p = r.below(10);
    if (p == 0 && nullable) {
        return -1;
    }
    return p <= 1 ? 0 : 1 + static_cast<int>(r.below(static_cast<uint64_t>(max)));
}

void open_list(std::string& j, int n, const char* empty = "[]") {
    j += n < 0 ? "null" : n == 0 ? empty : "[";
}

struct row_writer {
    rng r{7};
    std::vector<leaf> leaves;
    std::string json;

    // An optional INT64 element, null one time in `one_in` (at definition
    // level null_def).
    void maybe_int(leaf& c, uint8_t rep, uint8_t null_def, uint64_t one_in) {
        if (r.below(one_in) == 0) {
            c.null(rep, null_def);
            json += "null";
            return;
        }
        const int64_t v = int40(r);
        c.at(rep).put_int64(v);
        json += std::to_string(v);
    }
    // The same for a string (drawn as `prefix` + a number below `values`).
    void maybe_string(leaf& c, uint8_t rep, uint8_t null_def, uint64_t one_in, const char* prefix,
                      uint64_t values) {
        if (r.below(one_in) == 0) {
            c.null(rep, null_def);
            json += "null";
            return;
        }
        const std::string v = fmt::format("{}{}", prefix, r.below(values));
        c.at(rep).put_bytes(cs::as_bytes(v));
        cs::formats::append_json_string(json, v);
    }

    void ints(int64_t row) {
        leaf& c = leaves[1];
        const int n = row == 1000 ? 500 : list_size(r, true, 5);
        open_list(json, n);
        if (n <= 0) {
            return c.null(0, static_cast<uint8_t>(n + 1));
        }
        for (int e = 0; e < n; ++e) {
            json += e > 0 ? "," : "";
            maybe_int(c, e > 0 ? 1 : 0, 2, 5);
        }
        json += ']';
    }

    void strs() {
        leaf& c = leaves[2];
        const int n = list_size(r, false, 4);
        open_list(json, n);
        if (n == 0) {
            return c.null(0, 0);
        }
        for (int e = 0; e < n; ++e) {
            json += e > 0 ? "," : "";
            const std::string v = fmt::format("tag-{}", r.below(6));
            c.at(e > 0 ? 1 : 0).put_bytes(cs::as_bytes(v));
            cs::formats::append_json_string(json, v);
        }
        json += ']';
    }

    void pts() {
        leaf& x = leaves[3];
        leaf& y = leaves[4];
        const int n = list_size(r, true, 3);
        open_list(json, n);
        if (n <= 0) {
            x.null(0, static_cast<uint8_t>(n + 1));
            return y.null(0, static_cast<uint8_t>(n + 1));
        }
        for (int e = 0; e < n; ++e) {
            json += e > 0 ? "," : "";
            const uint8_t rep = e > 0 ? 1 : 0;
            if (r.below(6) == 0) {
                x.null(rep, 2);
                y.null(rep, 2);
                json += "null";
                continue;
            }
            const int64_t xv = int40(r);
            x.at(rep).put_int64(xv);
            json += fmt::format("{{\"x\":{},\"y\":", xv);
            maybe_string(y, rep, 3, 3, "y", 1000);
            json += '}';
        }
        json += ']';
    }

    void m() {
        leaf& k = leaves[5];
        leaf& v = leaves[6];
        const int n = list_size(r, true, 4);
        open_list(json, n, "{}");
        if (n <= 0) {
            k.null(0, static_cast<uint8_t>(n + 1));
            return v.null(0, static_cast<uint8_t>(n + 1));
        }
        json[json.size() - 1] = '{';
        for (int e = 0; e < n; ++e) {
            json += e > 0 ? "," : "";
            const uint8_t rep = e > 0 ? 1 : 0;
            const std::string key = fmt::format("k{}", e);
            k.at(rep).put_bytes(cs::as_bytes(key));
            cs::formats::append_json_string(json, key);
            json += ':';
            maybe_int(v, rep, 2, 4);
        }
        json += '}';
    }

    void nn() {
        leaf& c = leaves[7];
        const int n = list_size(r, true, 3);
        open_list(json, n);
        if (n <= 0) {
            return c.null(0, static_cast<uint8_t>(n + 1));
        }
        for (int e = 0; e < n; ++e) {
            json += e > 0 ? "," : "";
            const uint8_t rep = e > 0 ? 1 : 0;
            const int inner = list_size(r, true, 3);
            open_list(json, inner);
            if (inner <= 0) {
                c.null(rep, static_cast<uint8_t>(inner + 3));
                continue;
            }
            for (int i = 0; i < inner; ++i) {
                json += i > 0 ? "," : "";
                maybe_int(c, i > 0 ? 2 : rep, 4, 5);
            }
            json += ']';
        }
        json += ']';
    }

    void s() {
        leaf& c = leaves[8];
        if (r.below(8) == 0) {
            json += "null";
            return c.null(0, 0);
        }
        json += "{\"tags\":";
        const int n = list_size(r, true, 3);
        open_list(json, n);
        if (n <= 0) {
            c.null(0, static_cast<uint8_t>(n + 2));
        } else {
            for (int e = 0; e < n; ++e) {
                json += e > 0 ? "," : "";
                maybe_string(c, e > 0 ? 1 : 0, 3, 4, "t", 10);
            }
            json += ']';
        }
        json += '}';
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: parquet_list_fixtures <output directory>\n");
        return 2;
    }
    const std::string dir = argv[1];
    auto sink = pq::file_sink::create(dir + "/lists.parquet");
    if (!sink) {
        std::fprintf(stderr, "%s\n", sink.err().message.c_str());
        return 1;
    }
    pq::writer_options opts;
    opts.codec = pq::compression::snappy;
    opts.row_group_rows = 700;
    opts.column.page_values = 64;
    auto w = pq::file_writer::open(**sink, columns(), opts);
    if (!w) {
        std::fprintf(stderr, "%s\n", w.err().message.c_str());
        return 1;
    }
    row_writer rw;
    for (size_t i = 0; i < (*w)->columns().size(); ++i) {
        rw.leaves.push_back({&(*w)->column(i)});
    }
    constexpr int64_t kRows = 2000;
    rw.json = "{\"rows\":[";
    for (int64_t row = 0; row < kRows; ++row) {
        rw.json += row > 0 ? ",\n" : "";
        rw.json += fmt::format("{{\"id\":{},\"ints\":", row);
        (*w)->put_int64(0, row);
        ++rw.leaves[0].entries;
        rw.ints(row);
        rw.json += ",\"strs\":";
        rw.strs();
        rw.json += ",\"pts\":";
        rw.pts();
        rw.json += ",\"m\":";
        rw.m();
        rw.json += ",\"nn\":";
        rw.nn();
        rw.json += ",\"s\":";
        rw.s();
        rw.json += '}';
        if (auto st = (*w)->end_row(); !st.ok()) {
            std::fprintf(stderr, "row %lld: %s\n", static_cast<long long>(row),
                         st.message().c_str());
            return 1;
        }
    }
    if (auto st = (*w)->close(); !st.ok()) {
        std::fprintf(stderr, "close: %s\n", st.message().c_str());
        return 1;
    }
    rw.json += "],\"leaves\":[";
    for (size_t i = 0; i < rw.leaves.size(); ++i) {
        rw.json += fmt::format("{}{{\"entries\":{},\"nulls\":{}}}", i > 0 ? "," : "",
                               rw.leaves[i].entries, rw.leaves[i].nulls);
    }
    rw.json += fmt::format("],\"row_groups\":{}}}\n", (*w)->row_groups());
    std::ofstream out(dir + "/lists.json", std::ios::binary);
    out << rw.json;
    return out ? 0 : 1;
}
