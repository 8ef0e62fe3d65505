#include "connect/connectors/jdbc/jdbc_source_connector.h"

#include <algorithm>

#include "base/log.h"
#include "base/strings.h"
#include "connect/connectors/jdbc/db_connection.h"
#include "connect/connectors/jdbc/jdbc_source_task.h"
#include "connect/connectors/jdbc/sink_config.h"

namespace cs::connect::jdbc {

namespace {

// The tables of the connection's default schema.
result<std::vector<std::string>> list_tables(const source_config& c) {
    auto conn = open_connection({c.url, c.user, c.password, 10});
    if (!conn.ok()) {
        return conn.take_error();
    }
    auto q = (*conn)->kind() == dialect_kind::postgres
                 ? (*conn)->query(
                       "SELECT table_name FROM information_schema.tables WHERE "
                       "table_schema = current_schema() AND table_type = 'BASE TABLE' "
                       "ORDER BY 1")
                 : (*conn)->query(
                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                       "NOT LIKE 'sqlite_%' ORDER BY 1");
    if (!q.ok()) {
        return q.take_error();
    }
    std::vector<std::string> out;
    for (const auto& row : q->rows) {
        out.push_back(*row[0]);
    }
    return out;
}

class jdbc_source_connector final : public connector_plugin {
  public:
    std::string class_name() const override { return jdbc_source_class; }
    plugin_type type() const override { return plugin_type::source; }
    std::string version() const override { return "10.7.0-clickstream"; }
    std::vector<config_key> config_keys() const override { return source_config_keys(); }

    // The config's own rules only: creating a connector never connects to
    // the database; an unreachable one is the task's failure trace.
    std::vector<config_problem> validate(const config_map& config) const override {
        std::vector<config_problem> problems;
        (void)parse_source_config(config, &problems);
        return problems;
    }

    std::vector<config_map> task_configs(const config_map& config, int max_tasks) const override {
        auto c = parse_source_config(config, nullptr);
        if (!c.ok()) {
            return {};
        }
        if (!c->query.empty()) {
            return {config};
        }
        std::vector<std::string> tables = c->tables;
        if (tables.empty()) {
            auto all = list_tables(*c);
            if (!all.ok()) {
                cs::log::get("connect.jdbc")
                    ->error("JDBC source: cannot list tables: {}", all.err().message);
                return {};
            }
            auto it = config.find("table.blacklist");
            auto black = split_list(it == config.end() ? "" : it->second);
            for (auto& t : *all) {
                if (std::find(black.begin(), black.end(), t) == black.end()) {
                    tables.push_back(t);
                }
            }
        }
        if (tables.empty()) {
            return {};
        }
        size_t n = std::min(tables.size(), static_cast<size_t>(std::max(1, max_tasks)));
        std::vector<config_map> out(n, config);
        std::vector<std::string> lists(n);
        for (size_t i = 0; i < tables.size(); ++i) {  // round robin
            auto& l = lists[i % n];
            l += (l.empty() ? "" : ",") + tables[i];
        }
        for (size_t i = 0; i < n; ++i) {
            out[i]["tables"] = lists[i];
        }
        return out;
    }

    std::unique_ptr<source_task> make_source_task() const override {
        return std::make_unique<jdbc_source_task>();
    }
};

}  // namespace

std::unique_ptr<connector_plugin> make_jdbc_source_connector() {
    return std::make_unique<jdbc_source_connector>();
}

}  // namespace cs::connect::jdbc
