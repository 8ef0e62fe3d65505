#include "storage/checkpoint.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "storage/file_io.h"

namespace cs::storage {

result<offset_map> read_checkpoint(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) {
        if (!std::filesystem::exists(path)) {
            return offset_map{};
        }
        return error{errc::io, fmt::format("cannot read checkpoint {}", path.string())};
    }
    auto bad = [&](int line, const std::string& what) {
        return error{errc::corrupt, fmt::format("checkpoint {}:{}: {}", path.string(), line, what)};
    };
    std::string line;
    int version = -1;
    size_t count = 0;
    if (!std::getline(in, line) || !(std::istringstream(line) >> version) || version != 0) {
        return bad(1, "expected version 0");
    }
    if (!std::getline(in, line) || !(std::istringstream(line) >> count)) {
        return bad(2, "expected entry count");
    }
    offset_map out;
    for (size_t i = 0; i < count; ++i) {
        int lineno = static_cast<int>(i) + 3;
        if (!std::getline(in, line)) {
            return bad(lineno, fmt::format("expected {} entries, file ends after {}", count, i));
        }
        std::istringstream fields(line);
        std::string topic;
        int32_t partition = -1;
        int64_t offset = -1;
        std::string extra;
        if (!(fields >> topic >> partition >> offset) || (fields >> extra) || partition < 0) {
            return bad(lineno, fmt::format("expected 'topic partition offset', got '{}'", line));
        }
        out[kafka::topic_partition{topic, kafka::partition_id(partition)}] = kafka::offset(offset);
    }
    return out;
}

status write_checkpoint(const std::filesystem::path& path, const offset_map& offsets) {
    std::vector<std::pair<kafka::topic_partition, kafka::offset>> sorted(offsets.begin(),
                                                                         offsets.end());
    std::sort(sorted.begin(), sorted.end());
    std::string text = fmt::format("0\n{}\n", sorted.size());
    for (const auto& [tp, o] : sorted) {
        text += fmt::format("{} {} {}\n", tp.topic, tp.partition.value(), o.value());
    }
    return write_file_atomically(path, text);
}

}  // namespace cs::storage
