#include "tools/generate.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "client/producer.h"
#include "client/reachability.h"
#include "client/settings.h"
#include "tools/generate/dimensions.h"
#include "tools/generate/pacer.h"
#include "tools/generate/timestamps.h"
#include "tools/progress.h"

namespace cs::tools {
namespace {

using namespace std::chrono_literals;

constexpr auto flush_timeout = 30s;

void print_error(std::FILE* err, std::string_view message) {
    std::fprintf(err, "clickstream generate: error: %.*s\n", static_cast<int>(message.size()),
                 message.data());
}

// Where records go: stdout or a topic. write() may fail for good (a closed
// pipe, a record the producer refuses); idle() is called while pacing.
class sink {
  public:
    virtual ~sink() = default;
    virtual status write(const gen::generated_record& r) = 0;
    virtual void idle(std::chrono::milliseconds d) = 0;
    // Flushes; an error when something was lost. summary: what happened.
    virtual status finish() = 0;
    virtual std::string summary() const { return {}; }
};

class stream_sink final : public sink {
  public:
    stream_sink(std::FILE* out, bool print_key) : out_(out), print_key_(print_key) {
        buf_.reserve(1 << 17);
    }
    status write(const gen::generated_record& r) override {
        if (print_key_) {
            buf_ += r.key;
            buf_ += '\t';
        }
        buf_ += r.value;
        buf_ += '\n';
        return buf_.size() >= (1 << 16) ? drain() : status{};
    }
    void idle(std::chrono::milliseconds d) override {
        // A slow --rate shows each line when it is due, not a buffer later.
        (void)drain();
        std::fflush(out_);
        std::this_thread::sleep_for(d);
    }
    status finish() override {
        status s = drain();
        if (std::fflush(out_) != 0 && s.ok()) {
            s = {errc::io, fmt::format("writing the output failed: {}", std::strerror(errno))};
        }
        return s;
    }

  private:
    status drain() {
        if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) {
            buf_.clear();
            return {errc::io, fmt::format("writing the output failed: {}", std::strerror(errno))};
        }
        buf_.clear();
        return {};
    }
    std::FILE* out_;
    bool print_key_;
    std::string buf_;
};

class topic_sink final : public sink {
  public:
    static result<std::unique_ptr<topic_sink>> create(const generate_options& o, std::FILE* err) {
        client::client_settings settings;
        config::diagnostics diags;
        if (o.producer_config) {
            if (status s = settings.add_file(*o.producer_config, diags); !s) {
                std::fputs(diags.to_string().c_str(), err);
                return error{s.code(), s.message()};
            }
        }
        for (const auto& kv : o.producer_properties) {
            if (status s = settings.add_assignment(kv, "--producer-property"); !s) {
                return error{s.code(), s.message()};
            }
        }
        std::string bootstrap = client::apply_bootstrap(settings, o.bootstrap_server);
        client::default_to_java_partitioner(settings, "default (Java producer's partitioner)");
        auto p = client::producer::create(settings, diags);
        if (!p) {
            std::fputs(diags.to_string().c_str(), err);
            return p.take_error();
        }
        if (status s = client::check_reachable((*p)->handle(), bootstrap); !s) {
            return error{s.code(), s.message()};
        }
        if (status s = check_topic((*p)->handle(), *o.topic, bootstrap); !s) {
            return error{s.code(), s.message()};
        }
        return std::unique_ptr<topic_sink>(new topic_sink(std::move(*p), *o.topic));
    }

    status write(const gen::generated_record& r) override {
        record_.key = r.key;
        record_.value = r.value;
        record_.timestamp_ms = r.timestamp_ms;
        return producer_->send(record_);
    }
    void idle(std::chrono::milliseconds d) override { producer_->poll(d); }
    status finish() override {
        status s = producer_->flush(flush_timeout);
        if (s.ok() && producer_->stats().failed > 0) {
            s = {errc::io, "not every record was delivered"};
        }
        return s;
    }
    std::string summary() const override { return producer_->summary(); }

  private:
    topic_sink(std::unique_ptr<client::producer> p, std::string topic)
        : producer_(std::move(p)), topic_(std::move(topic)) {
        record_.topic = topic_;
        record_.headers = {
            {std::string(gen::source_header_key), std::string(gen::source_header_value)}};
    }

