#include "broker/broker_state.h"

#include <algorithm>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "base/log.h"
#include "broker/producer_state_store.h"
#include "broker/topics/topic_name.h"
#include "config/properties.h"
#include "storage/file_io.h"

namespace cs::broker {
namespace {

constexpr const char* kTopicsFile = "clickstream-topics.tsv";
constexpr const char* kMetaFile = "meta.properties";
constexpr const char* kProducerIdsFile = "clickstream-producer-ids";
constexpr int64_t kProducerIdBlock = 1000;

std::string random_cluster_id() {
    // 16 random bytes in URL-safe base64 without padding: Kafka's format.
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::random_device rd;
    std::string id;
    uint64_t bits = 0;
    int have = 0;
    for (int i = 0; i < 22; ++i) {
        if (have < 6) {
            bits = (bits << 32) | rd();
            have += 32;
        }
        have -= 6;
        id += alphabet[(bits >> have) & 63];
    }
    return id;
}

std::optional<std::string> read_small_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) {
        return std::nullopt;
    }
    return std::string(std::istreambuf_iterator<char>(in), {});
}

int64_t get_int64(const config::resolved_config& c, std::string_view key) {
    const auto& e = c.entry(key);
    return e.def->type == config::value_type::int32 ? c.get_int(key) : c.get_long(key);
}

// The partition's transactions as its log cleaner needs them.
class partition_txn_view final : public storage::txn_view {
  public:
    explicit partition_txn_view(const std::shared_ptr<partition>& p) : part_(p) {}
    bool aborted(int64_t producer_id, int64_t offset) const override {
        auto p = part_.lock();
        if (!p || !p->has_aborted.load()) {
            return false;
        }
        std::lock_guard lock(p->append_mu);
        return p->producers.is_aborted(producer_id, offset);
    }
    std::optional<int64_t> first_unstable() const override {
        auto p = part_.lock();
        int64_t first = p ? p->first_unstable.load() : -1;
        return first >= 0 ? std::optional<int64_t>(first) : std::nullopt;
    }

  private:
    std::weak_ptr<partition> part_;
};

}  // namespace

broker_state::broker_state(config::broker_config cfg, clock& clk)
    : cfg_(std::move(cfg)), clock_(clk) {}

broker_state::~broker_state() {
    (void)shutdown();
}

status broker_state::load_or_create_meta() {
    auto dir = std::filesystem::path(settings().log_dirs.front());
    auto meta_path = dir / kMetaFile;
    auto text = read_small_file(meta_path);
    if (text) {
        config::diagnostics diags;
        auto props = config::parse_properties(*text, meta_path.string(), diags);
        if (const auto* id = props.find("cluster.id")) {
            cluster_id_ = id->value;
        }
        if (const auto* node = props.find("node.id");
            node && node->value != std::to_string(node_id())) {
            return {errc::invalid_argument,
                    fmt::format("{} belongs to node {}, but this broker is node {} "
                                "(broker.id / node.id); point log.dirs elsewhere or fix the id",
                                meta_path.string(), node->value, node_id())};
        }
    }
    if (cluster_id_.empty()) {
        cluster_id_ = random_cluster_id();
        auto contents =
            fmt::format("#clickstream broker metadata\nversion=1\ncluster.id={}\nnode.id={}\n",
                        cluster_id_, node_id());
        if (auto st = storage::write_file_atomically(meta_path, contents); !st) {
            return st;
        }
    }
    // Producer ids are handed out in blocks; the file holds the first id of
    // the next block, so ids stay unique across restarts and crashes.
    auto pid_path = dir / kProducerIdsFile;
    int64_t start = 0;
    if (auto t = read_small_file(pid_path)) {
        try {
            start = std::stoll(*t);
        } catch (const std::exception&) {
            return {errc::corrupt, fmt::format("{}: not a producer id", pid_path.string())};
        }
    }
    next_pid_ = start;
    pid_block_end_ = start + kProducerIdBlock;
    return storage::write_file_atomically(pid_path, std::to_string(pid_block_end_) + "\n");
}

