#include "tools/consume.h"

#include <algorithm>
#include <ostream>
#include <random>
#include <set>

#include <fmt/format.h>

#include "base/ascii.h"
#include "base/strings.h"
#include "client/consumer.h"
#include "client/reachability.h"
#include "client/settings.h"
#include "tools/consume_format.h"

namespace cs::tools {

namespace {

constexpr size_t max_batch = 10000;
constexpr int64_t max_poll_wait_ms = 100;  // how often the stop flag is looked at

struct usage_error {
    std::string message;
};

// --offset: a non-negative number, "earliest" or "latest" (any case).
result<int64_t> parse_offset(const std::string& text) {
    std::string l = ascii_lower(text);
    if (l == "earliest") {
        return client::offset_beginning;
    }
    if (l == "latest") {
        return client::offset_end;
    }
    auto v = parse_int64(text);
    if (!v || *v < 0) {
        return error{errc::invalid_argument,
                     fmt::format("the provided offset value '{}' is incorrect; valid values are "
                                 "'earliest', 'latest', or a non-negative long",
                                 text)};
    }
    return *v;
}

bool setting_true(const client::client_settings& s, std::string_view key, bool fallback) {
    const auto* e = s.find(key);
    return e == nullptr ? fallback : ascii_lower(e->value) == "true";
}

// Looks the topic up in the cluster metadata (all topics, so the request
// never asks the broker to create it). Returns its partition count, or an
// error when it does not exist.
result<int> topic_partitions(rd_kafka_t* rk, const std::string& topic, const std::string& bootstrap,
                             std::chrono::milliseconds timeout) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 1, nullptr, &md, static_cast<int>(timeout.count()));
    client::metadata_handle owned(md);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{errc::io, fmt::format("cannot read the topic list from {}: {}", bootstrap,
                                           rd_kafka_err2str(err))};
    }
    for (int i = 0; i < md->topic_cnt; ++i) {
        const auto& t = md->topics[i];
        if (topic == t.topic && t.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            return t.partition_cnt;
        }
    }
    return error{
        errc::not_found,
        fmt::format("topic \"{}\" does not exist at {}; create it with `clickstream topics "
                    "--create --topic {}` or check the name (`clickstream topics --list`)",
                    topic, bootstrap, topic)};
}

class consume_run {
  public:
    consume_run(const consume_options& o, std::ostream& out, std::ostream& err)
        : o_(o), out_(out), err_(err) {}

    int run() {
        try {
            return execute();
        } catch (const usage_error& u) {
            return fail(2, u.message);
        }
    }

  private:
    int fail(int code, std::string_view message) {
        err_ << "clickstream consume: error: " << message << "\n" << std::flush;
        return code;
    }

    void check_usage() {
        if (o_.topic.has_value() == o_.include.has_value()) {
            throw usage_error{"exactly one of --topic or --include is required"};
        }
        if (o_.partition) {
            if (!o_.topic) {
                throw usage_error{"the topic is required when partition is specified (--topic)"};
            }
            if (o_.from_beginning && o_.offset) {
                throw usage_error{
                    "options --from-beginning and --offset cannot be specified "
                    "together"};
            }
            if (*o_.partition < 0) {
                throw usage_error{fmt::format("--partition {}: must be >= 0", *o_.partition)};
            }
        } else if (o_.offset) {
            throw usage_error{"the partition is required when offset is specified (--partition)"};
        }
        if (o_.isolation_level && *o_.isolation_level != "read_committed" &&
            *o_.isolation_level != "read_uncommitted") {
            throw usage_error{
                fmt::format("--isolation-level {}: expected read_committed or "
                            "read_uncommitted",
                            *o_.isolation_level)};
        }
    }