    // A missing topic is a clear error now rather than failed deliveries
    // after librdkafka's metadata timeout (a broker that auto-creates topics
    // creates it on this request).
    static status check_topic(rd_kafka_t* rk, const std::string& topic,
                              const std::string& bootstrap) {
        client::topic_handle t(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
        const rd_kafka_metadata_t* md = nullptr;
        rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t.get(), &md, 5000);
        client::metadata_handle owned(md);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1) {
            e = md->topics[0].err;
        }
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return {};
        }
        if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
            return {errc::not_found, fmt::format("topic '{}' does not exist at {} (create it with "
                                                 "`clickstream topics --create --topic {}`)",
                                                 topic, bootstrap, topic)};
        }
        return {errc::io, fmt::format("metadata for topic '{}' at {}: {}", topic, bootstrap,
                                      rd_kafka_err2str(e))};
    }

    std::unique_ptr<client::producer> producer_;
    std::string topic_;
    client::outgoing_record record_;
};

}  // namespace

int run_generate(const generate_options& opts, std::FILE* out, std::FILE* err,
                 const std::atomic<bool>& stop, clock& clk) {
    gen::generator_config cfg = opts.generator;
    cfg.start_ms = opts.start_ms.value_or(clk.now_ms());
    if (status s = gen::validate(cfg); !s) {
        print_error(err, s.message());
        return 2;
    }
    gen::generator g(cfg);
    for (uint64_t i = 0; i < opts.skip; ++i) {
        (void)g.next();
    }
    if (opts.dimensions_dir) {
        if (status s = gen::write_dimensions(g.dimensions(), *opts.dimensions_dir); !s) {
            print_error(err, s.message());
            return 1;
        }
    }
    std::unique_ptr<sink> output;
    if (opts.topic) {
        auto t = topic_sink::create(opts, err);
        if (!t) {
            print_error(err, t.err().message);
            return 1;
        }
        output = std::move(*t);
    } else {
        output = std::make_unique<stream_sink>(out, opts.print_key);
    }

    std::optional<progress> bar;
    if (opts.count && opts.show_progress.value_or(::isatty(::fileno(err)) == 1)) {
        bar.emplace("events", *opts.count, clk, err);
    }
    gen::pacer pace(opts.rate, clk);
    const int64_t started_ms = clk.monotonic_ms();
    uint64_t n = 0;
    int64_t first_ms = 0, last_ms = 0;
    status failure;
    while (!stop.load(std::memory_order_relaxed) && (!opts.count || n < *opts.count)) {
        for (auto w = pace.wait_for(n); w > 0ms && !stop.load(std::memory_order_relaxed);
             w = pace.wait_for(n)) {
            output->idle(std::min<std::chrono::milliseconds>(w, 100ms));
        }
        if (stop.load(std::memory_order_relaxed)) {
            break;
        }
        const auto& r = g.next();
        if (failure = output->write(r); !failure) {
            break;
        }
        if (n == 0) {
            first_ms = r.timestamp_ms;
        }
        last_ms = r.timestamp_ms;
        ++n;
        if (bar) {
            bar->update(n, n);
        }
    }
    if (status s = output->finish(); failure.ok()) {
        failure = s;
    }
    if (bar) {
        bar->finish();
    }
    const double secs = static_cast<double>(clk.monotonic_ms() - started_ms) / 1000.0;
    std::string summary = fmt::format(
        "clickstream generate: {} events ({} with unknown ids, {} malformed) in {:.1f} s, "
        "event time {} .. {}",
        n, g.count(gen::record_kind::unknown_id), g.count(gen::record_kind::malformed), secs,
        gen::format_iso8601_ms(n > 0 ? first_ms : cfg.start_ms),
        gen::format_iso8601_ms(n > 0 ? last_ms : cfg.start_ms));
    if (std::string ps = output->summary(); !ps.empty()) {
        summary += "; " + ps;
    }
    std::fprintf(err, "%s\n", summary.c_str());
    if (!failure) {
        print_error(err, failure.message());
        return 1;
    }
    return 0;
}

}  // namespace cs::tools
