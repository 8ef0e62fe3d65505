// admin_client: creation, the shared request plumbing, metadata, topics,
// topic configs, watermarks and offsets for times. Groups: admin_groups.cc.

#include "client/admin.h"

#include <algorithm>

#include <fmt/format.h>

#include "client/admin_internal.h"

namespace cs::client {

namespace detail {

errc errc_of(rd_kafka_resp_err_t err) {
    switch (err) {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            return errc::ok;
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
        case RD_KAFKA_RESP_ERR__TRANSPORT:
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
            return errc::timed_out;
        case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
        case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
            return errc::unsupported;
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
            return errc::not_found;
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
            return errc::already_exists;
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
        case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
        case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        case RD_KAFKA_RESP_ERR_INVALID_GROUP_ID:
            return errc::invalid_argument;
        default:
            return errc::io;
    }
}

item_status make_status(std::string name, rd_kafka_resp_err_t code, const char* message) {
    item_status s;
    s.name = std::move(name);
    s.code = code;
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
        s.message = message != nullptr && *message != '\0' ? message : rd_kafka_err2str(code);
    }
    return s;
}

item_status make_status(std::string name, const rd_kafka_error_t* e) {
    if (e == nullptr) {
        return make_status(std::move(name), RD_KAFKA_RESP_ERR_NO_ERROR, nullptr);
    }
    return make_status(std::move(name), rd_kafka_error_code(e), rd_kafka_error_string(e));
}

std::vector<partition_offset> to_offsets(const rd_kafka_topic_partition_list_t* list) {
    std::vector<partition_offset> out;
    if (list == nullptr) {
        return out;
    }
    for (int i = 0; i < list->cnt; ++i) {
        const auto& p = list->elems[i];
        out.push_back({{p.topic, p.partition}, p.offset, p.err});
    }
    std::sort(out.begin(), out.end(),
              [](const partition_offset& a, const partition_offset& b) { return a.tp < b.tp; });
    return out;
}

partition_list_handle to_list(const std::vector<partition_offset>& offsets) {
    partition_list_handle list(
        rd_kafka_topic_partition_list_new(static_cast<int>(std::max<size_t>(offsets.size(), 1))));
    for (const auto& o : offsets) {
        rd_kafka_topic_partition_list_add(list.get(), o.tp.topic.c_str(), o.tp.partition)->offset =
            o.offset;
    }
    return list;
}

}  // namespace detail

using detail::make_status;

result<std::unique_ptr<admin_client>> admin_client::create(const client_settings& settings,
                                                           config::diagnostics& diags,
                                                           std::chrono::milliseconds timeout) {
    auto conf = make_conf(settings, role::admin, diags);
    if (!conf.ok()) {
        return conf.take_error();
    }
    char errstr[512];
    // Admin requests need no producer or consumer state; a producer handle is
    // the lighter of the two.
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr);
    if (rk == nullptr) {
        return error{errc::invalid_argument, fmt::format("cannot create admin client: {}", errstr)};
    }
    (void)conf->release();  // owned by rk now
    std::unique_ptr<admin_client> a(new admin_client());
    a->rk_.reset(rk);
    a->settings_ = settings;
    a->timeout_ = timeout;
    return a;
}

result<admin_options_handle> admin_client::options(rd_kafka_admin_op_t op, bool operation_timeout) {
    admin_options_handle opts(rd_kafka_AdminOptions_new(rk_.get(), op));
    char errstr[256];
    if (rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout_ms(), errstr,
                                                  sizeof errstr) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{errc::invalid_argument, errstr};
    }
    if (operation_timeout &&
        rd_kafka_AdminOptions_set_operation_timeout(opts.get(), timeout_ms(), errstr,
                                                    sizeof errstr) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{errc::invalid_argument, errstr};
    }
    return opts;
}

result<event_handle> admin_client::wait(rd_kafka_queue_t* queue, const char* what) {
    // librdkafka fails the request itself after the request timeout; the
    // margin covers its bookkeeping so that its own error (which says more)
    // arrives first, and this bound stays as the guarantee against a hang.
    event_handle ev(rd_kafka_queue_poll(queue, timeout_ms() + 2000));
    if (!ev) {
        return error{errc::timed_out, fmt::format("{}: no answer from the cluster within {} ms",
                                                  what, timeout_ms())};
    }
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* msg = rd_kafka_event_error_string(ev.get());
        return error{detail::errc_of(err),
                     fmt::format("{}: {}", what, msg != nullptr ? msg : rd_kafka_err2str(err))};
    }
    return ev;
}