    // Kafka's ConsoleConsumerOptions, step by step. Returns an exit code when
    // the settings cannot be built, else nullopt.
    std::optional<int> build_settings(client::client_settings& s) {
        config::diagnostics diags;
        std::set<std::string> groups;
        if (o_.group) {
            groups.insert(*o_.group);
        }
        if (o_.consumer_config) {
            if (auto st = s.add_file(*o_.consumer_config, diags, o_.env); !st.ok()) {
                return fail(1, st.message());
            }
            if (diags.has_errors()) {
                err_ << diags.to_string();
                return fail(1, fmt::format("cannot use --consumer.config {}", *o_.consumer_config));
            }
            if (const auto* g = s.find("group.id")) {
                groups.insert(g->value);
            }
        }
        for (const auto& p : o_.consumer_properties) {
            if (auto st = s.add_assignment(p, "--consumer-property"); !st.ok()) {
                throw usage_error{st.message()};
            }
            if (p.starts_with("group.id=")) {
                groups.insert(p.substr(9));
            }
        }
        if (groups.size() > 1) {
            std::string list;
            for (const auto& g : groups) {
                list += (list.empty() ? "'" : ", '") + g + "'";
            }
            throw usage_error{
                "the group ids provided in different places (directly using '--group', via "
                "'--consumer-property', or via '--consumer.config') do not match; detected group "
                "ids: " +
                list};
        }
        if (!groups.empty() && o_.partition) {
            throw usage_error{"options --group and --partition cannot be specified together"};
        }
        if (const auto* reset = s.find("auto.offset.reset")) {
            std::string v = ascii_lower(reset->value);
            if (o_.from_beginning && v != "earliest" && v != "smallest" && v != "beginning") {
                return fail(1, fmt::format("can't simultaneously specify --from-beginning and "
                                           "'auto.offset.reset={}', please remove one option",
                                           reset->value));
            }
        } else {
            s.set("auto.offset.reset", o_.from_beginning ? "earliest" : "latest",
                  o_.from_beginning ? "--from-beginning" : "default");
        }
        bootstrap_ = client::apply_bootstrap(s, o_.bootstrap_server, o_.env);
        if (s.find("client.id") == nullptr) {
            s.set("client.id", "console-consumer", "default");
        }
        if (o_.isolation_level) {
            s.set("isolation.level", *o_.isolation_level, "--isolation-level");
        } else if (s.find("isolation.level") == nullptr) {
            s.set("isolation.level", "read_uncommitted", "default");
        }
        if (groups.empty()) {
            std::random_device rd;
            s.set("group.id", fmt::format("console-consumer-{}", rd() % 100000), "default");
            if (s.find("enable.auto.commit") == nullptr) {
                s.set("enable.auto.commit", "false", "default");
            }
        } else {
            s.set("group.id", *groups.begin(), o_.group ? "--group" : s.find("group.id")->origin);
        }
        commits_ = setting_true(s, "enable.auto.commit", true);
        auto_create_ = setting_true(s, "allow.auto.create.topics", false);
        // Offsets are stored by this tool after the records were printed.
        s.set("enable.auto.offset.store", "false", "clickstream consume");
        return std::nullopt;
    }

    int execute() {
        check_usage();
        auto format = parse_record_format(o_.formatter, o_.properties);
        if (!format.ok()) {
            throw usage_error{format.err().message};
        }
        std::optional<int64_t> start_offset;
        if (o_.partition) {
            if (o_.offset) {
                auto off = parse_offset(*o_.offset);
                if (!off.ok()) {
                    throw usage_error{off.err().message};
                }
                start_offset = *off;
            } else {
                start_offset = o_.from_beginning ? client::offset_beginning : client::offset_end;
            }
        }
        client::client_settings settings;
        if (auto code = build_settings(settings)) {
            return *code;
        }
        config::diagnostics diags;
        auto created = client::consumer::create(settings, diags);
        for (const auto& d : diags.items()) {
            if (d.level == config::severity::warning) {
                err_ << d.to_string() << "\n";
            }
        }
        if (!created.ok()) {
            return fail(1, created.err().message);
        }
        consumer_ = std::move(*created);
        int code = consume(*format, start_offset);
        code = std::max(code, finish());
        err_ << "Processed a total of " << total_ << " messages\n" << std::flush;
        return code;
    }

