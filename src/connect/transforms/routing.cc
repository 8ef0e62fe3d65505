// RegexRouter, TimestampRouter and Filter, and the predicates that gate any transform
// (TopicNameMatches, HasHeaderKey, RecordIsTombstone). Java regexes are
// compiled as ECMAScript std::regex: the common syntax (classes, groups,
// anchors, $1 in replacements) means the same; lookbehind and possessive
// quantifiers are not supported and fail at configure().

#include <regex>

#include <fmt/format.h>

#include "connect/transforms/date_format.h"
#include "connect/transforms/transform_util.h"
#include "connect/transforms/transforms.h"

namespace cs::connect {

namespace {

using smt::config_error;
using smt::get_or;
using smt::get_required;

result<std::regex> compile(const config_map& c, const std::string& key) {
    auto raw = get_required(c, key);
    if (!raw) {
        return raw.take_error();
    }
    try {
        return std::regex(*raw, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return config_error(key, *raw, fmt::format("Invalid regex: {}", e.what()));
    }
}

class regex_router final : public transformation {
  public:
    status configure(const config_map& c) override {
        auto re = compile(c, "regex");
        if (!re) {
            return re.take_error();
        }
        regex_ = std::move(re).value();
        auto rep = get_required(c, "replacement");
        if (!rep) {
            return rep.take_error();
        }
        replacement_ = *rep;
        return {};
    }
    result<std::optional<record>> apply(record r) const override {
        // Matcher.matches(): the whole topic name, then replaceAll.
        if (std::regex_match(r.topic, regex_)) {
            r.topic = std::regex_replace(r.topic, regex_, replacement_);
        }
        return std::optional<record>(std::move(r));
    }

  private:
    std::regex regex_;
    std::string replacement_;
};

// TimestampRouter: topic.format with ${topic} and ${timestamp} (the record
// timestamp as timestamp.format, a SimpleDateFormat pattern, in UTC).
class timestamp_router final : public transformation {
  public:
    status configure(const config_map& c) override {
        topic_format_ = get_or(c, "topic.format", "${topic}-${timestamp}");
        const std::string pattern = get_or(c, "timestamp.format", "yyyyMMdd");
        auto f = smt::date_format::compile(pattern);
        if (!f) {
            return config_error("timestamp.format", pattern, f.err().message);
        }
        format_ = std::move(*f);
        return {};
    }
    result<std::optional<record>> apply(record r) const override {
        if (!r.timestamp) {
            return smt::data_error(fmt::format("Timestamp missing on record: topic={}", r.topic));
        }
        r.topic = replace_all(replace_all(topic_format_, "${topic}", r.topic), "${timestamp}",
                              format_.format(*r.timestamp));
        return std::optional<record>(std::move(r));
    }

  private:
    static std::string replace_all(std::string s, std::string_view from, std::string_view to) {
        for (size_t pos = s.find(from); pos != std::string::npos;
             pos = s.find(from, pos + to.size())) {
            s.replace(pos, from.size(), to);
        }
        return s;
    }

    std::string topic_format_;
    smt::date_format format_ = *smt::date_format::compile("yyyyMMdd");
};

// Drops every record it is applied to; with a predicate, those matching it.
class filter final : public transformation {
  public:
    status configure(const config_map&) override { return {}; }
    result<std::optional<record>> apply(record) const override { return std::optional<record>(); }
};

class topic_name_matches final : public predicate {
  public:
    status configure(const config_map& c) override {
        auto re = compile(c, "pattern");
        if (!re) {
            return re.take_error();
        }
        regex_ = std::move(re).value();
        return {};
    }
    bool test(const record& r) const override { return std::regex_match(r.topic, regex_); }

  private:
    std::regex regex_;
};

class has_header_key final : public predicate {
  public:
    status configure(const config_map& c) override {
        auto n = get_required(c, "name");
        if (!n) {
            return n.take_error();
        }
        name_ = *n;
        return {};
    }
    bool test(const record& r) const override {
        for (const auto& h : r.headers) {
            if (h.key == name_) {
                return true;
            }
        }
        return false;
    }

  private:
    std::string name_;
};

class record_is_tombstone final : public predicate {
  public:
    status configure(const config_map&) override { return {}; }
    bool test(const record& r) const override { return r.value.is_null(); }
};

}  // namespace

namespace smt {
std::unique_ptr<transformation> make_routing_transform(std::string_view cls) {
    if (cls == "org.apache.kafka.connect.transforms.RegexRouter") {
        return std::make_unique<regex_router>();
    }
    if (cls == "org.apache.kafka.connect.transforms.TimestampRouter") {
        return std::make_unique<timestamp_router>();
    }
    if (cls == "org.apache.kafka.connect.transforms.Filter") {
        return std::make_unique<filter>();
    }
    return nullptr;
}
}  // namespace smt

std::unique_ptr<predicate> make_predicate(std::string_view cls) {
    if (cls == "org.apache.kafka.connect.transforms.predicates.TopicNameMatches") {
        return std::make_unique<topic_name_matches>();
    }
    if (cls == "org.apache.kafka.connect.transforms.predicates.HasHeaderKey") {
        return std::make_unique<has_header_key>();
    }
    if (cls == "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone") {
        return std::make_unique<record_is_tombstone>();
    }
    return nullptr;
}

std::vector<std::string> predicate_class_names() {
    return {"org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
            "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"};
}

std::unique_ptr<transformation> make_transformation(std::string_view cls) {
    if (auto t = smt::make_field_transform(cls)) {
        return t;
    }
    if (auto t = smt::make_cast(cls)) {
        return t;
    }
    if (auto t = smt::make_timestamp_converter(cls)) {
        return t;
    }
    if (auto t = smt::make_routing_transform(cls)) {
        return t;
    }
    if (auto t = smt::make_shape_transform(cls)) {
        return t;
    }
    if (auto t = smt::make_header_transform(cls)) {
        return t;
    }
    if (cls == "io.debezium.transforms.ExtractNewRecordState") {
        return smt::make_extract_new_record_state();
    }
    return nullptr;
}

std::vector<std::string> transformation_class_names() {
    std::vector<std::string> out = {"io.debezium.transforms.ExtractNewRecordState"};
    for (const char* base : {"Cast", "ExtractField", "Flatten", "HeaderFrom", "HoistField",
                             "InsertField", "MaskField", "ReplaceField", "TimestampConverter"}) {
        out.push_back(fmt::format("org.apache.kafka.connect.transforms.{}$Key", base));
        out.push_back(fmt::format("org.apache.kafka.connect.transforms.{}$Value", base));
    }
    for (const char* name : {"DropHeaders", "Filter", "InsertHeader", "RegexRouter",
                             "TimestampRouter", "ValueToKey"}) {
        out.push_back(fmt::format("org.apache.kafka.connect.transforms.{}", name));
    }
    return out;
}

}  // namespace cs::connect
