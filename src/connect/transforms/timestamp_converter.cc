// TimestampConverter$Key / $Value
// (org.apache.kafka.connect.transforms.TimestampConverter): converts a
// field (or the whole key/value) between Unix time, formatted strings and
// the Date / Time / Timestamp logical types. Every conversion goes through
// milliseconds since the epoch in UTC, as Connect's goes through
// java.util.Date.

#include <fmt/format.h>

#include "connect/transforms/date_format.h"
#include "connect/transforms/transform_util.h"
#include "connect/transforms/transforms.h"

namespace cs::connect::smt {

namespace {

enum class ts_type { string, unix_, date, time, timestamp };
enum class precision { seconds, milliseconds, microseconds, nanoseconds };

constexpr int64_t ms_per_day = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

class timestamp_converter final : public transformation {
  public:
    explicit timestamp_converter(side s) : side_(s) {}

    status configure(const config_map& c) override {
        field_ = get_or(c, "field");
        auto target = get_required(c, "target.type");
        if (!target) {
            return target.take_error();
        }
        const std::string& t = *target;
        if (t == "string") {
            target_ = ts_type::string;
        } else if (t == "unix") {
            target_ = ts_type::unix_;
        } else if (t == "Date") {
            target_ = ts_type::date;
        } else if (t == "Time") {
            target_ = ts_type::time;
        } else if (t == "Timestamp") {
            target_ = ts_type::timestamp;
        } else {
            return config_error("target.type", t,
                                "Unknown timestamp type in TimestampConverter: " + t +
                                    ". Valid values are string, unix, Date, Time, Timestamp.");
        }
        std::string fmt_text = get_or(c, "format");
        if (!fmt_text.empty()) {
            auto f = date_format::compile(fmt_text);
            if (!f) {
                return config_error("format", fmt_text, f.err().message);
            }
            format_ = std::move(f).value();
        } else if (target_ == ts_type::string) {
            return error{errc::invalid_argument,
                         "TimestampConverter requires format option to be specified when using "
                         "string timestamps"};
        }
        std::string p = get_or(c, "unix.precision", "milliseconds");
        if (p == "seconds") {
            precision_ = precision::seconds;
        } else if (p == "milliseconds") {
            precision_ = precision::milliseconds;
        } else if (p == "microseconds") {
            precision_ = precision::microseconds;
        } else if (p == "nanoseconds") {
            precision_ = precision::nanoseconds;
        } else {
            return config_error("unix.precision", p,
                                "String must be one of: nanoseconds, microseconds, milliseconds, "
                                "seconds");
        }
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        const schema_ptr& s = operating_schema(r, side_);
        const data& v = operating_value(r, side_);
        if (field_.empty()) {
            auto out = convert(s, v);
            if (!out) {
                return out.take_error();
            }
            set_operating(r, side_, s ? target_schema(s->optional) : nullptr,
                          std::move(out).value());
            return std::optional<record>(std::move(r));
        }
        if (v.is_null()) {
            return std::optional<record>(std::move(r));
        }
        if (!s) {
            if (auto st = require_map(v, "converting timestamp formats"); !st) {
                return st.err();
            }
            data_map m = v.as_map();
            for (auto& [k, val] : m) {
                if (k.is_string() && k.as_string() == field_) {
                    auto out = convert(nullptr, val);
                    if (!out) {
                        return out.take_error();
                    }
                    val = std::move(out).value();
                }
            }
            set_operating(r, side_, nullptr, data::map(std::move(m)));
            return std::optional<record>(std::move(r));
        }
        if (auto st = require_struct(s, v, "converting timestamp formats"); !st) {
            return st.err();
        }
        auto ns = copy_schema_basics(*s);
        std::vector<data> values = v.as_struct().values;
        for (const auto& f : s->fields) {
            if (f.name != field_) {
                ns->fields.push_back(f);
                continue;
            }
            auto out = convert(f.schema, values.at(static_cast<size_t>(f.index)));
            if (!out) {
                return out.take_error();
            }
            values[static_cast<size_t>(f.index)] = std::move(out).value();
            ns->fields.push_back(field{f.name, f.index, target_schema(f.schema->optional)});
        }
        schema_ptr nsp = ns;
        set_operating(r, side_, nsp, data::struct_(struct_data{nsp, std::move(values)}));
        return std::optional<record>(std::move(r));
    }

