#include "tools/produce.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "client/producer.h"
#include "client/reachability.h"
#include "formats/csv.h"
#include "formats/json_check.h"
#include "formats/line_reader.h"
#include "tools/produce_line.h"
#include "tools/produce_throttle.h"
#include "tools/progress.h"

namespace cs::tools {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view tool = "clickstream produce";
// Malformed lines beyond this many are counted but not printed one by one.
constexpr uint64_t max_reported = 100;
constexpr uint64_t poll_every = 1024;      // records between delivery-report polls
constexpr uint64_t progress_every = 4096;  // records between progress updates

// Whether topic exists (or was just auto-created by this metadata request).
// A broker without auto-creation answers UNKNOWN_TOPIC_OR_PARTITION; it is
// asked three times since a topic being auto-created may briefly look so.
status check_topic(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
    client::topic_handle t(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int unknown = 0;
    for (;;) {
        const rd_kafka_metadata_t* md = nullptr;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(rk, 0, t.get(), &md, static_cast<int>(std::max(left, 200ms).count()));
        client::metadata_handle owned(md);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topics[0].partition_cnt > 0) {
                return {};
            }
        }
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
            ++unknown;
        }
        if (unknown >= 3 || std::chrono::steady_clock::now() >= deadline) {
            if (unknown > 0) {
                return {errc::not_found,
                        fmt::format("topic \"{}\" does not exist and the broker did not create "
                                    "it (auto.create.topics.enable=false?); create it first: "
                                    "clickstream topics --create --topic {}",
                                    topic, topic)};
            }
            return {errc::timed_out,
                    fmt::format("no metadata for topic \"{}\": {}", topic, rd_kafka_err2str(err))};
        }
        std::this_thread::sleep_for(200ms);
    }
}

std::string_view trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

class session {
  public:
    session(const produce_options& o, const produce_env& e) : opts_(o), env_(e), err_(*e.err) {}

    int run() {
        if (int code = check_options(); code != 0) {
            return code;
        }
        if (int code = connect(); code != 0) {
            return code;
        }
        std::ifstream file;
        formats::byte_source source;
        if (opts_.file) {
            file.open(*opts_.file, std::ios::binary);
            if (!file) {
                return fail(
                    fmt::format("cannot open --file {}: {}", *opts_.file, std::strerror(errno)));
            }
            std::optional<uint64_t> size;
            std::error_code ec;
            auto n = std::filesystem::file_size(*opts_.file, ec);
            if (!ec) {
                size = n;
            }
            source = formats::istream_source(file);
            source_ = *opts_.file;
            bool show = env_.progress.value_or(::isatty(::fileno(env_.progress_out)) == 1);
            if (show) {
                progress_.emplace("records", size, *env_.clk, env_.progress_out, true);
            }
        } else if (env_.in_fd >= 0) {
            source = [this](char* buf, size_t n) -> size_t {
                for (;;) {
                    ssize_t got = ::read(env_.in_fd, buf, n);
                    if (got >= 0) {
                        return static_cast<size_t>(got);
                    }
                    if (errno != EINTR || interrupted()) {
                        return 0;  // Ctrl-C, or a read error: the input ends here
                    }
                }
            };
        } else {
            source = formats::istream_source(*env_.in);
        }
        if (opts_.throughput) {
            throttle_.emplace(*opts_.throughput, *env_.clk, env_.sleep);
        }
        if (opts_.format == produce_format::csv) {
            if (int code = read_csv(std::move(source)); code != 0) {
                return code;
            }
        } else {
            read_lines(std::move(source));
        }
        return finish();
    }

  private:
    int usage(std::string_view message) {
        err_ << tool << ": error: " << message << "\n";
        return 2;
    }
    int fail(std::string_view message) {
        err_ << tool << ": error: " << message << "\n";
        return 1;
    }
    bool interrupted(int presses = 1) const {
        return env_.interrupts != nullptr &&
               env_.interrupts->load(std::memory_order_relaxed) >= presses;
    }

