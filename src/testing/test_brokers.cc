#include "testing/test_brokers.h"

#include <stdexcept>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <unistd.h>

#include "broker/broker.h"
#include "config/broker_settings.h"

namespace cs::testing {

namespace {

class clickstream_broker final : public test_broker {
  public:
    explicit clickstream_broker(const std::string& extra) {
        std::string props = fmt::format(
            "broker.id=0\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs={}\n"
            "group.initial.rebalance.delay.ms=0\n{}\n",
            (dir_.path() / "data").string(), extra);
        config::diagnostics diags;
        auto cfg = config::parse_broker_config(props, "test.properties", diags,
                                               config::process_environment());
        if (!cfg.ok()) {
            throw std::runtime_error("test broker config: " + diags.to_string());
        }
        broker_ = std::make_unique<broker::broker>(std::move(*cfg));
        if (auto st = broker_->start(); !st.ok()) {
            throw std::runtime_error("test broker start: " + st.message());
        }
        bootstrap_ = fmt::format("127.0.0.1:{}", broker_->listeners().front().port);
    }
    ~clickstream_broker() override { broker_->stop(); }

    std::string bootstrap() const override { return bootstrap_; }
    const char* name() const override { return "clickstream"; }
    bool has_admin_apis() const override { return true; }
    status fail_next_requests(int16_t api_key, const std::vector<int16_t>&) override {
        return {errc::unsupported,
                fmt::format("our broker cannot be told to fail requests (API key {})", api_key)};
    }
    status create_topic(const std::string& topic, int partitions) override {
        auto r = broker_->state().create_topic(topic, partitions, 1, {}, false);
        if (!r.ok()) {
            return {errc::invalid_argument, r.message};
        }
        return {};
    }

  private:
    temp_dir dir_;
    std::unique_ptr<broker::broker> broker_;
    std::string bootstrap_;
};

class mock_cluster final : public test_broker {
  public:
    mock_cluster() {
        char errstr[512];
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        (void)rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
        host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
        if (host_ == nullptr) {
            throw std::runtime_error(std::string("mock cluster host: ") + errstr);
        }
        cluster_ = rd_kafka_mock_cluster_new(host_, 1);
        if (cluster_ == nullptr) {
            rd_kafka_destroy(host_);
            throw std::runtime_error("rd_kafka_mock_cluster_new failed");
        }
        bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    }
    ~mock_cluster() override {
        rd_kafka_mock_cluster_destroy(cluster_);
        rd_kafka_destroy(host_);
    }

    std::string bootstrap() const override { return bootstrap_; }
    const char* name() const override { return "mock"; }
    bool has_admin_apis() const override { return false; }
    status fail_next_requests(int16_t api_key, const std::vector<int16_t>& errors) override {
        std::vector<rd_kafka_resp_err_t> codes;
        for (int16_t e : errors) {
            codes.push_back(static_cast<rd_kafka_resp_err_t>(e));
        }
        rd_kafka_mock_push_request_errors_array(cluster_, api_key, codes.size(), codes.data());
        return {};
    }
    status create_topic(const std::string& topic, int partitions) override {
        rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return {errc::invalid_argument, rd_kafka_err2str(err)};
        }
        return {};
    }

  private:
    rd_kafka_t* host_ = nullptr;
    rd_kafka_mock_cluster_t* cluster_ = nullptr;
    std::string bootstrap_;
};

}  // namespace

std::unique_ptr<test_broker> start_clickstream_broker(const std::string& extra_properties) {
    return std::make_unique<clickstream_broker>(extra_properties);
}

std::unique_ptr<test_broker> start_mock_cluster() {
    return std::make_unique<mock_cluster>();
}

}  // namespace cs::testing
