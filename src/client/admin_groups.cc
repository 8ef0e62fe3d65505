// admin_client: consumer groups (list, describe, delete) and their committed
// offsets (list, alter).

#include <fmt/format.h>

#include "client/admin.h"
#include "client/admin_internal.h"

namespace cs::client {

namespace {

void destroy_group_list(const rd_kafka_group_list* l) {
    rd_kafka_group_list_destroy(l);
}
using group_list_handle =
    std::unique_ptr<const rd_kafka_group_list,
                    rd_deleter<const rd_kafka_group_list, destroy_group_list>>;
using alter_offsets_handle =
    rd_handle<rd_kafka_AlterConsumerGroupOffsets_t, rd_kafka_AlterConsumerGroupOffsets_destroy>;

// The one group result of a single-group offsets request, as offsets, or the
// group-level error.
result<std::vector<partition_offset>> group_offsets(const rd_kafka_group_result_t** groups,
                                                    size_t n, const std::string& group,
                                                    const char* what) {
    if (n != 1) {
        return error{errc::io, fmt::format("{} of group '{}': expected one group result, got {}",
                                           what, group, n)};
    }
    if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[0])) {
        return error{detail::errc_of(rd_kafka_error_code(e)),
                     fmt::format("{} of group '{}': {}", what, group, rd_kafka_error_string(e))};
    }
    return detail::to_offsets(rd_kafka_group_result_partitions(groups[0]));
}

}  // namespace

std::string group_state_name(rd_kafka_consumer_group_state_t state) {
    // librdkafka's names are Kafka's ("Stable", "Empty", "Dead", ...).
    return rd_kafka_consumer_group_state_name(state);
}

// librdkafka 2.0's ListConsumerGroups sends ListGroups v3 with a stray
// tagged-fields byte (librdkafka PR #4207, fixed in 2.1); Kafka's brokers
// ignore it, ours refuses the request. The older rd_kafka_list_groups asks
// with ListGroups v0, which every broker reads the same way.
result<std::vector<group_listing>> admin_client::list_groups() {
    const rd_kafka_group_list* list = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_list_groups(rk_.get(), nullptr, &list, timeout_ms());
    group_list_handle owned(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{detail::errc_of(err), fmt::format("ListGroups: {}", rd_kafka_err2str(err))};
    }
    std::vector<group_listing> out;
    for (int i = 0; i < list->group_cnt; ++i) {
        const auto& g = list->groups[i];
        std::string type = g.protocol_type != nullptr ? g.protocol_type : "";
        // Consumer groups, and groups that only hold committed offsets.
        if (!type.empty() && type != "consumer") {
            continue;
        }
        out.push_back({g.group, g.state != nullptr ? g.state : "", type.empty()});
    }
    return out;
}

result<std::vector<group_description>> admin_client::describe_groups(
    const std::vector<std::string>& groups) {
    std::vector<const char*> names;
    for (const auto& g : groups) {
        names.push_back(g.c_str());
    }
    auto opts = options(RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    if (!opts.ok()) {
        return opts.take_error();
    }
    queue_handle q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_DescribeConsumerGroups(rk_.get(), names.data(), names.size(), opts->get(), q.get());
    auto ev = wait(q.get(), "DescribeConsumerGroups");
    if (!ev.ok()) {
        return ev.take_error();
    }
    size_t n = 0;
    auto** res = rd_kafka_DescribeConsumerGroups_result_groups(
        rd_kafka_event_DescribeConsumerGroups_result(ev->get()), &n);
    std::vector<group_description> out;
    for (size_t i = 0; i < n; ++i) {
        const auto* g = res[i];
        group_description d;
        d.status = detail::make_status(rd_kafka_ConsumerGroupDescription_group_id(g),
                                       rd_kafka_ConsumerGroupDescription_error(g));
        d.state = group_state_name(rd_kafka_ConsumerGroupDescription_state(g));
        if (const char* a = rd_kafka_ConsumerGroupDescription_partition_assignor(g)) {
            d.partition_assignor = a;
        }
        if (const rd_kafka_Node_t* c = rd_kafka_ConsumerGroupDescription_coordinator(g)) {
            d.coordinator = rd_kafka_Node_id(c);
        }
        size_t members = rd_kafka_ConsumerGroupDescription_member_count(g);
        for (size_t m = 0; m < members; ++m) {
            const auto* md = rd_kafka_ConsumerGroupDescription_member(g, m);
            group_member gm;
            gm.consumer_id = rd_kafka_MemberDescription_consumer_id(md);
            gm.client_id = rd_kafka_MemberDescription_client_id(md);
            gm.host = rd_kafka_MemberDescription_host(md);
            if (const char* id = rd_kafka_MemberDescription_group_instance_id(md)) {
                gm.group_instance_id = id;
            }
            if (const auto* a = rd_kafka_MemberDescription_assignment(md)) {
                for (const auto& po : detail::to_offsets(rd_kafka_MemberAssignment_partitions(a))) {
                    gm.assignment.push_back(po.tp);
                }
            }
            d.members.push_back(std::move(gm));
        }
        out.push_back(std::move(d));
    }
    return out;
}

result<std::vector<item_status>> admin_client::delete_groups(
    const std::vector<std::string>& groups) {
    std::vector<delete_group_handle> owned;
    std::vector<rd_kafka_DeleteGroup_t*> raw;
    for (const auto& g : groups) {
        owned.emplace_back(rd_kafka_DeleteGroup_new(g.c_str()));
        raw.push_back(owned.back().get());
    }
    auto opts = options(RD_KAFKA_ADMIN_OP_DELETEGROUPS);
    if (!opts.ok()) {
        return opts.take_error();
    }
    queue_handle q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_DeleteGroups(rk_.get(), raw.data(), raw.size(), opts->get(), q.get());
    auto ev = wait(q.get(), "DeleteGroups");
    if (!ev.ok()) {
        return ev.take_error();
    }
    size_t n = 0;
    auto** res =
        rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev->get()), &n);
    std::vector<item_status> out;
    for (size_t i = 0; i < n; ++i) {
        out.push_back(detail::make_status(rd_kafka_group_result_name(res[i]),
                                          rd_kafka_group_result_error(res[i])));
    }
    return out;
}

