// InsertHeader, DropHeaders and HeaderFrom ($Key / $Value), as Kafka's
// org.apache.kafka.connect.transforms classes of those names behave. Header
// values are kept as the bytes the worker's SimpleHeaderConverter writes:
// strings and bytes as they are, other values as their JSON text.

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "connect/data_json.h"
#include "connect/transforms/transform_util.h"
#include "connect/transforms/transforms.h"

namespace cs::connect::smt {

namespace {

std::optional<std::string> header_bytes(const data& v) {
    if (v.is_null()) {
        return std::nullopt;
    }
    if (v.is_string()) {
        return v.as_string();
    }
    if (v.is_bytes()) {
        return v.as_bytes().data;
    }
    return plain_json(v);
}

// InsertHeader: adds `header` with the literal `value.literal`.
class insert_header final : public transformation {
  public:
    status configure(const config_map& c) override {
        auto h = get_required(c, "header");
        if (!h) {
            return h.take_error();
        }
        auto v = get_required(c, "value.literal");
        if (!v) {
            return v.take_error();
        }
        header_ = *h;
        value_ = *v;
        return {};
    }
    result<std::optional<record>> apply(record r) const override {
        r.headers.push_back(header{header_, value_});
        return std::optional<record>(std::move(r));
    }

  private:
    std::string header_;
    std::string value_;
};

// DropHeaders: removes every header whose key is in `headers`.
class drop_headers final : public transformation {
  public:
    status configure(const config_map& c) override {
        auto h = get_required_list(c, "headers");
        if (!h) {
            return h.take_error();
        }
        headers_ = std::set<std::string>(h->begin(), h->end());
        return {};
    }
    result<std::optional<record>> apply(record r) const override {
        std::erase_if(r.headers, [&](const header& h) { return headers_.contains(h.key); });
        return std::optional<record>(std::move(r));
    }

  private:
    std::set<std::string> headers_;
};

// HeaderFrom: fields[i] of the key/value becomes header headers[i];
// operation=move also removes the fields.
class header_from final : public transformation {
  public:
    explicit header_from(side s) : side_(s) {}

    status configure(const config_map& c) override {
        auto fields = get_required_list(c, "fields");
        if (!fields) {
            return fields.take_error();
        }
        auto headers = get_required_list(c, "headers");
        if (!headers) {
            return headers.take_error();
        }
        auto op = get_required(c, "operation");
        if (!op) {
            return op.take_error();
        }
        if (*op != "copy" && *op != "move") {
            return config_error("operation", *op, "String must be one of: move, copy");
        }
        if (fields->size() != headers->size()) {
            return error{errc::invalid_argument,
                         "'fields' config must have the same number of elements as 'headers' "
                         "config."};
        }
        fields_ = std::move(*fields);
        headers_ = std::move(*headers);
        move_ = *op == "move";
        return {};
    }

    result<std::optional<record>> apply(record r) const override {
        const schema_ptr& s = operating_schema(r, side_);
        const data& v = operating_value(r, side_);
        const std::string purpose = move_ ? "header move" : "header copy";
        if (!s) {
            if (v.is_null()) {
                return std::optional<record>(std::move(r));
            }
            if (auto st = require_map(v, purpose); !st) {
                return st.err();
            }
            for (size_t i = 0; i < fields_.size(); ++i) {
                const data* fv = map_get(v.as_map(), fields_[i]);
                r.headers.push_back(header{headers_[i], fv ? header_bytes(*fv) : std::nullopt});
            }
            if (move_) {
                data_map m = v.as_map();
                std::erase_if(m, [&](const auto& kv) { return moved(kv.first); });
                set_operating(r, side_, nullptr, data::map(std::move(m)));
            }
            return std::optional<record>(std::move(r));
        }
        if (v.is_null()) {
            return std::optional<record>(std::move(r));
        }
        if (auto st = require_struct(s, v, purpose); !st) {
            return st.err();
        }
        const struct_data& sv = v.as_struct();
        for (size_t i = 0; i < fields_.size(); ++i) {
            const data* fv = sv.get(fields_[i]);
            r.headers.push_back(header{headers_[i], fv ? header_bytes(*fv) : std::nullopt});
        }
        if (move_) {
            auto ns = copy_schema_basics(*s);
            std::vector<data> values;
            for (const auto& f : s->fields) {
                if (std::find(fields_.begin(), fields_.end(), f.name) != fields_.end()) {
                    continue;
                }
                ns->fields.push_back(
                    field{f.name, static_cast<int32_t>(ns->fields.size()), f.schema});
                values.push_back(sv.values.at(static_cast<size_t>(f.index)));
            }
            schema_ptr nsp = ns;
            set_operating(r, side_, nsp, data::struct_(struct_data{nsp, std::move(values)}));
        }
        return std::optional<record>(std::move(r));
    }

  private:
    bool moved(const data& key) const {
        return key.is_string() &&
               std::find(fields_.begin(), fields_.end(), key.as_string()) != fields_.end();
    }

    side side_;
    std::vector<std::string> fields_;
    std::vector<std::string> headers_;
    bool move_ = false;
};

}  // namespace

std::unique_ptr<transformation> make_header_transform(std::string_view cls) {
    if (cls == "org.apache.kafka.connect.transforms.InsertHeader") {
        return std::make_unique<insert_header>();
    }
    if (cls == "org.apache.kafka.connect.transforms.DropHeaders") {
        return std::make_unique<drop_headers>();
    }
    if (cls == "org.apache.kafka.connect.transforms.HeaderFrom$Key") {
        return std::make_unique<header_from>(side::key);
    }
    if (cls == "org.apache.kafka.connect.transforms.HeaderFrom$Value") {
        return std::make_unique<header_from>(side::value);
    }
    return nullptr;
}

}  // namespace cs::connect::smt
