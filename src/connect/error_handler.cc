#include "connect/error_handler.h"

#include <chrono>

#include <fmt/format.h>

#include "base/log.h"
#include "client/admin.h"
#include "config/diagnostics.h"

namespace cs::connect {

namespace {

std::shared_ptr<spdlog::logger> logger() {
    return log::get("connect");
}

std::string record_context(const original_record& r) {
    return fmt::format("{{topic='{}', partition={}, offset={}, timestamp={}}}", r.topic,
                       r.partition, r.offset, r.timestamp);
}

}  // namespace

std::string failure_trace(const std::string& connector, int task_id, const original_record& r,
                          const processing_error& e) {
    return fmt::format(
        "{}: Tolerance exceeded in error handler\n"
        "\tat task {}-{} executing stage '{}' with class '{}' on record {}\n"
        "Caused by: {}: {}",
        connect_exception, connector, task_id, e.stage, e.class_name, record_context(r),
        e.exception_class, e.message);
}

result<std::unique_ptr<error_handler>> error_handler::create(const worker_settings& worker,
                                                             const task_spec& spec,
                                                             error_policy policy) {
    std::unique_ptr<error_handler> h(new error_handler());
    h->connector_ = spec.connector;
    h->task_id_ = spec.task_id;
    h->policy_ = std::move(policy);
    if (!h->policy_.tolerate_all || h->policy_.dlq_topic.empty()) {
        return h;
    }
    config::diagnostics diags;
    auto admin_settings =
        client_settings_for(worker, client::role::admin, spec.connector, spec.connector_config);
    auto admin = client::admin_client::create(admin_settings, diags, std::chrono::seconds(30));
    if (!admin) {
        return error{admin.err().code,
                     "dead-letter queue: cannot create an admin client: " + admin.err().message};
    }
    auto md = (*admin)->metadata();
    if (!md) {
        return error{md.err().code, "dead-letter queue: metadata: " + md.err().message};
    }
    bool exists = false;
    for (const auto& t : md->topics) {
        exists =
            exists || (t.name == h->policy_.dlq_topic && t.error == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    if (!exists) {
        auto created = (*admin)->create_topics(
            {client::new_topic{h->policy_.dlq_topic, 1, h->policy_.dlq_replication_factor, {}}});
        if (!created) {
            return error{created.err().code,
                         fmt::format("cannot create the dead-letter topic {}: {}",
                                     h->policy_.dlq_topic, created.err().message)};
        }
        for (const auto& st : *created) {
            if (!st.ok() && st.code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                return error{errc::invalid_argument,
                             fmt::format("cannot create the dead-letter topic {} (replication "
                                         "factor {} from "
                                         "errors.deadletterqueue.topic.replication.factor): {}",
                                         h->policy_.dlq_topic, h->policy_.dlq_replication_factor,
                                         st.message)};
            }
        }
        logger()->info("{}-{}: created dead-letter topic {}", spec.connector, spec.task_id,
                       h->policy_.dlq_topic);
    }
    auto producer_settings =
        client_settings_for(worker, client::role::producer, spec.connector, spec.connector_config);
    producer_settings.set("acks", "all", "connect dead-letter queue");
    client::default_to_java_partitioner(producer_settings, "connect dead-letter queue (as Java)");
    auto p = client::producer::create(producer_settings, diags);
    if (!p) {
        return error{p.err().code,
                     "dead-letter queue: cannot create a producer: " + p.err().message};
    }
    h->dlq_ = std::move(p).value();
    return h;
}

error_handler::~error_handler() {
    if (dlq_) {
        (void)dlq_->flush(std::chrono::seconds(10));
    }
}

status error_handler::handle(const original_record& r, const processing_error& e) {
    if (!policy_.tolerate_all) {
        return error{errc::invalid_argument, failure_trace(connector_, task_id_, r, e)};
    }
    if (policy_.log_enable) {
        std::string msg = fmt::format(
            "Error encountered in task {}-{}. Executing stage '{}' with class '{}', where consumed "
            "record is {}.",
            connector_, task_id_, e.stage, e.class_name, record_context(r));
        if (policy_.log_include_messages) {
            msg += fmt::format(" Key: {}, value: {}.", r.key.value_or("null"),
                               r.value.value_or("null"));
        }
        logger()->error("{} {}: {}", msg, e.exception_class, e.message);
    }
    if (!dlq_) {
        return {};
    }
    client::outgoing_record out;
    out.topic = policy_.dlq_topic;
    if (r.key) {
        out.key = std::string_view(*r.key);
    }
    if (r.value) {
        out.value = std::string_view(*r.value);
    }
    if (r.timestamp > 0) {
        out.timestamp_ms = r.timestamp;
    }
    for (const auto& h : r.headers) {
        out.headers.push_back(client::record_header{h.key, h.value});
    }
    if (policy_.dlq_context_headers) {
        auto add = [&](const char* k, std::string v) {
            out.headers.push_back(client::record_header{k, std::move(v)});
        };
        add("__connect.errors.topic", r.topic);
        add("__connect.errors.partition", std::to_string(r.partition));
        add("__connect.errors.offset", std::to_string(r.offset));
        add("__connect.errors.connector.name", connector_);
        add("__connect.errors.task.id", std::to_string(task_id_));
        add("__connect.errors.stage", e.stage);
        add("__connect.errors.class.name", e.class_name);
        add("__connect.errors.exception.class.name", e.exception_class);
        add("__connect.errors.exception.message", e.message);
        add("__connect.errors.exception.stacktrace",
            fmt::format("{}: {}\n\tat {} ({})", e.exception_class, e.message, e.class_name,
                        e.stage));
    }
    if (auto st = dlq_->send(out); !st) {
        return error{st.code(), fmt::format("cannot send {} to the dead-letter topic {}: {}",
                                            record_context(r), policy_.dlq_topic, st.message())};
    }
    ++dead_lettered_;
    dlq_->poll();
    return {};
}

status error_handler::flush() {
    if (!dlq_) {
        return {};
    }
    if (auto st = dlq_->flush(std::chrono::seconds(30)); !st) {
        return error{errc::timed_out, "dead-letter queue: " + st.message()};
    }
    if (dlq_->stats().failed != failed_before_) {
        failed_before_ = dlq_->stats().failed;
        return error{errc::io, "dead-letter queue: records failed: " + dlq_->summary()};
    }
    return {};
}

}  // namespace cs::connect