// librdkafka 2.0's ListConsumerGroupOffsets sends an OffsetFetch our broker
// refuses (see list_groups); a consumer handle of the group that never
// subscribes asks for the committed offsets of every partition instead,
// which is what the Java admin client's answer contains too.
result<std::vector<partition_offset>> admin_client::list_group_offsets(const std::string& group) {
    auto md = metadata();
    if (!md.ok()) {
        return md.take_error();
    }
    partition_list_handle list(rd_kafka_topic_partition_list_new(1));
    for (const auto& t : md->topics) {
        if (t.name.rfind("__", 0) == 0) {
            continue;  // internal topics
        }
        for (const auto& p : t.partitions) {
            rd_kafka_topic_partition_list_add(list.get(), t.name.c_str(), p.id);
        }
    }
    if (list->cnt == 0) {
        return std::vector<partition_offset>{};
    }
    client_settings s = settings_;
    s.set("group.id", group, "list_group_offsets");
    s.set("enable.auto.commit", "false", "list_group_offsets");
    config::diagnostics diags;
    auto conf = make_conf(s, role::consumer, diags);
    if (!conf.ok()) {
        return conf.take_error();
    }
    char errstr[512];
    kafka_handle consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr));
    if (!consumer) {
        return error{errc::invalid_argument,
                     fmt::format("committed offsets of group '{}': {}", group, errstr)};
    }
    (void)conf->release();  // owned by the consumer now
    rd_kafka_resp_err_t err = rd_kafka_committed(consumer.get(), list.get(), timeout_ms());
    rd_kafka_consumer_close(consumer.get());  // never joined: returns at once
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error{detail::errc_of(err), fmt::format("committed offsets of group '{}': {}", group,
                                                       rd_kafka_err2str(err))};
    }
    std::vector<partition_offset> out;
    for (auto& o : detail::to_offsets(list.get())) {
        if (o.offset >= 0 || o.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            out.push_back(std::move(o));
        }
    }
    return out;
}

result<std::vector<partition_offset>> admin_client::alter_group_offsets(
    const std::string& group, const std::vector<partition_offset>& offsets) {
    auto list = detail::to_list(offsets);
    alter_offsets_handle req(rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get()));
    rd_kafka_AlterConsumerGroupOffsets_t* raw = req.get();
    auto opts = options(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
    if (!opts.ok()) {
        return opts.take_error();
    }
    queue_handle q(rd_kafka_queue_new(rk_.get()));
    rd_kafka_AlterConsumerGroupOffsets(rk_.get(), &raw, 1, opts->get(), q.get());
    auto ev = wait(q.get(), "AlterConsumerGroupOffsets");
    if (!ev.ok()) {
        return ev.take_error();
    }
    size_t n = 0;
    auto** res = rd_kafka_AlterConsumerGroupOffsets_result_groups(
        rd_kafka_event_AlterConsumerGroupOffsets_result(ev->get()), &n);
    return group_offsets(res, n, group, "altering offsets");
}

}  // namespace cs::client