  private:
    schema_ptr target_schema(bool optional) const {
        switch (target_) {
            case ts_type::string:
                return make_schema(schema_type::string, optional);
            case ts_type::unix_:
                return make_schema(schema_type::int64, optional);
            case ts_type::date:
                return make_schema(schema_type::int32, optional, date_logical);
            case ts_type::time:
                return make_schema(schema_type::int32, optional, time_logical);
            case ts_type::timestamp:
                return make_schema(schema_type::int64, optional, timestamp_logical);
        }
        return nullptr;
    }

    result<int64_t> to_millis(const schema_ptr& s, const data& v) const {
        ts_type from;
        if (s) {
            if (s->name == timestamp_logical) {
                from = ts_type::timestamp;
            } else if (s->name == date_logical) {
                from = ts_type::date;
            } else if (s->name == time_logical) {
                from = ts_type::time;
            } else if (s->type == schema_type::int64) {
                from = ts_type::unix_;
            } else if (s->type == schema_type::string) {
                from = ts_type::string;
            } else {
                return data_error(
                    fmt::format("Schema {} does not correspond to a known timestamp type format",
                                schema_type_name(s->type)));
            }
        } else if (v.is_int()) {
            from = ts_type::unix_;
        } else if (v.is_string()) {
            from = ts_type::string;
        } else {
            return data_error(
                "TimestampConverter does not support this value type in the absence of a "
                "schema: expected a number or a string");
        }
        switch (from) {
            case ts_type::string: {
                if (!v.is_string()) {
                    return data_error("Expected a string timestamp");
                }
                if (!format_) {
                    return data_error(
                        "TimestampConverter requires format option to be specified when using "
                        "string timestamps");
                }
                return format_->parse(v.as_string());
            }
            case ts_type::unix_: {
                if (!v.is_int()) {
                    return data_error("Expected a Unix timestamp (int64)");
                }
                int64_t x = v.as_int();
                switch (precision_) {
                    case precision::seconds:
                        return x * 1000;
                    case precision::milliseconds:
                        return x;
                    case precision::microseconds:
                        return x / 1000;
                    case precision::nanoseconds:
                        return x / 1'000'000;
                }
                return x;
            }
            case ts_type::date:
                return v.as_int() * ms_per_day;
            case ts_type::time:
            case ts_type::timestamp:
                return v.as_int();
        }
        return data_error("unknown timestamp type");
    }

    result<data> convert(const schema_ptr& s, const data& v) const {
        if (v.is_null()) {
            return data();
        }
        if (s && s->type != schema_type::string && !v.is_int()) {
            return data_error("Expected an integer timestamp value");
        }
        auto ms = to_millis(s, v);
        if (!ms) {
            return ms.take_error();
        }
        switch (target_) {
            case ts_type::string:
                return data(format_->format(*ms));
            case ts_type::unix_:
                switch (precision_) {
                    case precision::seconds:
                        return data(*ms / 1000);
                    case precision::milliseconds:
                        return data(*ms);
                    case precision::microseconds:
                        return data(*ms * 1000);
                    case precision::nanoseconds:
                        return data(*ms * 1'000'000);
                }
                return data(*ms);
            case ts_type::date:
                return data(floor_div(*ms, ms_per_day));
            case ts_type::time:
                return data(*ms - floor_div(*ms, ms_per_day) * ms_per_day);
            case ts_type::timestamp:
                return data(*ms);
        }
        return data_error("unknown timestamp type");
    }

    side side_;
    std::string field_;
    ts_type target_ = ts_type::timestamp;
    std::optional<date_format> format_;
    precision precision_ = precision::milliseconds;
};

}  // namespace

std::unique_ptr<transformation> make_timestamp_converter(std::string_view cls) {
    if (cls == "org.apache.kafka.connect.transforms.TimestampConverter$Value") {
        return std::make_unique<timestamp_converter>(side::value);
    }
    if (cls == "org.apache.kafka.connect.transforms.TimestampConverter$Key") {
        return std::make_unique<timestamp_converter>(side::key);
    }
    return nullptr;
}

}  // namespace cs::connect::smt
