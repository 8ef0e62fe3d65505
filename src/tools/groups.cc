// `clickstream groups`: option checks, --list, --describe, --delete.
// --reset-offsets lives in groups_reset.cc.

#include "tools/groups.h"

#include <algorithm>
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "tools/groups_reset.h"

namespace cs::tools {

namespace {

constexpr const char* tool = "clickstream groups";
constexpr const char* missing = "-";  // Kafka's MISSING_COLUMN_VALUE

// One line of --describe's table.
struct describe_row {
    std::string topic;
    std::string partition = missing;
    std::string current_offset = missing;
    std::string log_end_offset = missing;
    std::string lag = missing;
    std::string consumer_id = missing;
    std::string host = missing;
    std::string client_id = missing;
};

// Kafka's text for a failure: librdkafka's "Broker: The group is not empty"
// as the Java tool says it, "The group is not empty."
std::string kafka_message(const std::string& message) {
    std::string m = message;
    if (m.rfind("Broker: ", 0) == 0) {
        m.erase(0, 8);
    }
    if (!m.empty() && m.back() != '.') {
        m += '.';
    }
    return m;
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "'" : ", '") + n + "'";
    }
    return out;
}

class groups_run {
  public:
    groups_run(const groups_options& opts, const admin_tool_env& env)
        : opts_(opts), env_(env), out_(*env.out), err_(*env.err) {}

    int run() {
        if (int code = validate(); code != 0) {
            return code;
        }
        admin_ = connect_admin(tool, opts_.connection, env_);
        if (!admin_) {
            return 1;
        }
        if (opts_.list) {
            return list();
        }
        if (opts_.describe) {
            return describe();
        }
        if (opts_.remove) {
            return remove();
        }
        return reset_group_offsets(*admin_, opts_, env_);
    }

  private:
    int usage(const std::string& message) {
        err_ << tool << ": error: " << message << "\n";
        return 2;
    }
    int fail(const std::string& message) {
        err_ << tool << ": error: " << message << "\n";
        return 1;
    }

    // Kafka's ConsumerGroupCommandOptions checks, in its words where it has them.
    int validate() {
        int actions = opts_.list + opts_.describe + opts_.remove + opts_.reset_offsets;
        if (actions != 1) {
            return usage(
                "Command must include exactly one action: --list, --describe, --delete, "
                "--reset-offsets");
        }
        if (opts_.list && !opts_.groups.empty()) {
            return usage("--group can't be used with --list");
        }
        if (!opts_.list && opts_.groups.empty()) {
            return usage(fmt::format("Option {} takes the option --group",
                                     opts_.describe ? "--describe"
                                     : opts_.remove ? "--delete"
                                                    : "--reset-offsets"));
        }
        if (opts_.remove && !opts_.topics.empty()) {
            return usage(
                "The consumer does not support topic-specific offset deletion from a consumer "
                "group.");
        }
        bool scenario_flags = opts_.to_earliest || opts_.to_latest || opts_.to_datetime ||
                              opts_.to_offset || opts_.shift_by;
        if (!opts_.reset_offsets) {
            if (!opts_.topics.empty() || opts_.all_topics || scenario_flags || opts_.dry_run ||
                opts_.execute) {
                return usage(
                    "--topic, --all-topics, --to-*, --shift-by, --dry-run and --execute go with "
                    "--reset-offsets");
            }
            return 0;
        }
        int scenarios = opts_.to_earliest + opts_.to_latest + opts_.to_datetime.has_value() +
                        opts_.to_offset.has_value() + opts_.shift_by.has_value();
        if (scenarios != 1) {
            return usage(
                "Option --reset-offsets requires exactly one of the following scenarios: "
                "--to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by");
        }
        if (opts_.topics.empty() == !opts_.all_topics) {
            return usage(opts_.all_topics
                             ? "--topic and --all-topics can't be used together"
                             : "One of the reset scopes should be defined: --all-topics, --topic.");
        }
        if (opts_.dry_run && opts_.execute) {
            return usage("Option --reset-offsets only accepts one of --execute and --dry-run");
        }
        if (opts_.to_datetime) {
            if (auto t = parse_reset_datetime(*opts_.to_datetime); !t.ok()) {
                return usage(t.err().message);
            }
        }
        if (!opts_.dry_run && !opts_.execute) {
            err_ << "WARN: No action will be performed as the --execute option is missing. "
                    "In a future major release, the default behavior of this command will be to "
                    "prompt the user before executing the reset rather than doing a dry run. You "
                    "should add the --dry-run option explicitly if you are scripting this "
                    "command and want to keep the current default behavior without prompting.\n";
        }
        return 0;
    }

