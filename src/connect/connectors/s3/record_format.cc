#include "connect/connectors/s3/record_format.h"

#include <algorithm>

#include <fmt/format.h>

#include "connect/connectors/s3/format_impl.h"

namespace cs::connect::s3 {
namespace {

std::string get(const config_map& c, const std::string& key, std::string def = {}) {
    auto it = c.find(key);
    return it == c.end() ? def : it->second;
}

}  // namespace

result<std::unique_ptr<record_format>> make_record_format(const config_map& config) {
    std::string cls = get(config, "format.class", "io.confluent.connect.s3.format.json.JsonFormat");
    const auto dot = cls.rfind('.');
    const std::string simple = dot == std::string::npos ? cls : cls.substr(dot + 1);
    if (simple == "JsonFormat") {
        const std::string comp = get(config, "s3.compression.type", "none");
        if (comp != "none" && comp != "gzip") {
            return error{errc::invalid_argument,
                         fmt::format("s3.compression.type '{}' is not none or gzip", comp)};
        }
        return make_json_format(comp == "gzip");
    }
    if (simple == "ParquetFormat") {
        namespace pq = formats::parquet;
        const std::string codec = get(config, "parquet.codec", "snappy");
        pq::compression c;
        if (codec == "snappy") {
            c = pq::compression::snappy;
        } else if (codec == "zstd") {
            c = pq::compression::zstd;
        } else if (codec == "gzip") {
            c = pq::compression::gzip;
        } else if (codec == "lz4_raw") {
            c = pq::compression::lz4_raw;
        } else if (codec == "none" || codec == "uncompressed") {
            c = pq::compression::none;
        } else {
            return error{errc::invalid_argument,
                         fmt::format("parquet.codec '{}' is not one of snappy, zstd, gzip, "
                                     "lz4_raw, none",
                                     codec)};
        }
        // Schemaless files take their columns from their first records.
        size_t sample = 10000;
        try {
            const long long flush = std::stoll(get(config, "flush.size", "10000"));
            sample = static_cast<size_t>(std::clamp<long long>(flush, 1, 10000));
        } catch (const std::exception&) {
            // flush.size itself is checked (and reported) by the task.
        }
        return make_parquet_format(c, codec, get(config, "timestamp.field", "timestamp"), sample);
    }
    return error{
        errc::invalid_argument,
        fmt::format("format.class '{}' is not supported (JsonFormat, ParquetFormat)", cls)};
}

}  // namespace cs::connect::s3
