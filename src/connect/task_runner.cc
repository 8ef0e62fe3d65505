#include "connect/task_runner.h"

#include <chrono>

#include <fmt/format.h>

#include "client/admin.h"
#include "client/producer.h"
#include "config/diagnostics.h"
#include "connect/offset_store.h"
#include "connect/sink_worker.h"
#include "connect/source_worker.h"
#include "connect/transforms/transform_util.h"

namespace cs::connect {

namespace {

client::client_settings admin_settings(const worker_settings& worker) {
    client::client_settings s = worker.common;
    for (const auto& e : worker.admin.entries()) {
        s.set(e.key, e.value, e.origin, e.line);
    }
    return s;
}

result<std::unique_ptr<client::admin_client>> make_admin(const worker_settings& worker) {
    config::diagnostics diags;
    return client::admin_client::create(admin_settings(worker), diags, std::chrono::seconds(30));
}

std::string sink_group(const std::string& connector) {
    return "connect-" + connector;
}

// {"kafka_topic": t, "kafka_partition": p} -> (t, p).
result<client::topic_partition> sink_partition(const data& d) {
    if (d.is_map()) {
        const data* t = smt::map_get(d.as_map(), "kafka_topic");
        const data* p = smt::map_get(d.as_map(), "kafka_partition");
        if (t && p && t->is_string() && p->is_int()) {
            return client::topic_partition{t->as_string(), static_cast<int32_t>(p->as_int())};
        }
    }
    return error{errc::invalid_argument,
                 "A sink connector's partition must be {\"kafka_topic\": <string>, "
                 "\"kafka_partition\": <int>}"};
}

// Removes committed offsets of single partitions (OffsetDelete).
status delete_group_offsets(client::admin_client& admin, const std::string& group,
                            const std::vector<client::topic_partition>& parts) {
    rd_kafka_topic_partition_list_t* list =
        rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
    for (const auto& p : parts) {
        rd_kafka_topic_partition_list_add(list, p.topic.c_str(), p.partition);
    }
    rd_kafka_DeleteConsumerGroupOffsets_t* req =
        rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), list);
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_queue_t* q = rd_kafka_queue_new(admin.handle());
    rd_kafka_DeleteConsumerGroupOffsets(admin.handle(), &req, 1, nullptr, q);
    rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, static_cast<int>(admin.timeout().count()) + 2000);
    status out;
    if (ev == nullptr) {
        out = error{errc::timed_out, "DeleteConsumerGroupOffsets timed out"};
    } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        out = error{errc::io, fmt::format("removing offsets of group {}: {}", group,
                                          rd_kafka_event_error_string(ev))};
    } else {
        size_t n = 0;
        const rd_kafka_group_result_t** groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
            rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &n);
        for (size_t i = 0; i < n && out.ok(); ++i) {
            if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[i])) {
                out = error{errc::io, fmt::format("removing offsets of group {}: {}", group,
                                                  rd_kafka_error_string(e))};
            }
        }
    }
    if (ev) {
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    return out;
}

}  // namespace

const char* task_state_name(task_state s) {
    switch (s) {
        case task_state::running:
            return "RUNNING";
        case task_state::paused:
            return "PAUSED";
        case task_state::failed:
            return "FAILED";
        case task_state::stopped:
            return "STOPPED";
    }
    return "UNASSIGNED";
}

result<std::unique_ptr<task_runner>> task_runner::start_sink_task(const worker_settings& worker,
                                                                  task_spec spec,
                                                                  std::unique_ptr<sink_task> task,
                                                                  task_state_listener on_state) {
    return start_sink_worker(worker, std::move(spec), std::move(task), std::move(on_state));
}

result<std::unique_ptr<task_runner>> task_runner::start_source_task(
    const worker_settings& worker, task_spec spec, std::unique_ptr<source_task> task,
    task_state_listener on_state) {
    return start_source_worker(worker, std::move(spec), std::move(task), std::move(on_state));
}