result<cluster_metadata> admin_client::metadata() {
    const rd_kafka_metadata_t* md = nullptr;
    // All topics, always: asking for one topic by name may auto-create it.
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), 1, nullptr, &md, timeout_ms());
    metadata_handle owned(md);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{detail::errc_of(err), fmt::format("Metadata: {}", rd_kafka_err2str(err))};
    }
    cluster_metadata out;
    for (int i = 0; i < md->broker_cnt; ++i) {
        out.brokers.push_back({md->brokers[i].id, md->brokers[i].host, md->brokers[i].port});
    }
    for (int i = 0; i < md->topic_cnt; ++i) {
        const auto& t = md->topics[i];
        topic_metadata tm;
        tm.name = t.topic;
        tm.error = t.err;
        for (int j = 0; j < t.partition_cnt; ++j) {
            const auto& p = t.partitions[j];
            tm.partitions.push_back({p.id, p.leader,
                                     std::vector<int32_t>(p.replicas, p.replicas + p.replica_cnt),
                                     std::vector<int32_t>(p.isrs, p.isrs + p.isr_cnt), p.err});
        }
        std::sort(tm.partitions.begin(), tm.partitions.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        out.topics.push_back(std::move(tm));
    }
    std::sort(out.topics.begin(), out.topics.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

namespace {

std::vector<item_status> topic_statuses(const rd_kafka_topic_result_t** results, size_t n) {
    std::vector<item_status> out;
    for (size_t i = 0; i < n; ++i) {
        out.push_back(make_status(rd_kafka_topic_result_name(results[i]),
                                  rd_kafka_topic_result_error(results[i]),
                                  rd_kafka_topic_result_error_string(results[i])));
    }
    return out;
}

}  // namespace

result<std::vector<item_status>> admin_client::create_topics(const std::vector<new_topic>& topics) {
    std::vector<new_topic_handle> owned;
    std::vector<rd_kafka_NewTopic_t*> raw;
    char errstr[512];
    for (const auto& t : topics) {
        new_topic_handle nt(rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                                                  t.replication_factor, errstr, sizeof errstr));
        if (!nt) {
            return error{errc::invalid_argument, fmt::format("topic '{}': {}", t.name, errstr)};
        }
        for (const auto& [k, v] : t.configs) {
            if (rd_kafka_NewTopic_set_config(nt.get(), k.c_str(), v.c_str()) !=
                RD_KAFKA_RESP_ERR_NO_ERROR) {
                return error{errc::invalid_argument,
                             fmt::format("topic '{}': bad config {}={}", t.name, k, v)};
            }
        }
        raw.push_back(nt.get());
        owned.push_back(std::move(nt));
    }
    auto opts = options(RD_KAFKA_ADMIN_OP_CREATETOPICS, true);
    if (!opts.ok()) {
        return opts.take_error();
    }
    queue_handle q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_CreateTopics(rk_.get(), raw.data(), raw.size(), opts->get(), q.get());
    auto ev = wait(q.get(), "CreateTopics");
    if (!ev.ok()) {
        return ev.take_error();
    }
    size_t n = 0;
    auto** res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
    return topic_statuses(res, n);
}

result<std::vector<item_status>> admin_client::delete_topics(
    const std::vector<std::string>& topics) {
    std::vector<delete_topic_handle> owned;
    std::vector<rd_kafka_DeleteTopic_t*> raw;
    for (const auto& t : topics) {
        owned.emplace_back(rd_kafka_DeleteTopic_new(t.c_str()));
        raw.push_back(owned.back().get());
    }
    auto opts = options(RD_KAFKA_ADMIN_OP_DELETETOPICS, true);
    if (!opts.ok()) {
        return opts.take_error();
    }
    queue_handle q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_DeleteTopics(rk_.get(), raw.data(), raw.size(), opts->get(), q.get());
    auto ev = wait(q.get(), "DeleteTopics");
    if (!ev.ok()) {
        return ev.take_error();
    }
    size_t n = 0;
    auto** res =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev->get()), &n);
    return topic_statuses(res, n);
}

