// Table functions of a stream query (flat_map.h), as ksqlDB's
// KudtfFlatMapper: each call's elements for the record, zipped (the longest
// sets the number of rows, the shorter give NULL), each row projected and
// sent as its own output record. A call whose arguments fail to evaluate,
// or that fails (CUBE_EXPLODE of too many elements), sends the record to
// the dead-letter topic and gives no row.

#include <fmt/format.h>

#include "streams/flat_map.h"
#include "streams/query_runner.h"

namespace cs::streams {

void query_runner::send_flat_mapped(const client::message& m, const eval_context& ctx,
                                    batch_state& b) {
    std::vector<value_list> elements;
    size_t rows = 0;
    for (const auto& call : plan_.table_functions) {
        std::vector<value> args;
        for (const auto& a : call.args) {
            auto v = a->eval(ctx);
            if (!v) {
                send_to_dlq(m, "flat_map", fmt::format("{}: {}", call.sql, v.err().message), b);
                return;
            }
            args.push_back(std::move(*v));
        }
        auto items = table_function_rows(call, args);
        if (!items) {
            send_to_dlq(m, "flat_map", fmt::format("{}: {}", call.sql, items.err().message), b);
            return;
        }
        rows = std::max(rows, items->size());
        elements.push_back(std::move(*items));
    }
    if (rows == 0) {
        counters_.filtered.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    row extended(*ctx.joined);
    extended.resize(plan_.joined_width + elements.size());
    eval_context each = ctx;
    each.joined = &extended;
    for (size_t i = 0; i < rows; ++i) {
        for (size_t j = 0; j < elements.size(); ++j) {
            extended[plan_.joined_width + j] = i < elements[j].size() ? elements[j][i] : value();
        }
        send_projected(m, each, b);
    }
}

}  // namespace cs::streams
