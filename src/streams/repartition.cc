#include "streams/repartition.h"

#include <fmt/format.h>

namespace cs::streams {

result<std::unique_ptr<row_repartition>> row_repartition::create(
    std::string topic, std::string name, const std::vector<sql_type>& types) {
    std::unique_ptr<row_repartition> r(new row_repartition());
    r->def_ = internal_row_def(std::move(name), std::move(topic), types);
    if (auto st = make_row_serdes(r->def_, r->encoder_, r->decoder_); !st) {
        return st.err();
    }
    return r;
}

status row_repartition::encode(const row& r) {
    bool key_null = true;
    values_.resize(def_.columns.size());
    for (size_t i = 0; i < values_.size(); ++i) {
        values_[i] = &r[i];
    }
    return encoder_->encode(values_, key_buf_, key_null, value_buf_);
}

status row_repartition::send(client::producer& producer, std::optional<std::string_view> key,
                             int64_t rowtime, std::vector<client::record_header> headers) {
    return producer.send({.topic = def_.topic,
                          .key = key,
                          .value = value_buf_,
                          .headers = std::move(headers),
                          .timestamp_ms = rowtime > 0 ? rowtime : 0});
}

status row_repartition::decode(const client::message& m, row& out, int64_t& rowtime) {
    record_view rv = to_record_view(m, headers_, false);
    auto decoded = decoder_->decode(rv, out, rowtime);
    if (!decoded) {
        return decoded.err();
    }
    if (!*decoded) {
        return status(errc::invalid_argument, "a repartitioned record without a value");
    }
    return {};
}

source_def internal_row_def(std::string name, std::string topic,
                            const std::vector<sql_type>& types) {
    source_def d;
    d.name = std::move(name);
    d.topic = std::move(topic);
    d.key_format = {.format = data_format::none};
    d.value_format = {.format = data_format::json};
    for (const auto& t : types) {
        column_def c;
        c.name = fmt::format("C{}", d.columns.size());
        c.type = t;
        c.origin = column_origin::value;
        d.columns.push_back(std::move(c));
    }
    return d;
}

status make_row_serdes(const source_def& def, std::unique_ptr<row_encoder>& enc,
                       std::unique_ptr<row_decoder>& dec) {
    auto e = row_encoder::create(def);
    if (!e) {
        return e.err();
    }
    auto d = row_decoder::create(def, {});
    if (!d) {
        return d.err();
    }
    enc = std::move(*e);
    dec = std::move(*d);
    return {};
}

std::vector<sql_type> column_types(const source_def& def) {
    std::vector<sql_type> types;
    types.reserve(def.columns.size());
    for (const auto& c : def.columns) {
        types.push_back(c.type);
    }
    return types;
}

}  // namespace cs::streams
