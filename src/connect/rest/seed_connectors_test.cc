// The seeds' two PostgreSQL sink configs, POSTed verbatim to /connectors,
// are accepted (201) with the real JDBC plugin and Debezium's
// ExtractNewRecordState: creating a connector validates its keys and does
// not connect to the database (as Connect does), so an unreachable host is
// no reason to refuse it.

#include <gtest/gtest.h>

#include "connect/connectors/jdbc/jdbc_sink_connector.h"
#include "connect/herder.h"
#include "connect/rest/json.h"
#include "connect/rest/rest_api.h"
#include "connect/rest/test_plugin.h"
#include "connect/transforms/transforms.h"

namespace cs::connect::rest {
namespace {

const char* const seed_sink_1 = R"({
  "name": "clickstream-postgres-sink",
  "config": {
    "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
    "tasks.max": "1",
    "topics": "enriched-clickstream",
    "connection.url": "jdbc:postgresql://db:5432/mydb",
    "connection.user": "user",
    "connection.password": "password",
    "auto.create": "true",
    "insert.mode": "upsert",
    "pk.mode": "record_key",
    "pk.fields": "user_id,timestamp",
    "table.name.format": "clickstream_enriched"
  }
})";

const char* const seed_sink_2 = R"({
  "name": "clickstream-postgres-sink",
  "config": {
    "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
    "topics": "enriched-clickstream",
    "tasks.max": "2",
    "connection.url": "jdbc:postgresql://postgres:5432/clickdb",
    "connection.user": "clickuser",
    "connection.password": "clickpass",
    "insert.mode": "upsert",
    "auto.create": "true",
    "auto.evolve": "true",
    "pk.mode": "record_key",
    "pk.fields": "user_id,timestamp",
    "table.name.format": "clickstream_events",
    "transforms": "unwrap",
    "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState"
  }
})";

http::request post(const std::string& body) {
    http::request r;
    r.method = "POST";
    r.target = r.path = "/connectors";
    r.body = body;
    return r;
}

TEST(SeedConnectors, BothPostgresSinkConfigsAreAcceptedVerbatim) {
    for (const char* seed : {seed_sink_1, seed_sink_2}) {
        plugin_registry plugins;
        plugins.add_connector(jdbc::make_jdbc_sink_connector());
        for (const auto& cls : transformation_class_names()) {
            plugins.add_transformation(cls, "test", [cls] { return make_transformation(cls); });
        }
        memory_state_store store;
        testing::fake_task_host host;
        herder h(plugins, store, host, "w:8083");
        ASSERT_TRUE(h.start().ok());
        rest_api api(h, "test");
        auto resp = api.handle(post(seed));
        ASSERT_EQ(resp.status, 201) << resp.body;
        auto v = parse_json(resp.body);
        ASSERT_TRUE(v.ok());
        ASSERT_NE(find_member(*v, "name"), nullptr);
        EXPECT_EQ(find_member(*v, "name")->as_string(), "clickstream-postgres-sink");
        const auto* cfg = find_member(*v, "config");
        ASSERT_NE(cfg, nullptr);
        ASSERT_NE(find_member(*cfg, "connection.password"), nullptr);
        EXPECT_EQ(find_member(*cfg, "connection.password")->as_string(), "[hidden]");
        EXPECT_EQ(resp.body.find("clickpass"), std::string::npos);
        EXPECT_EQ(resp.body.find("\"connection.password\":\"password\""), std::string::npos);
        h.drain_events();
        EXPECT_EQ(h.connector_status("clickstream-postgres-sink")->connector.state,
                  run_state::running);
    }
}

}  // namespace
}  // namespace cs::connect::rest