    int check_options() {
        if (opts_.topic.empty()) {
            return usage("--topic is required");
        }
        if (opts_.format == produce_format::csv && !opts_.properties.empty()) {
            return usage(
                "--property sets the line reader (--format lines or json); a CSV file's rows "
                "have no key or header prefix (use --key-field for the key)");
        }
        auto f = parse_line_properties(opts_.properties);
        if (!f.ok()) {
            return usage(f.err().message);
        }
        line_ = *f;
        if (opts_.key_field && opts_.format == produce_format::lines) {
            return usage("--key-field needs --format json or csv");
        }
        if (opts_.key_field && line_.parse_key) {
            return usage("--key-field and --property parse.key=true both give the key; use one");
        }
        if (opts_.throughput && !(*opts_.throughput > 0)) {
            return usage("--throughput must be a positive number of records per second");
        }
        return 0;
    }

    int connect() {
        client::client_settings settings;
        config::diagnostics diags;
        if (opts_.producer_config) {
            status st = settings.add_file(*opts_.producer_config, diags);
            print(diags);
            if (!st.ok()) {
                return fail(st.message());
            }
            diags = {};
        }
        for (const auto& kv : opts_.producer_properties) {
            if (status st = settings.add_assignment(kv, "--producer-property"); !st.ok()) {
                return usage(st.message());
            }
        }
        // Kafka's tool: --bootstrap-server, else --broker-list; either
        // overrides bootstrap.servers from --producer.config.
        std::string bootstrap = client::apply_bootstrap(
            settings, opts_.bootstrap_server ? opts_.bootstrap_server : opts_.broker_list);
        client::default_to_java_partitioner(settings, "default (Java producer's partitioner)");
        if (settings.find("client.id") == nullptr) {
            settings.set("client.id", "clickstream-produce", "default");
        }
        auto p = client::producer::create(settings, diags);
        print(diags);
        if (!p.ok()) {
            return fail(p.err().message);
        }
        producer_ = std::move(*p);
        if (status st =
                client::check_reachable(producer_->handle(), bootstrap, env_.connect_timeout);
            !st.ok()) {
            return fail(st.message());
        }
        if (status st = check_topic(producer_->handle(), opts_.topic, env_.connect_timeout);
            !st.ok()) {
            return fail(st.message());
        }
        return 0;
    }

    void print(const config::diagnostics& diags) {
        for (const auto& d : diags.items()) {
            if (d.level != config::severity::info) {
                err_ << tool << ": " << d.to_string() << "\n";
            }
        }
    }

    // A line or row that is not sent: counted as failed, reported (up to
    // max_reported of them).
    void malformed(std::string_view where_and_why) {
        ++malformed_;
        report(where_and_why);
    }
    void report(std::string_view message) {
        if (++reported_ <= max_reported) {
            err_ << tool << ": error: " << source_ << " " << message << "\n";
        } else if (reported_ == max_reported + 1) {
            err_ << tool << ": further bad input is counted but not shown\n";
        }
    }

    void send(const client::outgoing_record& r, uint64_t line) {
        if (throttle_) {
            throttle_->wait();
        }
        if (status st = producer_->send(r); !st.ok()) {
            ++refused_[st.message()];
            report(fmt::format("line {}: not sent: {}", line, st.message()));
        }
        if (++records_ % poll_every == 0) {
            producer_->poll();
        }
    }

    void progressed(uint64_t bytes) {
        if (progress_ && records_ % progress_every == 0) {
            progress_->update(records_, bytes);
        }
    }

    void read_lines(formats::byte_source in) {
        const bool json = opts_.format == produce_format::json;
        const bool plain = !line_.parse_key && !line_.parse_headers && !line_.null_marker;
        formats::line_reader reader(std::move(in));
        formats::json_checker checker;
        split_record parts;
        client::outgoing_record rec{.topic = opts_.topic};
        std::string_view line;
        while (!interrupted() && reader.next(line)) {
            uint64_t n = reader.line_number();
            if (json && trim(line).empty()) {
                continue;  // blank lines between JSON documents are not records
            }
            if (plain) {
                rec.value = line;
            } else {
                if (status st = split_line(line_, line, parts); !st.ok()) {
                    malformed(fmt::format("line {}: {}", n, st.message()));
                    continue;
                }
                rec.key = parts.key;
                rec.value = parts.value;
                rec.headers = std::move(parts.headers);
            }
            if (json && rec.value) {
                // In place: the line is followed by line_reader::padding bytes.
                rec.value = trim(*rec.value);
                if (opts_.key_field) {
                    auto k = checker.field(*rec.value, true, *opts_.key_field);
                    if (!k.ok()) {
                        malformed(fmt::format("line {}: {}", n, k.err().message));
                        continue;
                    }
                    rec.key = *k;
                } else if (status st = checker.check(*rec.value, true); !st.ok()) {
                    malformed(fmt::format("line {}: {}", n, st.message()));
                    continue;
                }
            }
            send(rec, n);
            progressed(reader.bytes_consumed());
        }
        if (progress_) {
            progress_->update(records_, reader.bytes_consumed());
        }
    }

