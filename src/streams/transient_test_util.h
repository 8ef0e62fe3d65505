#pragma once

// Test helpers for transient queries (transient_query.h) run by the engine
// against our broker: a row_sink that collects rows as text, and a fixture
// with a broker, an engine and a `clicks` stream to read.

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "streams/engine.h"
#include "streams/test_kafka.h"
#include "streams/transient_query.h"

namespace cs::streams::test {

// A value as the tests write it ("null", numbers, strings, booleans).
inline std::string cell(const value& v) {
    if (v.is_null()) {
        return "null";
    }
    if (std::holds_alternative<std::string>(v.raw())) {
        return v.as_string();
    }
    if (std::holds_alternative<int32_t>(v.raw())) {
        return std::to_string(v.as_int());
    }
    if (std::holds_alternative<int64_t>(v.raw())) {
        return std::to_string(v.as_bigint());
    }
    if (std::holds_alternative<bool>(v.raw())) {
        return v.as_bool() ? "true" : "false";
    }
    return "?";
}

// Collects rows as "a|b|c"; the header's arrival is a future.
class collecting_sink : public row_sink {
  public:
    void on_header(const transient_header& h) override {
        {
            std::lock_guard lock(mu_);
            header_ = h;
        }
        header_set_.set_value();
    }
    bool on_row(const std::vector<value>& r) override {
        std::string line;
        for (const auto& v : r) {
            line += (line.empty() ? "" : "|") + cell(v);
        }
        std::lock_guard lock(mu_);
        rows_.push_back(std::move(line));
        return refuse_after_ == 0 || rows_.size() < refuse_after_;
    }
    void wait_header() { header_ready_.wait(); }
    std::vector<std::string> rows() const {
        std::lock_guard lock(mu_);
        return rows_;
    }
    std::vector<std::string> sorted_rows() const {
        auto r = rows();
        std::sort(r.begin(), r.end());
        return r;
    }
    transient_header header() const {
        std::lock_guard lock(mu_);
        return header_;
    }
    size_t refuse_after_ = 0;  // on_row returns false at this row (0: never)

  private:
    mutable std::mutex mu_;
    transient_header header_;
    std::vector<std::string> rows_;
    std::promise<void> header_set_;
    std::shared_future<void> header_ready_ = header_set_.get_future().share();
};

class transient_fixture : public ::testing::Test {
  protected:
    void SetUp() override { broker_ = cs::testing::start_clickstream_broker(); }

    // An engine with ksqlDB's default auto.offset.reset (latest).
    std::unique_ptr<engine> make_engine() { return test::start_engine(*broker_, engine_options{}); }

    static ast::statement parse(const std::string& sql) { return test::parse_one(sql); }

    // Runs sql to its end on this thread.
    static status query(engine& e, const std::string& sql, collecting_sink& sink,
                        const std::map<std::string, std::string>& props = {}) {
        std::stop_source never;
        return e.run_transient(parse(sql), sink, never.get_token(), props);
    }

    // Runs sql from the beginning of the topic (auto.offset.reset=earliest)
    // to its end into sink; fails the test on an error.
    static void run_from_start(engine& e, const std::string& sql, collecting_sink& sink) {
        auto st = query(e, sql, sink, {{"auto.offset.reset", "earliest"}});
        ASSERT_TRUE(st.ok()) << sql << ": " << st.message();
    }

    // Runs sql on a thread of its own.
    static std::future<status> start(engine& e, const std::string& sql, collecting_sink& sink,
                                     std::stop_token stop = {}) {
        return std::async(std::launch::async, [&e, sql, &sink, stop] {
            return e.run_transient(parse(sql), sink, stop);
        });
    }

    static void expect_ends(std::future<status>& f) {
        ASSERT_EQ(f.wait_for(std::chrono::seconds(60)), std::future_status::ready)
            << "the query did not end";
        auto st = f.get();
        EXPECT_TRUE(st.ok()) << st.message();
    }

    void clicks(engine& e, int partitions = 2) {
        test::run_script(e,
                         "CREATE STREAM clicks (user STRING KEY, page STRING, n INT) WITH "
                         "(KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=" +
                             std::to_string(partitions) + ");");
    }

    void click(const std::string& user, const std::string& page, int n) {
        test::produce(*broker_, "clicks",
                      {{.key = user,
                        .value = R"({"PAGE":")" + page + R"(","N":)" + std::to_string(n) + "}"}});
    }

    std::unique_ptr<cs::testing::test_broker> broker_;
};

}  // namespace cs::streams::test
