#include "connect/connectors/s3/s3_sink_connector.h"

#include "connect/connectors/s3/partitioner.h"
#include "connect/connectors/s3/record_format.h"
#include "connect/connectors/s3/s3_sink_task.h"

namespace cs::connect::s3 {

std::string s3_sink_connector::version() const {
    return "0.1.0";
}

std::vector<config_key> s3_sink_connector::config_keys() const {
    auto k = [](std::string name, std::string type, std::optional<std::string> def, std::string doc,
                std::string group) {
        config_key c;
        c.name = std::move(name);
        c.type = std::move(type);
        c.default_value = std::move(def);
        c.documentation = std::move(doc);
        c.group = std::move(group);
        return c;
    };
    return {
        k("s3.bucket.name", "STRING", std::nullopt, "The bucket objects are written to.", "S3"),
        k("s3.region", "STRING", "us-west-2", "The bucket's region (request signing).", "S3"),
        k("store.url", "STRING", "", "Store endpoint: file:///path for a local directory.", "S3"),
        k("s3.path.style.access.enabled", "BOOLEAN", "true", "Path-style bucket addressing.", "S3"),
        k("s3.part.size", "INT", "26214400", "Multipart upload part size (>= 5242880).", "S3"),
        k("aws.access.key.id", "STRING", "", "Access key id (else AWS_ACCESS_KEY_ID).", "S3"),
        k("aws.secret.access.key", "PASSWORD", "", "Secret key (else AWS_SECRET_ACCESS_KEY).",
          "S3"),
        k("storage.class", "CLASS", "io.confluent.connect.s3.storage.S3Storage", "Storage.",
          "Storage"),
        k("topics.dir", "STRING", "topics", "Top-level directory of the objects.", "Storage"),
        k("format.class", "CLASS", std::nullopt, "JsonFormat or ParquetFormat.", "Connector"),
        k("parquet.codec", "STRING", "snappy", "snappy, zstd, gzip, lz4_raw or none.", "Connector"),
        k("s3.compression.type", "STRING", "none", "JsonFormat compression: none or gzip.",
          "Connector"),
        k("flush.size", "INT", std::nullopt, "Records per object.", "Connector"),
        k("rotate.interval.ms", "LONG", "-1", "Record-time span of one object.", "Connector"),
        k("rotate.schedule.interval.ms", "LONG", "-1",
          "Wall-clock rotation (every put() completes its objects here).", "Connector"),
        k("filename.offset.zero.pad.width", "INT", "10", "Digits of the start offset.",
          "Connector"),
        k("behavior.on.null.values", "STRING", "fail", "fail or ignore.", "Connector"),
        k("s3.max.buffered.bytes.per.file", "LONG", "26214400",
          "Buffered bytes after which a file is completed early.", "Connector"),
        k("s3.max.buffered.bytes", "LONG", "268435456",
          "Buffered bytes of all files after which the largest is completed.", "Connector"),
        k("partitioner.class", "CLASS",
          "io.confluent.connect.storage.partitioner.DefaultPartitioner", "Partitioner.",
          "Partitioner"),
        k("partition.field.name", "LIST", "", "FieldPartitioner fields.", "Partitioner"),
        k("path.format", "STRING", "", "TimeBasedPartitioner Joda pattern.", "Partitioner"),
        k("partition.duration.ms", "LONG", "-1",
          "Time bucket; derived from path.format when unset.", "Partitioner"),
        k("locale", "STRING", "", "Locale of path.format.", "Partitioner"),
        k("timezone", "STRING", "",
          "Zone of the partition path: UTC, a fixed offset (+02:00) or a region id "
          "(Europe/Berlin).",
          "Partitioner"),
        k("timestamp.extractor", "STRING", "Wallclock", "Wallclock, Record or RecordField.",
          "Partitioner"),
        k("timestamp.field", "STRING", "timestamp", "RecordField's field (dot path).",
          "Partitioner"),
    };
}

std::vector<config_problem> s3_sink_connector::validate(const config_map& config) const {
    std::vector<config_problem> out;
    if (auto p = make_partitioner(config, cs::system_clock::instance()); !p) {
        out.push_back({"partitioner.class", p.err().message});
    }
    if (auto f = make_record_format(config); !f) {
        out.push_back({"format.class", f.err().message});
    }
    auto fs = config.find("flush.size");
    if (fs == config.end() || fs->second.empty() ||
        fs->second.find_first_not_of("0123456789") != std::string::npos || fs->second == "0") {
        out.push_back({"flush.size", "flush.size is required and must be a positive integer"});
    }
    if (auto s = open_store_from_config(config); !s) {
        out.push_back({"store.url", s.err().message});
    }
    return out;
}

std::vector<config_map> s3_sink_connector::task_configs(const config_map& config,
                                                        int max_tasks) const {
    return std::vector<config_map>(static_cast<size_t>(std::max(max_tasks, 1)), config);
}

std::unique_ptr<sink_task> s3_sink_connector::make_sink_task() const {
    return std::make_unique<s3_sink_task>();
}

void register_s3_connectors(plugin_registry& registry) {
    registry.add_connector(std::make_shared<s3_sink_connector>());
}

}  // namespace cs::connect::s3