    int read_csv(formats::byte_source in) {
        formats::csv_reader reader(std::move(in));
        if (status st = reader.read_header(); !st.ok()) {
            return fail(fmt::format("{}: {}", source_, st.message()));
        }
        std::optional<size_t> key_index;
        if (opts_.key_field) {
            const auto& h = reader.header();
            auto it = std::find(h.begin(), h.end(), *opts_.key_field);
            if (it == h.end()) {
                return fail(
                    fmt::format("--key-field {}: the CSV header has no such column "
                                "(columns: {})",
                                *opts_.key_field, fmt::join(h, ", ")));
            }
            key_index = static_cast<size_t>(it - h.begin());
        }
        formats::csv_json_encoder encoder(reader.header());
        formats::csv_row row;
        std::string value;
        client::outgoing_record rec{.topic = opts_.topic};
        while (!interrupted()) {
            auto r = reader.next(row);
            if (!r.ok()) {
                malformed(r.err().message);
                continue;
            }
            if (!*r) {
                break;
            }
            value.clear();
            encoder.append(value, row);
            rec.value = value;
            if (key_index) {
                rec.key = row[*key_index];
            }
            send(rec, row.line());
            progressed(reader.bytes_consumed());
        }
        if (progress_) {
            progress_->update(records_, reader.bytes_consumed());
        }
        return 0;
    }

    int finish() {
        if (progress_) {
            progress_->finish();
        }
        // Everything sent is given its delivery report; a second Ctrl-C
        // stops waiting (the rest is then reported undelivered).
        while (producer_->stats().in_flight() > 0 && !interrupted(2)) {
            (void)producer_->flush(200ms);
        }
        const auto& s = producer_->stats();
        std::map<std::string, uint64_t> reasons = s.failures;
        uint64_t refused = 0;
        for (const auto& [why, n] : refused_) {
            reasons[why] += n;
            refused += n;
        }
        if (malformed_ > 0) {
            reasons["malformed input"] += malformed_;
        }
        uint64_t failed = s.failed + refused + malformed_;
        std::string out = fmt::format("{}: topic {}: {} delivered, {} failed", tool, opts_.topic,
                                      s.delivered, failed);
        if (s.in_flight() > 0) {
            out += fmt::format(", {} undelivered", s.in_flight());
        }
        if (!reasons.empty()) {
            out += " (";
            bool first = true;
            for (const auto& [why, n] : reasons) {
                out += fmt::format("{}{}: {}", first ? "" : "; ", why, n);
                first = false;
            }
            out += ")";
        }
        if (interrupted()) {
            out += "; interrupted";
        }
        err_ << out << "\n" << std::flush;
        if (failed > 0 || s.in_flight() > 0) {
            return 1;
        }
        return interrupted() ? 130 : 0;
    }

    const produce_options& opts_;
    const produce_env& env_;
    std::ostream& err_;
    line_format line_;
    std::string source_ = "stdin";
    std::unique_ptr<client::producer> producer_;
    std::optional<produce_throttle> throttle_;
    std::optional<progress> progress_;
    uint64_t records_ = 0;
    uint64_t malformed_ = 0;
    uint64_t reported_ = 0;
    std::map<std::string, uint64_t> refused_;
};

}  // namespace

int run_produce(const produce_options& opts, const produce_env& env) {
    return session(opts, env).run();
}

}  // namespace cs::tools