result<std::vector<item_status>> admin_client::create_partitions(
    const std::vector<std::pair<std::string, int>>& totals) {
    std::vector<new_partitions_handle> owned;
    std::vector<rd_kafka_NewPartitions_t*> raw;
    char errstr[512];
    for (const auto& [topic, count] : totals) {
        new_partitions_handle np(rd_kafka_NewPartitions_new(
            topic.c_str(), static_cast<size_t>(std::max(count, 0)), errstr, sizeof errstr));
        if (!np) {
            return error{errc::invalid_argument, fmt::format("topic '{}': {}", topic, errstr)};
        }
        raw.push_back(np.get());
        owned.push_back(std::move(np));
    }
    auto opts = options(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, true);
    if (!opts.ok()) {
        return opts.take_error();
    }
    queue_handle q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_CreatePartitions(rk_.get(), raw.data(), raw.size(), opts->get(), q.get());
    auto ev = wait(q.get(), "CreatePartitions");
    if (!ev.ok()) {
        return ev.take_error();
    }
    size_t n = 0;
    auto** res = rd_kafka_CreatePartitions_result_topics(
        rd_kafka_event_CreatePartitions_result(ev->get()), &n);
    return topic_statuses(res, n);
}

result<std::vector<topic_config>> admin_client::describe_topic_configs(
    const std::vector<std::string>& topics) {
    std::vector<config_resource_handle> owned;
    std::vector<rd_kafka_ConfigResource_t*> raw;
    for (const auto& t : topics) {
        owned.emplace_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.c_str()));
        raw.push_back(owned.back().get());
    }
    auto opts = options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    if (!opts.ok()) {
        return opts.take_error();
    }
    queue_handle q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_DescribeConfigs(rk_.get(), raw.data(), raw.size(), opts->get(), q.get());
    auto ev = wait(q.get(), "DescribeConfigs");
    if (!ev.ok()) {
        return ev.take_error();
    }
    size_t n = 0;
    auto** res = rd_kafka_DescribeConfigs_result_resources(
        rd_kafka_event_DescribeConfigs_result(ev->get()), &n);
    std::vector<topic_config> out;
    for (size_t i = 0; i < n; ++i) {
        topic_config tc;
        tc.status =
            make_status(rd_kafka_ConfigResource_name(res[i]), rd_kafka_ConfigResource_error(res[i]),
                        rd_kafka_ConfigResource_error_string(res[i]));
        size_t cnt = 0;
        auto** entries = rd_kafka_ConfigResource_configs(res[i], &cnt);
        for (size_t j = 0; j < cnt; ++j) {
            config_entry e;
            e.name = rd_kafka_ConfigEntry_name(entries[j]);
            if (const char* v = rd_kafka_ConfigEntry_value(entries[j])) {
                e.value = v;
            }
            e.source = rd_kafka_ConfigEntry_source(entries[j]);
            e.read_only = rd_kafka_ConfigEntry_is_read_only(entries[j]) != 0;
            e.sensitive = rd_kafka_ConfigEntry_is_sensitive(entries[j]) != 0;
            tc.entries.push_back(std::move(e));
        }
        out.push_back(std::move(tc));
    }
    return out;
}

result<watermarks> admin_client::query_watermarks(const topic_partition& tp) {
    watermarks w;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        rk_.get(), tp.topic.c_str(), tp.partition, &w.low, &w.high, timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{detail::errc_of(err), fmt::format("watermarks of {}-{}: {}", tp.topic,
                                                       tp.partition, rd_kafka_err2str(err))};
    }
    return w;
}

result<std::vector<partition_offset>> admin_client::offsets_for_times(
    const std::vector<topic_partition>& partitions, int64_t timestamp_ms) {
    if (partitions.empty()) {
        return std::vector<partition_offset>{};
    }
    std::vector<partition_offset> query;
    for (const auto& tp : partitions) {
        query.push_back({tp, timestamp_ms, RD_KAFKA_RESP_ERR_NO_ERROR});
    }
    auto list = detail::to_list(query);
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk_.get(), list.get(), timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{detail::errc_of(err), fmt::format("offsets for timestamp {}: {}", timestamp_ms,
                                                       rd_kafka_err2str(err))};
    }
    return detail::to_offsets(list.get());
}

}  // namespace cs::client