    int list() {
        auto groups = admin_->list_groups();
        if (!groups.ok()) {
            return fail(groups.err().message);
        }
        std::sort(groups->begin(), groups->end(),
                  [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
        for (const auto& g : *groups) {
            out_ << g.group_id << "\n";
        }
        return 0;
    }

    int describe() {
        auto described = admin_->describe_groups(opts_.groups);
        if (!described.ok()) {
            return fail(described.err().message);
        }
        std::sort(described->begin(), described->end(),
                  [](const auto& a, const auto& b) { return a.status.name < b.status.name; });
        int code = 0;
        for (const auto& g : *described) {
            if (int c = describe_one(g); c != 0) {
                code = c;
            }
        }
        return code;
    }

    int describe_one(const client::group_description& g) {
        const std::string& group = g.status.name;
        if (!g.status.ok()) {
            return fail(fmt::format("cannot describe group '{}': {}", group, g.status.message));
        }
        if (g.state == "Dead") {
            return fail(fmt::format("Consumer group '{}' does not exist.", group));
        }
        auto committed = admin_->list_group_offsets(group);
        if (!committed.ok()) {
            return fail(committed.err().message);
        }
        std::map<client::topic_partition, int64_t> offsets;
        for (const auto& o : *committed) {
            if (o.error == RD_KAFKA_RESP_ERR_NO_ERROR && o.offset >= 0) {
                offsets[o.tp] = o.offset;
            }
        }
        // Kafka's order: members with the most partitions first, then the
        // committed partitions no member holds.
        std::vector<const client::group_member*> members;
        for (const auto& m : g.members) {
            if (!m.assignment.empty()) {
                members.push_back(&m);
            }
        }
        std::stable_sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
            return a->assignment.size() > b->assignment.size();
        });
        std::vector<describe_row> rows;
        std::map<client::topic_partition, bool> assigned;
        int code = 0;
        auto add = [&](const client::topic_partition& tp, const client::group_member* m) {
            describe_row r;
            r.topic = tp.topic;
            r.partition = std::to_string(tp.partition);
            auto c = offsets.find(tp);
            if (c != offsets.end()) {
                r.current_offset = std::to_string(c->second);
            }
            auto w = admin_->query_watermarks(tp);
            if (w.ok()) {
                r.log_end_offset = std::to_string(w->high);
                if (c != offsets.end()) {
                    r.lag = std::to_string(w->high - c->second);
                }
            } else {
                err_ << tool << ": warning: " << w.err().message << "\n";
            }
            if (m != nullptr) {
                r.consumer_id = m->consumer_id;
                r.host = m->host;
                r.client_id = m->client_id;
            }
            rows.push_back(std::move(r));
        };
        for (const auto* m : members) {
            auto tps = m->assignment;
            std::sort(tps.begin(), tps.end());
            for (const auto& tp : tps) {
                assigned[tp] = true;
                add(tp, m);
            }
        }
        for (const auto& [tp, offset] : offsets) {
            if (!assigned.count(tp)) {
                add(tp, nullptr);
            }
        }
        if (g.state == "Empty") {
            err_ << "\nConsumer group '" << group << "' has no active members.\n";
        } else if (g.state == "PreparingRebalance" || g.state == "CompletingRebalance") {
            err_ << "\nWarning: Consumer group '" << group << "' is rebalancing.\n";
        }
        if (!rows.empty()) {
            print_table(group, rows);
        }
        return code;
    }

    // Kafka's layout: columns at least 15 wide (PARTITION 10), a blank line
    // before the header, rows after it.
    void print_table(const std::string& group, const std::vector<describe_row>& rows) {
        size_t group_w = std::max<size_t>(15, group.size());
        size_t topic_w = 15, consumer_w = 15, host_w = 15;
        for (const auto& r : rows) {
            topic_w = std::max(topic_w, r.topic.size());
            consumer_w = std::max(consumer_w, r.consumer_id.size());
            host_w = std::max(host_w, r.host.size());
        }
        auto line = [&](std::string_view g, std::string_view t, std::string_view p,
                        std::string_view cur, std::string_view end, std::string_view lag,
                        std::string_view cid, std::string_view host, std::string_view client) {
            out_ << fmt::format("{:<{}} {:<{}} {:<10} {:<15} {:<15} {:<15} {:<{}} {:<{}} {}\n", g,
                                group_w, t, topic_w, p, cur, end, lag, cid, consumer_w, host,
                                host_w, client);
        };
        out_ << "\n";
        line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
             "CONSUMER-ID", "HOST", "CLIENT-ID");
        for (const auto& r : rows) {
            line(group, r.topic, r.partition, r.current_offset, r.log_end_offset, r.lag,
                 r.consumer_id, r.host, r.client_id);
        }
    }

    int remove() {
        auto r = admin_->delete_groups(opts_.groups);
        if (!r.ok()) {
            return fail(r.err().message);
        }
        std::vector<std::string> deleted;
        std::vector<const client::item_status*> failed;
        for (const auto& s : *r) {
            if (s.ok()) {
                deleted.push_back(s.name);
            } else {
                failed.push_back(&s);
            }
        }
        if (failed.empty()) {
            out_ << "Deletion of requested consumer groups (" << quoted_list(deleted)
                 << ") was successful.\n";
            return 0;
        }
        err_ << tool << ": error: Deletion of some consumer groups failed:\n";
        for (const auto* s : failed) {
            err_ << "* Group '" << s->name
                 << "' could not be deleted due to: " << kafka_message(s->message) << "\n";
        }
        if (!deleted.empty()) {
            out_ << "\nThese consumer groups were deleted successfully: " << quoted_list(deleted)
                 << "\n";
        }
        return 1;
    }

    const groups_options& opts_;
    const admin_tool_env& env_;
    std::ostream& out_;
    std::ostream& err_;
    std::unique_ptr<client::admin_client> admin_;
};

}  // namespace

int run_groups(const groups_options& opts, const admin_tool_env& env) {
    return groups_run(opts, env).run();
}

}  // namespace cs::tools
