#include "broker/topics/topic_table.h"

#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "storage/file_io.h"

namespace cs::broker {
namespace {

std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char n = s[++i];
            out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
        size_t tab = line.find('\t', start);
        parts.push_back(line.substr(start, tab - start));
        if (tab == std::string_view::npos) {
            return parts;
        }
        start = tab + 1;
    }
}

std::string id_to_hex(const kafka::uuid& id) {
    std::string s;
    for (auto b : id.bytes) {
        s += fmt::format("{:02x}", b);
    }
    return s;
}

bool id_from_hex(std::string_view hex, kafka::uuid& id) {
    if (hex.size() != 32) {
        return false;
    }
    for (size_t i = 0; i < 16; ++i) {
        unsigned v = 0;
        for (size_t k = 0; k < 2; ++k) {
            char c = hex[2 * i + k];
            v <<= 4;
            if (c >= '0' && c <= '9') {
                v |= static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                v |= static_cast<unsigned>(c - 'a' + 10);
            } else {
                return false;
            }
        }
        id.bytes[i] = static_cast<uint8_t>(v);
    }
    return true;
}

}  // namespace

kafka::uuid topic_table::random_id() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    kafka::uuid id;
    for (size_t i = 0; i < 16; i += 8) {
        uint64_t r = rng();
        for (size_t k = 0; k < 8; ++k) {
            id.bytes[i + k] = static_cast<uint8_t>(r >> (8 * k));
        }
    }
    return id;
}

result<std::unique_ptr<topic_table>> topic_table::open(std::filesystem::path file) {
    std::unique_ptr<topic_table> t(new topic_table(file));
    std::ifstream in(file);
    if (!in) {
        std::error_code ec;
        if (std::filesystem::exists(file, ec)) {
            return error{errc::io, fmt::format("cannot read {}", file.string())};
        }
        return t;
    }
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty()) {
            continue;
        }
        auto parts = split_tabs(line);
        topic_info info;
        bool ok = parts.size() >= 3;
        if (ok) {
            info.name = unescape(parts[0]);
            try {
                info.partitions = std::stoi(std::string(parts[1]));
            } catch (const std::exception&) {
                ok = false;
            }
            ok = ok && info.partitions > 0 && id_from_hex(parts[2], info.id);
        }
        for (size_t i = 3; ok && i < parts.size(); ++i) {
            auto eq = parts[i].find('=');
            ok = eq != std::string_view::npos;
            if (ok) {
                info.overrides[unescape(parts[i].substr(0, eq))] =
                    unescape(parts[i].substr(eq + 1));
            }
        }
        if (!ok) {
            return error{errc::corrupt,
                         fmt::format("{}:{}: malformed topic entry", file.string(), line_no)};
        }
        std::string name = info.name;
        t->topics_.emplace(std::move(name), std::move(info));
    }
    return t;
}

std::optional<topic_info> topic_table::find(std::string_view name) const {
    std::lock_guard lock(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<topic_info> topic_table::list() const {
    std::lock_guard lock(mu_);
    std::vector<topic_info> out;
    out.reserve(topics_.size());
    for (const auto& [_, t] : topics_) {
        out.push_back(t);
    }
    return out;
}

size_t topic_table::size() const {
    std::lock_guard lock(mu_);
    return topics_.size();
}

status topic_table::create(topic_info t) {
    std::lock_guard lock(mu_);
    if (topics_.contains(t.name)) {
        return {errc::already_exists, fmt::format("topic '{}' already exists", t.name)};
    }
    std::string name = t.name;
    topics_.emplace(name, std::move(t));
    if (auto st = persist_locked(); !st) {
        topics_.erase(name);
        return st;
    }
    return {};
}

status topic_table::remove(std::string_view name) {
    std::lock_guard lock(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) {
        return {errc::not_found, fmt::format("topic '{}' does not exist", name)};
    }
    auto saved = std::move(it->second);
    topics_.erase(it);
    if (auto st = persist_locked(); !st) {
        topics_.emplace(saved.name, std::move(saved));
        return st;
    }
    return {};
}

status topic_table::set_partitions(std::string_view name, int32_t partitions) {
    std::lock_guard lock(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) {
        return {errc::not_found, fmt::format("topic '{}' does not exist", name)};
    }
    auto old = it->second.partitions;
    it->second.partitions = partitions;
    if (auto st = persist_locked(); !st) {
        it->second.partitions = old;
        return st;
    }
    return {};
}

status topic_table::set_overrides(std::string_view name, config::topic_overrides overrides) {
    std::lock_guard lock(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) {
        return {errc::not_found, fmt::format("topic '{}' does not exist", name)};
    }
    std::swap(it->second.overrides, overrides);
    if (auto st = persist_locked(); !st) {
        std::swap(it->second.overrides, overrides);
        return st;
    }
    return {};
}

status topic_table::persist_locked() const {
    std::string out;
    for (const auto& [_, t] : topics_) {
        out += escape(t.name);
        out += fmt::format("\t{}\t{}", t.partitions, id_to_hex(t.id));
        for (const auto& [k, v] : t.overrides) {
            out += '\t';
            out += escape(k);
            out += '=';
            out += escape(v);
        }
        out += '\n';
    }
    return storage::write_file_atomically(file_, out);
}

}  // namespace cs::broker
