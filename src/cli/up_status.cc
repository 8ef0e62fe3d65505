#include "cli/up_status.h"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "client/consumer.h"
#include "connect/connectors/jdbc/db_connection.h"
#include "formats/parquet/footer_reader.h"

namespace cs::cli {

namespace fs = std::filesystem;

status_probe::status_probe(client::admin_client& admin, std::string bootstrap, std::string db,
                           fs::path lake, std::string db_connector, std::string lake_connector)
    : admin_(admin),
      bootstrap_(std::move(bootstrap)),
      db_(std::move(db)),
      lake_(std::move(lake)),
      db_group_("connect-" + db_connector),
      lake_group_("connect-" + lake_connector) {}

int64_t status_probe::end_offsets(const std::string& topic) {
    auto md = admin_.metadata();
    if (!md) {
        return 0;
    }
    int64_t sum = 0;
    for (const auto& t : md->topics) {
        if (t.name != topic) {
            continue;
        }
        for (const auto& p : t.partitions) {
            if (auto w = admin_.query_watermarks({topic, p.id}); w) {
                sum += w->high;
            }
        }
    }
    return sum;
}

int64_t status_probe::committed(const std::string& group, const std::string& topic) {
    auto offsets = admin_.list_group_offsets(group);
    if (!offsets) {
        return 0;
    }
    int64_t sum = 0;
    for (const auto& o : *offsets) {
        if (o.tp.topic == topic && o.offset > 0) {
            sum += o.offset;
        }
    }
    return sum;
}

int64_t status_probe::db_rows() {
    connect::jdbc::connection_settings s;
    size_t bar1 = db_.find('|');
    size_t bar2 = db_.find('|', bar1 + 1);
    s.url = db_.substr(0, bar1);
    s.user = db_.substr(bar1 + 1, bar2 - bar1 - 1);
    s.password = db_.substr(bar2 + 1);
    s.connect_timeout_s = 2;
    auto c = connect::jdbc::open_connection(s);
    if (!c) {
        return -1;
    }
    auto r = (*c)->query("SELECT COUNT(*) FROM clickstream_events");
    if (!r || r->rows.empty() || r->rows[0].empty() || !r->rows[0][0]) {
        return -1;
    }
    return std::stoll(*r->rows[0][0]);
}

int64_t status_probe::produced() {
    return end_offsets("clickstream");
}

stage_counts status_probe::sample(const streams::engine& engine) {
    stage_counts c;
    c.produced = produced();
    c.enriched = end_offsets("enriched-clickstream");
    c.dlq = end_offsets("clickstream-dlq");
    for (const auto& q : engine.query_statuses()) {
        c.sql_lag += std::max<int64_t>(0, q.lag);
    }
    int64_t db_done = committed(db_group_, "enriched-clickstream");
    int64_t lake_done = committed(lake_group_, "enriched-clickstream");
    c.db_lag = std::max<int64_t>(0, c.enriched - db_done);
    c.lake_lag = std::max<int64_t>(0, c.enriched - lake_done);
    c.parquet_rows = lake_done;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(lake_, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".parquet") {
            ++c.parquet_files;
        }
    }
    c.db_rows = db_rows();
    return c;
}

std::optional<int64_t> status_probe::count_records(const std::string& topic) {
    auto md = admin_.metadata();
    if (!md) {
        return std::nullopt;
    }
    std::vector<client::topic_partition_offset> parts;
    std::map<int32_t, int64_t> ends;
    for (const auto& t : md->topics) {
        if (t.name != topic) {
            continue;
        }
        for (const auto& p : t.partitions) {
            auto w = admin_.query_watermarks({topic, p.id});
            if (!w) {
                return std::nullopt;
            }
            if (w->high > w->low) {
                parts.push_back({topic, p.id, client::offset_beginning});
                ends[p.id] = w->high;
            }
        }
    }
    if (parts.empty()) {
        return 0;
    }
    client::client_settings s;
    s.set("bootstrap.servers", bootstrap_, "up");
    s.set("group.id", "clickstream-up-summary", "up");
    s.set("isolation.level", "read_committed", "up");
    s.set("enable.auto.commit", "false", "up");
    config::diagnostics diags;
    auto c = client::consumer::create(s, diags);
    if (!c || !(*c)->assign(parts)) {
        return std::nullopt;
    }
    int64_t count = 0;
    std::vector<client::message> batch;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        batch.clear();
        auto n = (*c)->poll_batch(batch, 10000, std::chrono::milliseconds(100));
        if (!n) {
            return std::nullopt;
        }
        count += static_cast<int64_t>(*n);
        // The position passes commit markers and aborted records, which
        // poll_batch never hands out: done when every partition is past
        // its end offset.
        auto positions = (*c)->position(parts);
        if (!positions) {
            continue;
        }
        bool done = true;
        for (const auto& p : *positions) {
            done = done && p.offset >= ends[p.partition];
        }
        if (done) {
            (void)(*c)->close();
            return count;
        }
    }
    return std::nullopt;
}

