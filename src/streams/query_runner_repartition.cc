// query_runner: the repartition step of a stream-stream join on anything but
// a stream's key column (plan.two_source->repartition_left / _right), as
// ksqlDB's PreJoinRepartitionNode and Kafka Streams run it:
//
// - A record of a repartitioned source is decoded, its side's join
//   expression evaluated (an error sends it to the DLQ, stage "join"), and
//   the record's row written to the side's repartition topic
//   (`<group>-LeftSourceKeyed-SelectKey-repartition`, `-RightSourceKeyed-`,
//   row_repartition) keyed by the join key in the join's key format, with
//   the record's ROWTIME. A NULL join key is written with a null key (the
//   join then treats it as any NULL key: an outer side emits it
//   null-padded). A null value is skipped, as the join skips it.
// - The join reads the repartition topic in place of the source, in the
//   same consumer group: its partitions are co-partitioned with the other
//   side's topic (or the other repartition topic), so partition p of both
//   joins in the one member that owns them.
// - Partition counts as Kafka Streams chooses them: a repartition topic
//   gets the partition count of the side read as it is; when both sides are
//   repartitioned, the larger of the two sources' counts. Two sources read
//   as they are must have as many partitions.

#include <fmt/format.h>

#include "streams/query_runner.h"
#include "streams/repartition.h"