    int consume(const record_format& format, std::optional<int64_t> start_offset) {
        if (auto st = client::check_reachable(consumer_->handle(), bootstrap_, o_.connect_timeout);
            !st.ok()) {
            return fail(1, st.message());
        }
        if (o_.topic) {
            auto partitions =
                topic_partitions(consumer_->handle(), *o_.topic, bootstrap_, o_.connect_timeout);
            if (!partitions.ok() && !(partitions.err().code == errc::not_found && auto_create_)) {
                return fail(1, partitions.err().message);
            }
            if (o_.partition && partitions.ok() && *o_.partition >= *partitions) {
                return fail(1, fmt::format("topic \"{}\" has {} partition{} (0..{}); partition {} "
                                           "does not exist",
                                           *o_.topic, *partitions, *partitions == 1 ? "" : "s",
                                           *partitions - 1, *o_.partition));
            }
        }
        status st;
        if (o_.partition) {
            st = consumer_->assign({{*o_.topic, *o_.partition, *start_offset}});
        } else if (o_.topic) {
            st = consumer_->subscribe({*o_.topic});
        } else {
            // Kafka matches the whole topic name; librdkafka's "^" patterns
            // are searched, so anchor both ends.
            st = consumer_->subscribe({"^(" + *o_.include + ")$"});
        }
        if (!st.ok()) {
            return fail(1, st.message());
        }
        return loop(format);
    }

    int loop(const record_format& format) {
        const cs::clock& clk = o_.clock != nullptr ? *o_.clock : system_clock::instance();
        std::vector<client::message> batch;
        batch.reserve(max_batch);
        std::string buffer;
        buffer.reserve(1 << 20);
        int64_t last_record = clk.monotonic_ms();
        for (;;) {
            if (o_.stop != nullptr && o_.stop->load()) {
                return 0;
            }
            if (o_.max_messages >= 0 && total_ >= static_cast<uint64_t>(o_.max_messages)) {
                return 0;
            }
            int64_t wait = max_poll_wait_ms;
            if (o_.timeout_ms >= 0) {
                int64_t idle = clk.monotonic_ms() - last_record;
                if (idle >= o_.timeout_ms) {
                    return 0;  // Kafka ends the same way: a normal exit with the count
                }
                wait = std::min(wait, o_.timeout_ms - idle);
            }
            size_t want = max_batch;
            if (o_.max_messages >= 0) {
                want = std::min<size_t>(want, static_cast<uint64_t>(o_.max_messages) - total_);
            }
            batch.clear();
            auto got = consumer_->poll_batch(batch, want, std::chrono::milliseconds(wait));
            if (!got.ok() && !(o_.include && got.err().code == errc::not_found)) {
                return fail(1, got.err().message);
            }
            // An --include pattern that matches no topic yet is not an error:
            // as in Kafka, matching topics created later are picked up.
            if (batch.empty()) {
                continue;
            }
            last_record = clk.monotonic_ms();
            buffer.clear();
            for (const auto& m : batch) {
                append_record(buffer, m, format);
            }
            out_.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            out_.flush();
            if (!out_) {
                err_ << "Unable to write to standard out, closing consumer.\n";
                return 1;
            }
            total_ += batch.size();
            if (auto s = consumer_->store_offsets(batch); !s.ok()) {
                return fail(1, s.message());
            }
        }
    }

    // Commits what was printed (when this run commits at all) and leaves the
    // group.
    int finish() {
        int code = 0;
        if (commits_ && !consumer_->closed()) {
            if (auto st = consumer_->commit(client::commit_mode::sync); !st.ok()) {
                code = fail(1, st.message());
            }
        }
        if (auto st = consumer_->close(); !st.ok()) {
            code = fail(1, st.message());
        }
        return code;
    }

    const consume_options& o_;
    std::ostream& out_;
    std::ostream& err_;
    std::string bootstrap_;
    bool commits_ = true;
    bool auto_create_ = false;
    std::unique_ptr<client::consumer> consumer_;
    uint64_t total_ = 0;
};

}  // namespace

int run_consume(const consume_options& opts, std::ostream& out, std::ostream& err) {
    return consume_run(opts, out, err).run();
}

}  // namespace cs::tools
