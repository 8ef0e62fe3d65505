#include "tools/topics.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <regex>

#include <fmt/format.h>

namespace cs::tools {

namespace {

constexpr const char* tool = "clickstream topics";

bool is_internal(const std::string& topic) {
    return topic == "__consumer_offsets" || topic == "__transaction_state";
}

std::string join(const std::vector<int32_t>& ids) {
    return fmt::format("{}", fmt::join(ids, ","));
}

class topics_run {
  public:
    topics_run(const topics_options& opts, const admin_tool_env& env)
        : opts_(opts), env_(env), out_(*env.out), err_(*env.err) {}

    int run() {
        if (int code = validate(); code != 0) {
            return code;
        }
        admin_ = connect_admin(tool, opts_.connection, env_);
        if (!admin_) {
            return 1;
        }
        if (opts_.create) {
            return create();
        }
        auto topics = matching_topics();
        if (!topics.ok()) {
            return fail(topics.err().message);
        }
        if (opts_.topic && topics->empty() && !opts_.list && !opts_.if_exists) {
            return fail(fmt::format("Topic '{}' does not exist (see --list)", *opts_.topic));
        }
        if (opts_.list) {
            for (const auto& t : *topics) {
                out_ << t.name << "\n";
            }
            return 0;
        }
        if (topics->empty()) {
            return 0;  // --if-exists, or a cluster without topics
        }
        if (opts_.describe) {
            return describe(*topics);
        }
        if (opts_.remove) {
            return remove(*topics);
        }
        return alter(*topics);
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

    // Kafka's TopicCommandOptions checks, in its words where it has them.
    int validate() {
        int actions = opts_.create + opts_.list + opts_.describe + opts_.remove + opts_.alter;
        if (actions != 1) {
            return usage(
                "Command must include exactly one action: --list, --describe, --create, --alter "
                "or --delete");
        }
        if ((opts_.create || opts_.remove || opts_.alter) && !opts_.topic) {
            return usage("--topic is required for --create, --alter and --delete");
        }
        if (opts_.partitions && !opts_.create && !opts_.alter) {
            return usage("--partitions goes with --create or --alter");
        }
        if (opts_.alter && !opts_.partitions) {
            return usage("--alter needs --partitions N (the new partition count)");
        }
        if (opts_.partitions && *opts_.partitions < 1) {
            return usage("The partitions must be greater than 0");
        }
        if (opts_.replication_factor && !opts_.create) {
            return usage("--replication-factor goes with --create");
        }
        if (opts_.replication_factor &&
            (*opts_.replication_factor < 1 || *opts_.replication_factor > 32767)) {
            return usage("The replication factor must be between 1 and 32767 inclusive");
        }
        if (!opts_.configs.empty() && !opts_.create) {
            return usage(
                "--config goes with --create (topic configs are changed with "
                "kafka-configs.sh --alter)");
        }
        for (const auto& kv : opts_.configs) {
            size_t eq = kv.find('=');
            if (eq == std::string::npos || eq == 0) {
                return usage(fmt::format(
                    "Invalid topic config '{}': configs must be in the format \"key=val\"", kv));
            }
        }
        if (opts_.if_not_exists && !opts_.create) {
            return usage("--if-not-exists goes with --create");
        }
        if (opts_.if_exists && !(opts_.alter || opts_.remove || opts_.describe)) {
            return usage("--if-exists goes with --alter, --delete or --describe");
        }
        if (opts_.exclude_internal && !(opts_.list || opts_.describe)) {
            return usage("--exclude-internal goes with --list or --describe");
        }
        if (opts_.topic && !opts_.create) {
            try {
                filter_ = std::regex(filter_pattern(*opts_.topic));
            } catch (const std::regex_error& e) {
                return usage(fmt::format("--topic '{}' is not a valid regular expression: {}",
                                         *opts_.topic, e.what()));
            }
        }
        return 0;
    }

    // Kafka's IncludeList: quotes around the whole are dropped, a comma is "or".
    static std::string filter_pattern(std::string s) {
        while (!s.empty() && (s.front() == '"' || s.front() == '\'' || s.front() == ' ')) {
            s.erase(s.begin());
        }
        while (!s.empty() && (s.back() == '"' || s.back() == '\'' || s.back() == ' ')) {
            s.pop_back();
        }
        std::replace(s.begin(), s.end(), ',', '|');
        return s;
    }

    result<std::vector<client::topic_metadata>> matching_topics() {
        auto md = admin_->metadata();
        if (!md.ok()) {
            return md.take_error();
        }
        std::vector<client::topic_metadata> out;
        for (auto& t : md->topics) {
            if (opts_.exclude_internal && is_internal(t.name)) {
                continue;
            }
            if (opts_.topic && !std::regex_match(t.name, filter_)) {
                continue;
            }
            out.push_back(std::move(t));
        }
        return out;
    }

    int create() {
        const std::string& name = *opts_.topic;
        if (name.find_first_of("._") != std::string::npos) {
            err_ << "WARNING: Due to limitations in metric names, topics with a period ('.') or "
                    "underscore ('_') could collide. To avoid issues it is best to use either, "
                    "but not both.\n";
        }
        client::new_topic t{
            name, opts_.partitions.value_or(-1), opts_.replication_factor.value_or(-1), {}};
        for (const auto& kv : opts_.configs) {
            size_t eq = kv.find('=');
            t.configs.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        }
        auto r = admin_->create_topics({t});
        if (!r.ok()) {
            return fail(fmt::format("cannot create topic '{}': {}", name, r.err().message));
        }
        for (const auto& s : *r) {
            if (s.ok()) {
                continue;
            }
            if (s.code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && opts_.if_not_exists) {
                return 0;
            }
            if (s.code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                return fail(
                    fmt::format("Topic '{}' already exists ({}); --if-not-exists accepts "
                                "an existing topic",
                                s.name, s.message));
            }
            return fail(fmt::format("cannot create topic '{}': {}", s.name, s.message));
        }
        out_ << "Created topic " << name << ".\n";
        return 0;
    }

    int describe(const std::vector<client::topic_metadata>& topics) {
        std::vector<std::string> names;
        for (const auto& t : topics) {
            names.push_back(t.name);
        }
        std::map<std::string, std::string> configs;  // topic -> "k=v,k=v"
        auto described = admin_->describe_topic_configs(names);
        if (!described.ok()) {
            // The mock cluster, or a broker without DescribeConfigs: the
            // partitions are still worth showing.
            err_ << tool << ": warning: topic configs not shown: " << described.err().message
                 << "\n";
        } else {
            for (auto& c : *described) {
                if (!c.status.ok()) {
                    err_ << tool << ": warning: configs of topic '" << c.status.name
                         << "' not shown: " << c.status.message << "\n";
                    continue;
                }
                std::sort(c.entries.begin(), c.entries.end(),
                          [](const auto& a, const auto& b) { return a.name < b.name; });
                std::string joined;
                for (const auto& e : c.entries) {
                    if (e.is_default()) {
                        continue;
                    }
                    if (!joined.empty()) {
                        joined += ',';
                    }
                    joined += e.name + "=" + e.value.value_or("null");
                }
                configs[c.status.name] = std::move(joined);
            }
        }
        int code = 0;
        for (const auto& t : topics) {
            if (t.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
                code = fail(fmt::format("topic '{}': {}", t.name, rd_kafka_err2str(t.error)));
                continue;
            }
            size_t rf = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
            out_ << fmt::format(
                "Topic: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}\n", t.name,
                t.partitions.size(), rf, configs[t.name]);
            for (const auto& p : t.partitions) {
                out_ << fmt::format(
                    "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}\n", t.name, p.id,
                    p.leader < 0 ? std::string("none") : std::to_string(p.leader), join(p.replicas),
                    join(p.isr));
            }
        }
        return code;
    }

    // Per-topic outcomes of --delete / --alter: every failure named.
    int report(const result<std::vector<client::item_status>>& r, const char* what) {
        if (!r.ok()) {
            return fail(fmt::format("cannot {}: {}", what, r.err().message));
        }
        int code = 0;
        for (const auto& s : *r) {
            if (!s.ok()) {
                code = fail(fmt::format("cannot {} topic '{}': {}", what, s.name, s.message));
            }
        }
        return code;
    }

    int remove(const std::vector<client::topic_metadata>& topics) {
        std::vector<std::string> names;
        for (const auto& t : topics) {
            names.push_back(t.name);
        }
        return report(admin_->delete_topics(names), "delete");
    }

    int alter(const std::vector<client::topic_metadata>& topics) {
        std::vector<std::pair<std::string, int>> totals;
        for (const auto& t : topics) {
            totals.emplace_back(t.name, *opts_.partitions);
        }
        return report(admin_->create_partitions(totals), "alter");
    }

    const topics_options& opts_;
    const admin_tool_env& env_;
    std::ostream& out_;
    std::ostream& err_;
    std::regex filter_;
    std::unique_ptr<client::admin_client> admin_;
};

}  // namespace

int run_topics(const topics_options& opts, const admin_tool_env& env) {
    return topics_run(opts, env).run();
}

}  // namespace cs::tools
