#include "tools/groups_reset.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <ostream>
#include <regex>
#include <set>

#include <fmt/format.h>

namespace cs::tools {

namespace {

constexpr const char* tool = "clickstream groups";

std::string tp_name(const client::topic_partition& tp) {
    return fmt::format("{}-{}", tp.topic, tp.partition);
}

int to_int(const std::string& s) {
    int v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

class reset_run {
  public:
    reset_run(client::admin_client& admin, const groups_options& opts, const admin_tool_env& env)
        : admin_(admin), opts_(opts), out_(*env.out), err_(*env.err) {}

    int run() {
        int code = 0;
        std::vector<std::pair<std::string, std::map<client::topic_partition, int64_t>>> plans;
        auto described = admin_.describe_groups(opts_.groups);
        if (!described.ok()) {
            return fail(described.err().message);
        }
        for (const auto& g : *described) {
            const std::string& group = g.status.name;
            if (!g.status.ok()) {
                code = fail(fmt::format("cannot describe group '{}': {}", group, g.status.message));
                continue;
            }
            if (g.state != "Empty" && g.state != "Dead") {
                code = fail(fmt::format(
                    "Assignments can only be reset if the group '{}' is inactive, but the "
                    "current state is {}.",
                    group, g.state));
                continue;
            }
            auto plan = prepare(group);
            if (!plan.ok()) {
                code = fail(plan.err().message);
                continue;
            }
            if (opts_.execute) {
                if (int c = commit(group, *plan); c != 0) {
                    code = c;
                    continue;
                }
            }
            plans.emplace_back(group, std::move(*plan));
        }
        if (!plans.empty()) {
            print(plans);
        }
        return code;
    }

  private:
    int fail(const std::string& message) {
        err_ << tool << ": error: " << message << "\n";
        return 1;
    }

    // The partitions to reset: --all-topics: every committed one; --topic T:
    // all of T's partitions; --topic T:0,2: those.
    result<std::vector<client::topic_partition>> scope(const std::string& group) {
        std::set<client::topic_partition> out;
        if (opts_.all_topics) {
            auto committed = admin_.list_group_offsets(group);
            if (!committed.ok()) {
                return committed.take_error();
            }
            for (const auto& o : *committed) {
                out.insert(o.tp);
            }
            return std::vector<client::topic_partition>(out.begin(), out.end());
        }
        auto md = admin_.metadata();
        if (!md.ok()) {
            return md.take_error();
        }
        std::map<std::string, size_t> partition_counts;
        for (const auto& t : md->topics) {
            if (t.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
                partition_counts[t.name] = t.partitions.size();
            }
        }
        static const std::regex with_partitions(R"(([^:]+):(\d+(?:,\d+)*))");
        for (const auto& arg : opts_.topics) {
            std::smatch m;
            std::string topic = arg;
            std::vector<int> partitions;
            if (arg.find(':') != std::string::npos) {
                if (!std::regex_match(arg, m, with_partitions)) {
                    return error{errc::invalid_argument,
                                 fmt::format("Invalid topic arg '{}', expected topic name and "
                                             "partitions (T:0,1)",
                                             arg)};
                }
                topic = m[1];
                std::string list = m[2];
                for (size_t pos = 0; pos <= list.size();) {
                    size_t comma = std::min(list.find(',', pos), list.size());
                    partitions.push_back(to_int(list.substr(pos, comma - pos)));
                    pos = comma + 1;
                }
            }
            auto count = partition_counts.find(topic);
            if (count == partition_counts.end()) {
                return error{
                    errc::not_found,
                    fmt::format("Topic '{}' does not exist (see clickstream topics --list)",
                                topic)};
            }
            if (partitions.empty()) {
                for (size_t p = 0; p < count->second; ++p) {
                    partitions.push_back(static_cast<int>(p));
                }
            }
            for (int p : partitions) {
                if (p < 0 || static_cast<size_t>(p) >= count->second) {
                    return error{errc::not_found,
                                 fmt::format("Partition {}-{} does not exist ('{}' has {} "
                                             "partitions)",
                                             topic, p, topic, count->second)};
                }
                out.insert({topic, p});
            }
        }
        return std::vector<client::topic_partition>(out.begin(), out.end());
    }

    result<client::watermarks> marks(const client::topic_partition& tp) {
        auto w = admin_.query_watermarks(tp);
        if (!w.ok()) {
            return error{w.err().code, fmt::format("Error getting offsets of topic partition "
                                                   "{}: {}",
                                                   tp_name(tp), w.err().message)};
        }
        return w;
    }

    // Kafka's checkOffsetsRange: a requested offset outside the log becomes
    // its nearer end.
    result<int64_t> clamp(const client::topic_partition& tp, int64_t offset) {
        auto w = marks(tp);
        if (!w.ok()) {
            return w.take_error();
        }
        if (offset > w->high) {
            err_ << fmt::format(
                "{}: warning: New offset ({}) is higher than latest offset for topic partition "
                "{}. Value will be set to {}\n",
                tool, offset, tp_name(tp), w->high);
            return w->high;
        }
        if (offset < w->low) {
            err_ << fmt::format(
                "{}: warning: New offset ({}) is lower than earliest offset for topic partition "
                "{}. Value will be set to {}\n",
                tool, offset, tp_name(tp), w->low);
            return w->low;
        }
        return offset;
    }

    result<std::map<client::topic_partition, int64_t>> prepare(const std::string& group) {
        auto partitions = scope(group);
        if (!partitions.ok()) {
            return partitions.take_error();
        }
        std::map<client::topic_partition, int64_t> plan;
        std::map<client::topic_partition, int64_t> committed;
        if (opts_.shift_by) {
            auto c = admin_.list_group_offsets(group);
            if (!c.ok()) {
                return c.take_error();
            }
            for (const auto& o : *c) {
                committed[o.tp] = o.offset;
            }
        }
        std::map<client::topic_partition, int64_t> by_time;
        if (opts_.to_datetime) {
            auto ts = parse_reset_datetime(*opts_.to_datetime);
            auto found = admin_.offsets_for_times(*partitions, *ts);
            if (!found.ok()) {
                return found.take_error();
            }
            for (const auto& o : *found) {
                if (o.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    return error{errc::io, fmt::format("Error getting offset by timestamp of topic "
                                                       "partition {}: {}",
                                                       tp_name(o.tp), rd_kafka_err2str(o.error))};
                }
                by_time[o.tp] = o.offset;
            }
        }
        for (const auto& tp : *partitions) {
            result<int64_t> offset = int64_t{0};
            if (opts_.to_earliest || opts_.to_latest) {
                auto w = marks(tp);
                if (!w.ok()) {
                    return w.take_error();
                }
                offset = opts_.to_earliest ? w->low : w->high;
            } else if (opts_.to_offset) {
                offset = clamp(tp, *opts_.to_offset);
            } else if (opts_.shift_by) {
                auto c = committed.find(tp);
                if (c == committed.end()) {
                    return error{errc::not_found,
                                 fmt::format("Cannot shift offset for partition {} since there "
                                             "is no current committed offset",
                                             tp_name(tp))};
                }
                offset = clamp(tp, c->second + *opts_.shift_by);
            } else {
                int64_t o = by_time.count(tp) ? by_time[tp] : -1;
                if (o < 0) {
                    // No record at or after the time: Kafka falls back to the end.
                    err_ << "Warn: Partition " << tp.partition << " from topic " << tp.topic
                         << " is empty. Falling back to latest known offset.\n";
                    auto w = marks(tp);
                    if (!w.ok()) {
                        return w.take_error();
                    }
                    o = w->high;
                }
                offset = o;
            }
            if (!offset.ok()) {
                return offset.take_error();
            }
            plan[tp] = *offset;
        }
        return plan;
    }

    int commit(const std::string& group, const std::map<client::topic_partition, int64_t>& plan) {
        std::vector<client::partition_offset> offsets;
        for (const auto& [tp, o] : plan) {
            offsets.push_back({tp, o, RD_KAFKA_RESP_ERR_NO_ERROR});
        }
        auto r = admin_.alter_group_offsets(group, offsets);
        if (!r.ok()) {
            return fail(r.err().message);
        }
        int code = 0;
        for (const auto& o : *r) {
            if (o.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
                code = fail(fmt::format("cannot commit offset of {} for group '{}': {}",
                                        tp_name(o.tp), group, rd_kafka_err2str(o.error)));
            }
        }
        return code;
    }

    // Kafka's printOffsetsToReset layout.
    void print(
        const std::vector<std::pair<std::string, std::map<client::topic_partition, int64_t>>>&
            plans) {
        auto line = [&](std::string_view g, std::string_view t, std::string_view p,
                        std::string_view o) {
            out_ << fmt::format("\n{:<30} {:<30} {:<10} {:<15}", g, t, p, o);
        };
        line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        for (const auto& [group, plan] : plans) {
            for (const auto& [tp, o] : plan) {
                line(group, tp.topic, std::to_string(tp.partition), std::to_string(o));
            }
        }
        out_ << "\n";
    }

    client::admin_client& admin_;
    const groups_options& opts_;
    std::ostream& out_;
    std::ostream& err_;
};

}  // namespace

int reset_group_offsets(client::admin_client& admin, const groups_options& opts,
                        const admin_tool_env& env) {
    return reset_run(admin, opts, env).run();
}

result<int64_t> parse_reset_datetime(std::string_view text) {
    static const std::regex format(
        R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?(Z|[+-]\d{2}(?::?\d{2})?)?)");
    std::string s(text);
    std::smatch m;
    auto bad = [&] {
        return error{errc::invalid_argument,
                     fmt::format("--to-datetime '{}': expected YYYY-MM-DDTHH:mm:SS.sss with an "
                                 "optional zone (Z, +01:00, -0800), e.g. 2024-05-01T09:30:00.000",
                                 s)};
    };
    if (!std::regex_match(s, m, format)) {
        return bad();
    }
    using namespace std::chrono;
    year_month_day ymd{year{to_int(m[1])}, month{static_cast<unsigned>(to_int(m[2]))},
                       day{static_cast<unsigned>(to_int(m[3]))}};
    int h = to_int(m[4]), min = to_int(m[5]), sec = to_int(m[6]);
    if (!ymd.ok() || h > 23 || min > 59 || sec > 59) {
        return bad();
    }
    int64_t ms = duration_cast<milliseconds>(sys_days{ymd}.time_since_epoch()).count() +
                 ((h * 60LL + min) * 60 + sec) * 1000 + (m[7].matched ? to_int(m[7]) : 0);
    std::string zone = m[8].matched ? m[8].str() : "Z";
    if (zone != "Z") {
        int sign = zone[0] == '-' ? -1 : 1;
        std::string digits;
        for (char c : zone.substr(1)) {
            if (c != ':') {
                digits += c;
            }
        }
        int zh = to_int(digits.substr(0, 2));
        int zm = digits.size() > 2 ? to_int(digits.substr(2)) : 0;
        if (zh > 23 || zm > 59) {
            return bad();
        }
        ms -= sign * (zh * 60LL + zm) * 60 * 1000;
    }
    return ms;
}

}  // namespace cs::tools