namespace cs::streams {

struct query_runner::join_rekey {
    std::unique_ptr<row_repartition> sides[2];  // null: that side is read as it is
    std::unique_ptr<row_decoder> right_decoder;
    bool right_headers = false;
    std::unique_ptr<row_encoder> key_encoder;  // the join key alone, in the join's key format
    row key_row;
    row side_row;
    row joined;  // the side's row in its place in the joined row
    std::string key;
};

std::string join_repartition_topic(std::string_view group, int side) {
    return fmt::format("{}-{}SourceKeyed-SelectKey-repartition", group,
                       side == 0 ? "Left" : "Right");
}

status query_runner::create_join_rekey() {
    const source_join& sj = *plan_.two_source;
    if (!sj.repartition_left && !sj.repartition_right) {
        return {};
    }
    auto k = std::make_shared<join_rekey>();
    const source_def* defs[2] = {&plan_.source, &sj.right};
    const bool rekeyed[2] = {sj.repartition_left, sj.repartition_right};
    for (int side = 0; side < 2; ++side) {
        if (!rekeyed[side]) {
            continue;
        }
        auto rp = row_repartition::create(join_repartition_topic(group_id_, side),
                                          plan_.id + (side == 0 ? "-left" : "-right"),
                                          column_types(*defs[side]));
        if (!rp) {
            return rp.err();
        }
        k->sides[side] = std::move(*rp);
    }
    auto dec = row_decoder::create(sj.right, options_.parse_timestamp);
    if (!dec) {
        return dec.err();
    }
    k->right_decoder = std::move(*dec);
    k->right_headers = reads_headers(sj.right);
    source_def key_def;
    key_def.name = plan_.id + "-join-key";
    key_def.key_format = sj.key_format;
    key_def.value_format = {.format = data_format::json};
    column_def c;
    c.name = "ROWKEY";
    c.type = sj.left_expr->type();
    c.origin = column_origin::key;
    key_def.columns.push_back(std::move(c));
    auto enc = row_encoder::create(key_def);
    if (!enc) {
        return enc.err();
    }
    k->key_encoder = std::move(*enc);
    k->key_row.resize(1);
    rekey_ = std::move(k);
    return {};
}

int query_runner::rekeyed_side(const client::message& m) const {
    return rekeyed_side(m.topic());
}

int query_runner::rekeyed_side(std::string_view topic) const {
    if (!rekey_) {
        return -1;
    }
    for (int side = 0; side < 2; ++side) {
        if (rekey_->sides[side] && topic == rekey_->sides[side]->topic()) {
            return side;
        }
    }
    return -1;
}

std::string query_runner::join_read_topic(int side) const {
    if (rekeys_source(side)) {
        return rekey_->sides[side]->topic();
    }
    return side == 0 ? plan_.source.topic : plan_.two_source->right.topic;
}

bool query_runner::rekeys_source(int side) const {
    return rekey_ && rekey_->sides[side] != nullptr;
}

status query_runner::decode_rekeyed(const client::message& m, int side, row& out,
                                    int64_t& rowtime) {
    return rekey_->sides[side]->decode(m, out, rowtime);
}

result<std::vector<client::new_topic>> query_runner::join_input_topics(int left_partitions,
                                                                       int right_partitions,
                                                                       int replicas) const {
    const source_join& sj = *plan_.two_source;
    std::vector<client::new_topic> topics;
    if (!sj.repartition_left && !sj.repartition_right) {
        if (right_partitions != left_partitions) {
            return error{errc::invalid_argument,
                         fmt::format("query {}: Can't join {} with {} since the number of "
                                     "partitions don't match ({} has {}, {} has {}); a join "
                                     "on the keys of both reads them co-partitioned",
                                     plan_.id, plan_.source.name, sj.right.name, plan_.source.topic,
                                     left_partitions, sj.right.topic, right_partitions)};
        }
        return topics;
    }
    const int partitions = !sj.repartition_left    ? left_partitions
                           : !sj.repartition_right ? right_partitions
                                                   : std::max(left_partitions, right_partitions);
    for (int side = 0; side < 2; ++side) {
        if (rekeys_source(side)) {
            topics.push_back({.name = rekey_->sides[side]->topic(),
                              .partitions = partitions,
                              .replication_factor = replicas,
                              .configs = {}});
        }
    }
    return topics;
}

void query_runner::rekey_join_record(const client::message& m, int side, batch_state& b) {
    const source_join& sj = *plan_.two_source;
    join_rekey& k = *rekey_;
    row_decoder& dec = side == 1 ? *k.right_decoder : *decoder_;
    record_view rv =
        to_record_view(m, header_scratch_, side == 1 ? k.right_headers : source_headers_);
    int64_t rowtime = m.timestamp_ms();
    k.side_row.resize(dec.source().columns.size());
    auto decoded = dec.decode(rv, k.side_row, rowtime);
    if (!decoded) {
        send_to_dlq(m, "decode", decoded.err().message, b);
        return;
    }
    if (!*decoded) {
        counters_.skipped.fetch_add(1, std::memory_order_relaxed);  // as the join drops it
        return;
    }
    const size_t first = side == 1 ? plan_.source.columns.size() : 0;
    k.joined.assign(plan_.joined_width, value());
    std::copy(k.side_row.begin(), k.side_row.end(),
              k.joined.begin() + static_cast<std::ptrdiff_t>(first));
    const expr_ptr& e = side == 1 ? sj.right_expr : sj.left_expr;
    const eval_context ctx{
        .joined = &k.joined,
        .record = {.rowtime = rowtime, .partition = m.partition(), .offset = m.offset()}};
    auto v = e->eval(ctx);
    if (!v) {
        send_to_dlq(m, "join", fmt::format("join key {}: {}", e->to_sql(), v.err().message), b);
        return;
    }
    k.key_row[0] = std::move(*v);
    bool key_null = true;
    if (auto st = k.key_encoder->encode_key(k.key_row, k.key, key_null); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return;
    }
    if (auto st = k.sides[side]->encode(k.side_row); !st) {
        send_to_dlq(m, "encode", st.message(), b);
        return;
    }
    auto st = k.sides[side]->send(
        *producer_, key_null ? std::nullopt : std::optional<std::string_view>(k.key), rowtime);
    if (!st && !transaction_refused(st)) {
        fail(error{st.code(),
                   fmt::format("{}-{}@{}: cannot write to {}: {}", m.topic(), m.partition(),
                               m.offset(), k.sides[side]->topic(), st.message())});
    }
}

}  // namespace cs::streams