status broker_state::start() {
    auto logger = log::get("broker");
    if (settings().log_dirs.empty()) {
        return {errc::invalid_argument, "no log directory configured (log.dirs)"};
    }
    for (const auto& d : settings().log_dirs) {
        std::error_code ec;
        std::filesystem::create_directories(d, ec);
        if (ec) {
            return {errc::io, fmt::format("cannot create log dir {}: {}", d, ec.message())};
        }
    }
    if (auto st = load_or_create_meta(); !st) {
        return st;
    }
    auto table =
        topic_table::open(std::filesystem::path(settings().log_dirs.front()) / kTopicsFile);
    if (!table.ok()) {
        return table.take_error();
    }
    topics_ = std::move(*table);

    storage::log_manager_options opts;
    for (const auto& d : settings().log_dirs) {
        opts.log_dirs.emplace_back(d);
    }
    opts.checkpoint_interval_ms = settings().log_flush_offset_checkpoint_interval_ms;
    opts.retention_check_interval_ms = settings().log_retention_check_interval_ms;
    opts.cleaner_enable = settings().log_cleaner_enable;
    opts.config_for = [this](const kafka::topic_partition& tp) {
        if (auto t = topics_->find(tp.topic)) {
            if (auto tc = topic_config(*t); tc.ok()) {
                return log_config_for(*tc);
            }
        }
        return storage::log_config{};
    };
    auto logs = storage::log_manager::open(std::move(opts), clock_);
    if (!logs.ok()) {
        return logs.take_error();
    }
    logs_ = std::move(*logs);

    for (const auto& t : topics_->list()) {
        if (auto st = open_topic_partitions(t, 0); !st) {
            return st;
        }
    }
    for (const auto& tp : logs_->partitions()) {
        auto t = topics_->find(tp.topic);
        if (!t || tp.partition.value() >= t->partitions) {
            logger->warn("partition directory {} belongs to no known topic; left untouched",
                         tp.to_string());
        }
    }
    groups_ = std::make_unique<group_service>(*this);
    if (auto st = groups_->start(); !st) {
        return st;
    }
    txns_ = std::make_unique<txn_service>(*this);
    if (auto st = txns_->start(); !st) {
        return st;
    }
    started_ = true;
    logger->info("broker {} of cluster {} started: {} topics, {} partitions", node_id(),
                 cluster_id_, topics_->size(), partitions_.size());
    return {};
}

status broker_state::open_topic_partitions(const topic_info& t, int32_t from) {
    auto tc = topic_config(t);
    if (!tc.ok()) {
        return tc.take_error();
    }
    auto lc = log_config_for(*tc);
    std::unique_lock lock(partitions_mu_);
    for (int32_t p = from; p < t.partitions; ++p) {
        kafka::topic_partition tp{t.name, kafka::partition_id(p)};
        if (partitions_.contains(tp)) {
            continue;
        }
        auto log = logs_->get(tp);
        if (!log) {
            auto created = logs_->create(tp, lc);
            if (!created.ok()) {
                return created.take_error();
            }
            log = std::move(*created);
        }
        auto part = std::make_shared<partition>();
        part->tp = tp;
        part->log = std::move(log);
        if (!is_internal_topic(t.name)) {
            part->log->set_txn_view(std::make_shared<partition_txn_view>(part));
            auto producers = load_producer_state(*part->log, clock_.now_ms());
            if (producers.ok()) {
                part->producers = std::move(*producers);
                part->publish_txn_state();
            } else {
                log::get("broker")->warn("{}: cannot rebuild idempotent producer state: {}",
                                         tp.to_string(), producers.err().message);
            }
        }
        partitions_[tp] = std::move(part);
    }
    return {};
}

status broker_state::shutdown() {
    if (!started_ || stopped_) {
        return {};
    }
    stopped_ = true;
    fetches_.stop();
    txns_->stop();
    groups_->stop();
    save_producer_snapshots();
    auto st = logs_->shutdown();
    log::get("broker")->info("broker {} stopped{}", node_id(),
                             st.ok() ? ", logs flushed cleanly" : ": " + st.message());
    return st;
}

