// What the REST server (src/streams/rest) needs from the engine: a
// request's statements with request-scoped properties (/ksql), the Kafka
// cluster's id (/info) and a health probe (/healthcheck).

#include <librdkafka/rdkafka.h>

#include "client/admin.h"
#include "streams/engine.h"

namespace cs::streams {

status engine::execute_batch(const std::vector<ast::statement>& stmts, const request_scope& scope,
                             std::vector<statement_result>& done) {
    // One lock for the whole batch: no other statement or transient query
    // plans with this request's properties.
    std::lock_guard lock(statement_mu_);
    // DEFINE inside the request lasts for the request, as ksqlDB's server
    // keeps no variables between requests.
    std::map<std::string, std::string> saved = session_props_;
    variable_map saved_variables = variables_;
    for (const auto& [k, v] : scope.properties) {
        session_props_[k] = v;
    }
    for (const auto& [k, v] : scope.variables) {
        variables_[k] = v;
    }
    status st;
    for (const auto& s : stmts) {
        auto substituted = substitute_unlocked(s);
        if (!substituted) {
            st = substituted.err();
            break;
        }
        auto r = run(*substituted, false);
        if (!r) {
            st = r.err();
            break;
        }
        done.push_back(std::move(*r));
    }
    session_props_ = std::move(saved);
    variables_ = std::move(saved_variables);
    return st;
}

std::string engine::kafka_cluster_id() const {
    char* id = rd_kafka_clusterid(admin_->handle(), 5000);
    if (id == nullptr) {
        return "";
    }
    std::string out(id);
    rd_kafka_mem_free(admin_->handle(), id);
    return out;
}

status engine::check_kafka() const {
    auto md = admin_->metadata();
    if (!md) {
        return md.err();
    }
    return {};
}

}  // namespace cs::streams