std::optional<int64_t> status_probe::parquet_file_rows(std::FILE* err) {
    int64_t rows = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(lake_, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".parquet") {
            auto n = formats::parquet::file_num_rows(it->path());
            if (!n) {
                std::fprintf(err, "clickstream up: %s\n", n.err().message.c_str());
                return std::nullopt;
            }
            rows += *n;
        }
    }
    return ec ? std::nullopt : std::optional<int64_t>(rows);
}

stage_counts status_probe::final_sample(const streams::engine& engine, std::FILE* err) {
    stage_counts c = sample(engine);
    auto count = [&](const char* topic, int64_t& into) {
        if (auto n = count_records(topic)) {
            into = *n;
        } else {
            std::fprintf(err,
                         "clickstream up: cannot count the records of %s; the summary shows its "
                         "end offsets\n",
                         topic);
        }
    };
    count("enriched-clickstream", c.enriched);
    count("clickstream-dlq", c.dlq);
    if (auto rows = parquet_file_rows(err)) {
        c.parquet_rows = *rows;
    }
    return c;
}

std::string format_status(const stage_counts& c) {
    return fmt::format(
        "produced {} | enriched {} | dlq {} | db rows {} | parquet {} files, {} rows | lag: sql "
        "{}, db {}, lake {}",
        c.produced, c.enriched, c.dlq, c.db_rows < 0 ? std::string("-") : std::to_string(c.db_rows),
        c.parquet_files, c.parquet_rows, c.sql_lag, c.db_lag, c.lake_lag);
}

status_line::status_line(std::FILE* out, std::chrono::milliseconds interval)
    : out_(out),
      tty_(::isatty(::fileno(out)) == 1),
      interval_(tty_ ? interval : std::max(interval, std::chrono::milliseconds(10000))),
      next_(std::chrono::steady_clock::now()) {}

bool status_line::due() const {
    return std::chrono::steady_clock::now() >= next_;
}

void status_line::show(const stage_counts& c) {
    next_ = std::chrono::steady_clock::now() + interval_;
    if (tty_) {
        std::fprintf(out_, "\r\033[K%s", format_status(c).c_str());
        drawn_ = true;
    } else {
        std::fprintf(out_, "clickstream up: %s\n", format_status(c).c_str());
    }
    std::fflush(out_);
}

void status_line::end() {
    if (drawn_) {
        std::fprintf(out_, "\n");
        drawn_ = false;
    }
}

void print_summary(std::FILE* out, const stage_counts& c, const fs::path& dir, const fs::path& lake,
                   const fs::path& db, const std::string& bootstrap, bool postgres) {
    std::string text = fmt::format(
        "\nclickstream up: summary\n"
        "  events produced        {}\n"
        "  enriched               {}\n"
        "  dead-letter (DLQ)      {}\n"
        "  database rows          {}\n"
        "  Parquet files / rows   {} / {}\n"
        "\nLook at the results:\n"
        "  duckdb -c \"SELECT url_category, count(*) FROM read_parquet('{}/**/*.parquet') "
        "GROUP BY 1 ORDER BY 2 DESC\"\n",
        c.produced, c.enriched, c.dlq, c.db_rows < 0 ? std::string("-") : std::to_string(c.db_rows),
        c.parquet_files, c.parquet_rows, lake.string());
    if (postgres) {
        text +=
            "  psql \"$CLICKSTREAM_POSTGRES_URL\" -c 'SELECT count(*) FROM clickstream_events'\n";
    } else {
        text += fmt::format(
            "  sqlite3 {} 'SELECT user_name, count(*) FROM clickstream_events GROUP BY 1 ORDER "
            "BY 2 DESC LIMIT 10'\n",
            db.string());
    }
    text += fmt::format(
        "  clickstream up --dir {}   # resumes; then, while it runs:\n"
        "  clickstream consume --bootstrap-server {} --topic enriched-clickstream "
        "--from-beginning --max-messages 5\n",
        dir.string(), bootstrap);
    std::fputs(text.c_str(), out);
}

}  // namespace cs::cli