void broker_state::save_producer_snapshots() {
    std::shared_lock lock(partitions_mu_);
    for (const auto& [tp, part] : partitions_) {
        std::lock_guard append(part->append_mu);
        if (part->producers.empty()) {
            continue;
        }
        if (auto st = save_producer_state(*part->log, part->producers); !st) {
            log::get("broker")->warn("{}: cannot save producer state: {}", tp.to_string(),
                                     st.message());
        }
    }
}

void broker_state::tick() {
    if (!started_ || stopped_) {
        return;
    }
    logs_->tick(clock_.now_ms());
    groups_->tick();
    txns_->tick();
    expire_producers();
}

// producer.id.expiration.ms, checked once a minute or, for a shorter
// expiration, that often (Kafka: every producer.id.expiration.check.interval.ms,
// 10 minutes).
void broker_state::expire_producers() {
    const int64_t expiration = settings().producer_id_expiration_ms;
    const int64_t mono = clock_.monotonic_ms();
    if (mono - last_producer_expiry_ms_ < std::min<int64_t>(60'000, expiration)) {
        return;
    }
    last_producer_expiry_ms_ = mono;
    const int64_t now = clock_.now_ms();
    size_t forgotten = 0;
    std::shared_lock lock(partitions_mu_);
    for (const auto& [tp, part] : partitions_) {
        std::lock_guard append(part->append_mu);
        forgotten += part->producers.expire(now, expiration);
        part->producers.prune_aborted(part->log->log_start_offset().value());
        part->publish_txn_state();
    }
    if (forgotten > 0) {
        log::get("broker")->info(
            "forgot {} idempotent producer state(s) silent for producer.id.expiration.ms = {}",
            forgotten, expiration);
    }
}

std::vector<std::shared_ptr<partition>> broker_state::all_partitions() const {
    std::shared_lock lock(partitions_mu_);
    std::vector<std::shared_ptr<partition>> out;
    out.reserve(partitions_.size());
    for (const auto& [tp, part] : partitions_) {
        out.push_back(part);
    }
    return out;
}

std::shared_ptr<partition> broker_state::find_partition(const kafka::topic_partition& tp) const {
    std::shared_lock lock(partitions_mu_);
    auto it = partitions_.find(tp);
    return it == partitions_.end() ? nullptr : it->second;
}

result<config::topic_config> broker_state::topic_config(const topic_info& t) const {
    return config::effective_topic_config(cfg_.config, t.overrides);
}

storage::log_config broker_state::log_config_for(const config::topic_config& tc) const {
    const auto& v = tc.values();
    storage::log_config c;
    c.segment_bytes = get_int64(v, "segment.bytes");
    c.segment_ms = get_int64(v, "segment.ms");
    c.retention_ms = get_int64(v, "retention.ms");
    c.retention_bytes = get_int64(v, "retention.bytes");
    c.index_interval_bytes = static_cast<int32_t>(get_int64(v, "index.interval.bytes"));
    c.segment_index_bytes = static_cast<int32_t>(get_int64(v, "segment.index.bytes"));
    c.flush_messages = get_int64(v, "flush.messages");
    c.flush_ms = get_int64(v, "flush.ms");
    c.file_delete_delay_ms = get_int64(v, "file.delete.delay.ms");
    c.max_message_bytes = static_cast<int32_t>(get_int64(v, "max.message.bytes"));
    const int64_t difference = get_int64(v, "message.timestamp.difference.max.ms");
    auto or_difference = [&](const char* key) {
        const int64_t x = get_int64(v, key);
        return x != INT64_MAX ? x : difference;
    };
    c.timestamp_before_max_ms = or_difference("message.timestamp.before.max.ms");
    c.timestamp_after_max_ms = or_difference("message.timestamp.after.max.ms");
    c.timestamp_type =
        v.get_string("message.timestamp.type").value_or("CreateTime") == "LogAppendTime"
            ? storage::message_timestamp_type::log_append_time
            : storage::message_timestamp_type::create_time;
    auto policy = v.get_list("cleanup.policy");
    c.cleanup_delete = std::find(policy.begin(), policy.end(), "delete") != policy.end();
    c.cleanup_compact = std::find(policy.begin(), policy.end(), "compact") != policy.end();
    c.delete_retention_ms = get_int64(v, "delete.retention.ms");
    c.min_compaction_lag_ms = get_int64(v, "min.compaction.lag.ms");
    c.min_cleanable_dirty_ratio = v.get_double("min.cleanable.dirty.ratio");
    return c;
}

admin_outcome broker_state::create_topic(const std::string& name, int32_t partitions,
                                         int16_t replication_factor,
                                         const config::topic_overrides& configs,
                                         bool validate_only) {
    if (auto st = validate_topic_name(name); !st) {
        return {kafka::error_code::invalid_topic_exception, st.message()};
    }
    if (is_internal_topic(name)) {
        return {kafka::error_code::invalid_request,
                fmt::format("'{}' is an internal topic; the broker creates it itself", name)};
    }
    // -1 means "the broker's default" (CreateTopics v4+).
    if (partitions == -1) {
        partitions = settings().num_partitions;
    }
    if (replication_factor == -1) {
        replication_factor = static_cast<int16_t>(settings().default_replication_factor);
    }
    if (partitions <= 0) {
        return {kafka::error_code::invalid_partitions,
                fmt::format("number of partitions must be at least 1, got {}", partitions)};
    }
    if (replication_factor <= 0) {
        return {kafka::error_code::invalid_replication_factor,
                fmt::format("replication factor must be at least 1, got {}", replication_factor)};
    }
    if (replication_factor > 1) {
        return {kafka::error_code::invalid_replication_factor,
                fmt::format("replication factor {} is larger than the number of brokers: this is a "
                            "single-node cluster, so use a replication factor of 1",
                            replication_factor)};
    }
    if (auto st = config::validate_topic_overrides(configs); !st) {
        return {kafka::error_code::invalid_config, st.message()};
    }
    std::lock_guard admin(admin_mu_);
    if (topics_->find(name)) {
        return {kafka::error_code::topic_already_exists,
                fmt::format("topic '{}' already exists", name)};
    }
    for (const auto& other : topics_->list()) {
        if (topic_names_collide(name, other.name)) {
            return {kafka::error_code::invalid_topic_exception,
                    fmt::format("Topic '{}' collides with existing topics: {}", name, other.name)};
        }
    }
    if (validate_only) {
        return {};
    }
    topic_info t{name, partitions, topic_table::random_id(), configs};
    if (auto st = topics_->create(t); !st) {
        return {kafka::error_code::kafka_storage_error, st.message()};
    }
    if (auto st = open_topic_partitions(t, 0); !st) {
        return {kafka::error_code::kafka_storage_error, st.message()};
    }
    log::get("broker")->info(
        "created topic {} with {} partitions{}", name, partitions,
        configs.empty() ? "" : fmt::format(" and {} config overrides", configs.size()));
    return {};
}

bool broker_state::auto_create_topic(const std::string& name) {
    if (topics_->find(name)) {
        return true;
    }
    if (!settings().auto_create_topics_enable) {
        return false;
    }
    auto outcome = create_topic(name, settings().num_partitions, 1, {}, false);
    return outcome.ok() || outcome.code == kafka::error_code::topic_already_exists;
}

admin_outcome broker_state::delete_topic(const std::string& name) {
    if (!settings().delete_topic_enable) {
        return {kafka::error_code::topic_deletion_disabled,
                "topic deletion is disabled (delete.topic.enable=false)"};
    }
    if (is_internal_topic(name)) {
        return {kafka::error_code::invalid_request, "internal topics cannot be deleted"};
    }
    std::lock_guard admin(admin_mu_);
    auto t = topics_->find(name);
    if (!t) {
        return {kafka::error_code::unknown_topic_or_partition,
                fmt::format("topic '{}' does not exist", name)};
    }
    if (auto st = topics_->remove(name); !st) {
        return {kafka::error_code::kafka_storage_error, st.message()};
    }
    std::vector<std::shared_ptr<partition>> removed;
    {
        std::unique_lock lock(partitions_mu_);
        for (int32_t p = 0; p < t->partitions; ++p) {
            auto it = partitions_.find({name, kafka::partition_id(p)});
            if (it != partitions_.end()) {
                removed.push_back(std::move(it->second));
                partitions_.erase(it);
            }
        }
    }
    status removal;
    for (const auto& part : removed) {
        if (auto st = logs_->remove(part->tp); !st) {
            log::get("broker")->error("deleting {}: {}", part->tp.to_string(), st.message());
            removal = st;
        }
        fetches_.notify(part->tp);
    }
    if (groups_) {
        groups_->post([name](group::group_coordinator& c) { c.remove_topic_offsets(name); });
    }
    if (!removal) {
        return {kafka::error_code::kafka_storage_error, removal.message()};
    }
    log::get("broker")->info("deleted topic {}", name);
    return {};
}

admin_outcome broker_state::add_partitions(const std::string& name, int32_t new_total,
                                           bool validate_only) {
    std::lock_guard admin(admin_mu_);
    auto t = topics_->find(name);
    if (!t) {
        return {kafka::error_code::unknown_topic_or_partition,
                fmt::format("topic '{}' does not exist", name)};
    }
    if (new_total <= t->partitions) {
        return {kafka::error_code::invalid_partitions,
                fmt::format("topic '{}' has {} partitions; the new count {} must be larger", name,
                            t->partitions, new_total)};
    }
    if (validate_only) {
        return {};
    }
    int32_t old = t->partitions;
    if (auto st = topics_->set_partitions(name, new_total); !st) {
        return {kafka::error_code::kafka_storage_error, st.message()};
    }
    t->partitions = new_total;
    if (auto st = open_topic_partitions(*t, old); !st) {
        return {kafka::error_code::kafka_storage_error, st.message()};
    }
    return {};
}

admin_outcome broker_state::alter_topic_config(const std::string& name,
                                               const config::topic_overrides& configs,
                                               bool validate_only) {
    if (auto st = config::validate_topic_overrides(configs); !st) {
        return {kafka::error_code::invalid_config, st.message()};
    }
    std::lock_guard admin(admin_mu_);
    auto t = topics_->find(name);
    if (!t) {
        return {kafka::error_code::unknown_topic_or_partition,
                fmt::format("topic '{}' does not exist", name)};
    }
    if (validate_only) {
        return {};
    }
    if (auto st = topics_->set_overrides(name, configs); !st) {
        return {kafka::error_code::kafka_storage_error, st.message()};
    }
    t->overrides = configs;
    auto tc = topic_config(*t);
    if (tc.ok()) {
        auto lc = log_config_for(*tc);
        for (int32_t p = 0; p < t->partitions; ++p) {
            if (auto part = find_partition({name, kafka::partition_id(p)})) {
                part->log->set_config(lc);
            }
        }
    }
    return {};
}

status broker_state::ensure_internal_topic(const std::string& name, int32_t partitions,
                                           const config::topic_overrides& configs) {
    std::lock_guard admin(admin_mu_);
    if (auto existing = topics_->find(name)) {
        return open_topic_partitions(*existing, 0);
    }
    topic_info t{name, partitions, topic_table::random_id(), configs};
    if (auto st = topics_->create(t); !st) {
        return st;
    }
    log::get("broker")->info("created internal topic {} with {} partitions", name, partitions);
    return open_topic_partitions(t, 0);
}

int64_t broker_state::next_producer_id() {
    std::lock_guard lock(pid_mu_);
    if (next_pid_ >= pid_block_end_) {
        pid_block_end_ = next_pid_ + kProducerIdBlock;
        auto path = std::filesystem::path(settings().log_dirs.front()) / kProducerIdsFile;
        if (auto st = storage::write_file_atomically(path, std::to_string(pid_block_end_) + "\n");
            !st) {
            log::get("broker")->error("cannot record the producer id block: {}", st.message());
        }
    }
    return next_pid_++;
}

}  // namespace cs::broker