result<std::vector<connector_offset>> read_sink_offsets(const worker_settings& worker,
                                                        const std::string& connector) {
    auto admin = make_admin(worker);
    if (!admin) {
        return admin.take_error();
    }
    auto offsets = (*admin)->list_group_offsets(sink_group(connector));
    if (!offsets) {
        return offsets.take_error();
    }
    std::vector<connector_offset> out;
    for (const auto& o : *offsets) {
        if (o.offset < 0) {
            continue;
        }
        out.push_back({data::map({{data("kafka_topic"), data(o.tp.topic)},
                                  {data("kafka_partition"), data(o.tp.partition)}}),
                       data::map({{data("kafka_offset"), data(o.offset)}})});
    }
    return out;
}

status alter_sink_offsets(const worker_settings& worker, const std::string& connector,
                          const std::vector<connector_offset>& offsets) {
    std::vector<client::partition_offset> set;
    std::vector<client::topic_partition> remove;
    for (const auto& o : offsets) {
        auto tp = sink_partition(o.partition);
        if (!tp) {
            return tp.take_error();
        }
        if (o.offset.is_null()) {
            remove.push_back(*tp);
            continue;
        }
        const data* off =
            o.offset.is_map() ? smt::map_get(o.offset.as_map(), "kafka_offset") : nullptr;
        if (!off || !off->is_int() || off->as_int() < 0) {
            return error{errc::invalid_argument,
                         "A sink connector's offset must be {\"kafka_offset\": <non-negative "
                         "long>} or null"};
        }
        set.push_back(client::partition_offset{*tp, off->as_int()});
    }
    auto admin = make_admin(worker);
    if (!admin) {
        return admin.take_error();
    }
    if (!set.empty()) {
        auto r = (*admin)->alter_group_offsets(sink_group(connector), set);
        if (!r) {
            return r.take_error();
        }
        for (const auto& p : *r) {
            if (p.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
                return error{errc::io, fmt::format("altering the offset of {}-{}: {}", p.tp.topic,
                                                   p.tp.partition, rd_kafka_err2str(p.error))};
            }
        }
    }
    if (!remove.empty()) {
        return delete_group_offsets(**admin, sink_group(connector), remove);
    }
    return {};
}

status reset_sink_offsets(const worker_settings& worker, const std::string& connector) {
    auto admin = make_admin(worker);
    if (!admin) {
        return admin.take_error();
    }
    auto r = (*admin)->delete_groups({sink_group(connector)});
    if (!r) {
        return r.take_error();
    }
    for (const auto& st : *r) {
        if (!st.ok() && st.code != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
            return error{errc::io, fmt::format("resetting the offsets of group {}: {}",
                                               sink_group(connector), st.message)};
        }
    }
    return {};
}

result<std::vector<connector_offset>> read_source_offsets(const worker_settings& worker,
                                                          const std::string& connector) {
    return read_offset_topic(worker, connector);
}

status alter_source_offsets(const worker_settings& worker, const std::string& connector,
                            const std::vector<connector_offset>& offsets) {
    for (const auto& o : offsets) {
        if (!o.partition.is_map() || (!o.offset.is_null() && !o.offset.is_map())) {
            return error{errc::invalid_argument,
                         "A source connector's partition and offset must be JSON objects (an "
                         "offset may be null)"};
        }
    }
    if (auto st = ensure_offset_topic(worker); !st) {
        return st;
    }
    client::client_settings settings = worker.common;
    for (const auto& e : worker.producer.entries()) {
        settings.set(e.key, e.value, e.origin, e.line);
    }
    settings.set("partitioner", "murmur2_random", "connect offsets");
    config::diagnostics diags;
    auto producer = client::producer::create(settings, diags);
    if (!producer) {
        return producer.take_error();
    }
    if (auto st = send_offsets(**producer, worker, connector, offsets); !st) {
        return st;
    }
    if (auto st = (*producer)->flush(std::chrono::seconds(30)); !st) {
        return st;
    }
    if ((*producer)->stats().failed != 0) {
        return error{errc::io, "writing offsets: " + (*producer)->summary()};
    }
    return {};
}

status reset_source_offsets(const worker_settings& worker, const std::string& connector) {
    auto current = read_offset_topic(worker, connector);
    if (!current) {
        return current.take_error();
    }
    for (auto& o : *current) {
        o.offset = data();
    }
    if (current->empty()) {
        return {};
    }
    return alter_source_offsets(worker, connector, *current);
}

}  // namespace cs::connect
