// The REST contract: every endpoint's status codes and JSON bodies, over a
// real HTTP connection to the server on 127.0.0.1, against a herder with a
// test plugin and fake tasks.

#include "connect/rest/rest_api.h"

#include <gtest/gtest.h>

#include "connect/rest/json.h"
#include "connect/rest/test_plugin.h"
#include "http/server.h"
#include "http/test_http_client.h"

namespace cs::connect::rest {
namespace {

using http::testing::http_call;
using http::testing::http_reply;

class RestApi : public ::testing::Test {
  protected:
    void SetUp() override {
        testing::register_test_plugins(plugins_);
        herder_ = std::make_unique<herder>(plugins_, store_, host_, "127.0.0.1:8083");
        ASSERT_TRUE(herder_->start().ok());
        api_ = std::make_unique<rest_api>(*herder_, "3.7.0");
        auto s = http::server::start({.host = "127.0.0.1", .port = 0, .threads = 2, .limits = {}},
                                     [this](const http::request& r) { return api_->handle(r); });
        ASSERT_TRUE(s.ok()) << s.err().message;
        server_ = std::move(s).value();
    }
    void TearDown() override {
        server_->stop();
        herder_.reset();
    }

    http_reply call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
        auto r = http_call(server_->port(), method, target, body);
        herder_->drain_events();
        return r;
    }
    static data json(const http_reply& r) {
        auto v = parse_json(r.body);
        EXPECT_TRUE(v.ok()) << r.body;
        return v.ok() ? *v : data();
    }
    static std::string str(const data& v, std::string_view key) {
        const data* m = find_member(v, key);
        return m != nullptr && m->is_string() ? m->as_string() : "<missing>";
    }
    static const data& member(const data& v, std::string_view key) {
        static const data null;
        const data* m = find_member(v, key);
        return m != nullptr ? *m : null;
    }
    void expect_error(const http_reply& r, int status, const std::string& message_part) {
        EXPECT_EQ(r.status, status) << r.body;
        auto v = json(r);
        ASSERT_NE(find_member(v, "error_code"), nullptr) << r.body;
        EXPECT_EQ(member(v, "error_code").as_int(), status);
        EXPECT_NE(str(v, "message").find(message_part), std::string::npos) << r.body;
    }
    http_reply create(const std::string& name, const std::string& extra = "",
                      const std::string& initial = "") {
        std::string body = "{\"name\":\"" + name + "\",\"config\":{\"connector.class\":\"" +
                           testing::test_sink_class +
                           "\",\"topics\":\"clicks\",\"tasks.max\":\"2\","
                           "\"connection.url\":\"db://x\",\"db.password\":\"s3cret\"" +
                           extra + "}" +
                           (initial.empty() ? "" : ",\"initial_state\":\"" + initial + "\"") + "}";
        return call("POST", "/connectors", body);
    }

    plugin_registry plugins_;
    memory_state_store store_;
    testing::fake_task_host host_;
    std::unique_ptr<herder> herder_;
    std::unique_ptr<rest_api> api_;
    std::unique_ptr<http::server> server_;
};

TEST_F(RestApi, Root) {
    auto r = call("GET", "/");
    EXPECT_EQ(r.status, 200);
    auto v = json(r);
    EXPECT_EQ(str(v, "version"), "3.7.0");
    EXPECT_NE(find_member(v, "commit"), nullptr);
    EXPECT_EQ(str(v, "kafka_cluster_id"), "memory");
}

TEST_F(RestApi, CreateReturns201WithLocationAndConnectorInfo) {
    auto r = create("sink-a");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("Location"), "/connectors/sink-a");
    auto v = json(r);
    EXPECT_EQ(str(v, "name"), "sink-a");
    EXPECT_EQ(str(v, "type"), "sink");
    EXPECT_EQ(str(member(v, "config"), "name"), "sink-a");
    EXPECT_EQ(str(member(v, "config"), "db.password"), "[hidden]");
    const auto& tasks = member(v, "tasks").as_list();
    ASSERT_EQ(tasks.size(), 2u);
    EXPECT_EQ(str(tasks[1], "connector"), "sink-a");
    EXPECT_EQ(member(tasks[1], "task").as_int(), 1);
    EXPECT_EQ(host_.running(), 2);
    // The secret is stored as given, only shown hidden.
    EXPECT_EQ(store_.state().connectors.at("sink-a").at("db.password"), "s3cret");
}

TEST_F(RestApi, CreateErrors) {
    ASSERT_EQ(create("dup").status, 201);
    expect_error(create("dup"), 409, "Connector dup already exists");
    expect_error(call("POST", "/connectors", "{\"name\":\"x\",\"config\":{\"topics\":\"t\"}}"), 400,
                 "contains no connector type");
    expect_error(call("POST", "/connectors", "{not json"), 400, "JSON");
    expect_error(call("POST", "/connectors", "{\"config\":{\"connector.class\":\"x\"}}"), 400,
                 "name");
    expect_error(call("POST", "/connectors",
                      "{\"name\":\"x\",\"config\":{\"connector.class\":\"TestSinkConnector\","
                      "\"topics\":\"t\",\"name\":\"y\"}}"),
                 400,
                 "Connector name configuration (y) doesn't match connector name in the URL (x)");
    // Missing required key, bad type, plugin validate(): Connect's message.
    auto bad = call("POST", "/connectors",
                    "{\"name\":\"x\",\"config\":{\"connector.class\":\"TestSink\","
                    "\"topics\":\"t\",\"batch.size\":\"many\"}}");
    expect_error(bad, 400,
                 "Connector configuration is invalid and contains the following 2 error(s):");
    EXPECT_NE(bad.body.find("Missing required configuration \\\"connection.url\\\" which has no "
                            "default value."),
              std::string::npos)
        << bad.body;
    EXPECT_NE(bad.body.find("Invalid value many for configuration batch.size: Not a number of "
                            "type INT"),
              std::string::npos);
    EXPECT_NE(bad.body.find("/connector-plugins/{connectorType}/config/validate"),
              std::string::npos);
    expect_error(call("POST", "/connectors",
                      "{\"name\":\"x\",\"config\":{\"connector.class\":\"NoSuchConnector\"}}"),
                 400,
                 "Failed to find any class that implements Connector and which name matches "
                 "NoSuchConnector");
    expect_error(create("y", "", "SLEEPING"), 400, "Invalid initial state");
    EXPECT_EQ(call("GET", "/connectors").body, "[\"dup\"]");
}

TEST_F(RestApi, ListConnectorsWithExpand) {
    ASSERT_EQ(create("b").status, 201);
    ASSERT_EQ(create("a").status, 201);
    auto r = call("GET", "/connectors");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "[\"a\",\"b\"]");

    auto s = json(call("GET", "/connectors?expand=status"));
    EXPECT_EQ(str(member(member(member(s, "a"), "status"), "connector"), "state"), "RUNNING");
    EXPECT_EQ(find_member(member(s, "a"), "info"), nullptr);

    auto both = json(call("GET", "/connectors?expand=status&expand=info"));
    EXPECT_EQ(str(member(member(both, "b"), "info"), "type"), "sink");
    EXPECT_EQ(str(member(member(member(both, "b"), "info"), "config"), "db.password"), "[hidden]");
    EXPECT_EQ(str(member(member(both, "b"), "status"), "name"), "b");
}

TEST_F(RestApi, GetConnectorConfigStatusTasks) {
    ASSERT_EQ(create("c").status, 201);
    auto info = call("GET", "/connectors/c");
    EXPECT_EQ(info.status, 200);
    EXPECT_EQ(str(json(info), "name"), "c");

    auto cfg = call("GET", "/connectors/c/config");
    EXPECT_EQ(cfg.status, 200);
    auto cv = json(cfg);
    EXPECT_EQ(str(cv, "topics"), "clicks");
    EXPECT_EQ(str(cv, "db.password"), "[hidden]");
    EXPECT_EQ(cfg.body.find("s3cret"), std::string::npos);

    auto st = call("GET", "/connectors/c/status");
    EXPECT_EQ(st.status, 200);
    auto sv = json(st);
    EXPECT_EQ(str(sv, "name"), "c");
    EXPECT_EQ(str(sv, "type"), "sink");
    EXPECT_EQ(str(member(sv, "connector"), "state"), "RUNNING");
    EXPECT_EQ(str(member(sv, "connector"), "worker_id"), "127.0.0.1:8083");
    EXPECT_EQ(find_member(member(sv, "connector"), "trace"), nullptr) << "no trace when empty";
    ASSERT_EQ(member(sv, "tasks").as_list().size(), 2u);
    EXPECT_EQ(member(member(sv, "tasks").as_list()[0], "id").as_int(), 0);
    EXPECT_EQ(str(member(sv, "tasks").as_list()[0], "state"), "RUNNING");

    auto tasks = call("GET", "/connectors/c/tasks");
    EXPECT_EQ(tasks.status, 200);
    auto tv = json(tasks);
    ASSERT_EQ(tv.as_list().size(), 2u);
    EXPECT_EQ(str(member(tv.as_list()[1], "id"), "connector"), "c");
    EXPECT_EQ(member(member(tv.as_list()[1], "id"), "task").as_int(), 1);
    EXPECT_EQ(str(member(tv.as_list()[1], "config"), "task.index"), "1");
    EXPECT_EQ(str(member(tv.as_list()[1], "config"), "db.password"), "[hidden]");

    auto ts = call("GET", "/connectors/c/tasks/1/status");
    EXPECT_EQ(ts.status, 200);
    EXPECT_EQ(member(json(ts), "id").as_int(), 1);
    EXPECT_EQ(str(json(ts), "state"), "RUNNING");

    expect_error(call("GET", "/connectors/c/tasks/7/status"), 404, "No status found for task c-7");
    for (const char* path : {"/connectors/nope", "/connectors/nope/config",
                             "/connectors/nope/status", "/connectors/nope/tasks",
                             "/connectors/nope/tasks/0/status", "/connectors/nope/offsets"}) {
        expect_error(call("GET", path), 404, "Connector nope not found");
    }
}

TEST_F(RestApi, PutConfigCreates201ThenUpdates200) {
    std::string body = std::string("{\"connector.class\":\"") + testing::test_sink_class +
                       "\",\"topics\":\"t\",\"connection.url\":\"db://y\",\"tasks.max\":1}";
    auto r = call("PUT", "/connectors/p/config", body);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(str(json(r), "name"), "p");
    EXPECT_EQ(member(json(r), "tasks").as_list().size(), 1u);

    std::string body2 = std::string("{\"connector.class\":\"") + testing::test_sink_class +
                        "\",\"topics\":\"t\",\"connection.url\":\"db://z\",\"tasks.max\":\"3\"}";
    auto u = call("PUT", "/connectors/p/config", body2);
    EXPECT_EQ(u.status, 200) << u.body;
    EXPECT_EQ(member(json(u), "tasks").as_list().size(), 3u);
    EXPECT_EQ(str(json(call("GET", "/connectors/p/config")), "connection.url"), "db://z");

    expect_error(call("PUT", "/connectors/p/config",
                      "{\"name\":\"other\",\"connector.class\":\"TestSink\",\"topics\":\"t\"}"),
                 400,
                 "Connector name configuration (other) doesn't match connector name in the "
                 "URL (p)");
}

TEST_F(RestApi, HiddenSecretPutBackKeepsTheStoredValue) {
    ASSERT_EQ(create("h").status, 201);
    auto cfg = call("GET", "/connectors/h/config");
    auto r = call("PUT", "/connectors/h/config", cfg.body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(store_.state().connectors.at("h").at("db.password"), "s3cret");
}

TEST_F(RestApi, PatchConfigMergesAndNullRemoves) {
    ASSERT_EQ(create("q", ",\"mode\":\"upsert\"").status, 201);
    auto r = call("PATCH", "/connectors/q/config", "{\"batch.size\":\"7\",\"mode\":null}");
    EXPECT_EQ(r.status, 200) << r.body;
    auto cfg = json(call("GET", "/connectors/q/config"));
    EXPECT_EQ(str(cfg, "batch.size"), "7");
    EXPECT_EQ(find_member(cfg, "mode"), nullptr);
    EXPECT_EQ(str(cfg, "topics"), "clicks");
    expect_error(call("PATCH", "/connectors/none/config", "{}"), 404, "Connector none not found");
}

TEST_F(RestApi, PauseResumeStop) {
    ASSERT_EQ(create("s").status, 201);
    auto p = call("PUT", "/connectors/s/pause");
    EXPECT_EQ(p.status, 202);
    EXPECT_EQ(p.body, "");
    auto st = json(call("GET", "/connectors/s/status"));
    EXPECT_EQ(str(member(st, "connector"), "state"), "PAUSED");
    EXPECT_EQ(str(member(st, "tasks").as_list()[0], "state"), "PAUSED");
    EXPECT_TRUE(host_.paused("s", 0));

    EXPECT_EQ(call("PUT", "/connectors/s/resume").status, 202);
    st = json(call("GET", "/connectors/s/status"));
    EXPECT_EQ(str(member(st, "connector"), "state"), "RUNNING");
    EXPECT_EQ(str(member(st, "tasks").as_list()[1], "state"), "RUNNING");
    EXPECT_FALSE(host_.paused("s", 0));

    auto stop = call("PUT", "/connectors/s/stop");
    EXPECT_EQ(stop.status, 204);
    st = json(call("GET", "/connectors/s/status"));
    EXPECT_EQ(str(member(st, "connector"), "state"), "STOPPED");
    EXPECT_TRUE(member(st, "tasks").as_list().empty());
    EXPECT_EQ(host_.running(), 0);
    EXPECT_TRUE(member(json(call("GET", "/connectors/s")), "tasks").as_list().empty());

    EXPECT_EQ(call("PUT", "/connectors/s/resume").status, 202);
    st = json(call("GET", "/connectors/s/status"));
    EXPECT_EQ(str(member(st, "connector"), "state"), "RUNNING");
    EXPECT_EQ(member(st, "tasks").as_list().size(), 2u);

    for (const char* a : {"pause", "resume", "stop"}) {
        expect_error(call("PUT", std::string("/connectors/zz/") + a), 404,
                     "Connector zz not found");
    }
    expect_error(call("GET", "/connectors/s/pause"), 405, "HTTP 405");
}

TEST_F(RestApi, InitialStateAtCreation) {
    ASSERT_EQ(create("ip", "", "PAUSED").status, 201);
    EXPECT_EQ(str(member(json(call("GET", "/connectors/ip/status")), "connector"), "state"),
              "PAUSED");
    ASSERT_EQ(create("is", "", "STOPPED").status, 201);
    EXPECT_EQ(str(member(json(call("GET", "/connectors/is/status")), "connector"), "state"),
              "STOPPED");
}

TEST_F(RestApi, FailedTaskShowsTraceAndRestarts) {
    ASSERT_EQ(create("f").status, 201);
    host_.fail("f", 1, "java.lang.Exception: the database went away");
    herder_->drain_events();
    auto st = json(call("GET", "/connectors/f/status"));
    const auto& t1 = member(st, "tasks").as_list()[1];
    EXPECT_EQ(str(t1, "state"), "FAILED");
    EXPECT_EQ(str(t1, "trace"), "java.lang.Exception: the database went away");
    EXPECT_EQ(str(member(st, "tasks").as_list()[0], "state"), "RUNNING");

    // Default restart: the connector only (204); the failed task stays failed.
    int starts = host_.starts();
    auto r = call("POST", "/connectors/f/restart");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(host_.starts(), starts);
    EXPECT_EQ(str(json(call("GET", "/connectors/f/tasks/1/status")), "state"), "FAILED");

    // onlyFailed + includeTasks: 202 with RESTARTING for the failed task only.
    auto r2 = call("POST", "/connectors/f/restart?includeTasks=true&onlyFailed=true");
    EXPECT_EQ(r2.status, 202) << r2.body;
    auto body = json(r2);
    EXPECT_EQ(str(member(body, "connector"), "state"), "RUNNING");
    EXPECT_EQ(str(member(body, "tasks").as_list()[0], "state"), "RUNNING");
    EXPECT_EQ(str(member(body, "tasks").as_list()[1], "state"), "RESTARTING");
    EXPECT_EQ(host_.starts(), starts + 1);
    EXPECT_EQ(str(json(call("GET", "/connectors/f/tasks/1/status")), "state"), "RUNNING");

    // includeTasks: everything restarts.
    auto r3 = call("POST", "/connectors/f/restart?includeTasks=true");
    EXPECT_EQ(r3.status, 202);
    EXPECT_EQ(str(member(json(r3), "connector"), "state"), "RESTARTING");
    EXPECT_EQ(host_.starts(), starts + 3);

    expect_error(call("POST", "/connectors/f/restart?includeTasks=maybe"), 400, "maybe");
    expect_error(call("POST", "/connectors/nope/restart"), 404, "Connector nope not found");
}

TEST_F(RestApi, TaskRestart) {
    ASSERT_EQ(create("t").status, 201);
    host_.fail("t", 0, "boom");
    herder_->drain_events();
    int starts = host_.starts();
    auto r = call("POST", "/connectors/t/tasks/0/restart");
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(host_.starts(), starts + 1);
    EXPECT_EQ(str(json(call("GET", "/connectors/t/tasks/0/status")), "state"), "RUNNING");
    expect_error(call("POST", "/connectors/t/tasks/9/restart"), 404, "t-9");
    expect_error(call("POST", "/connectors/none/tasks/0/restart"), 404, "Connector none not found");
}

TEST_F(RestApi, Delete) {
    ASSERT_EQ(create("d").status, 201);
    auto r = call("DELETE", "/connectors/d");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(host_.running(), 0);
    EXPECT_EQ(call("GET", "/connectors").body, "[]");
    EXPECT_EQ(store_.state().connectors.count("d"), 0u);
    expect_error(call("DELETE", "/connectors/d"), 404, "Connector d not found");
}

TEST_F(RestApi, Offsets) {
    ASSERT_EQ(create("o").status, 201);
    host_.offsets["o"] = {{data::map({{data("kafka_topic"), data("clicks")},
                                      {data("kafka_partition"), data(int64_t{0})}}),
                           data::map({{data("kafka_offset"), data(int64_t{5})}})}};
    auto g = call("GET", "/connectors/o/offsets");
    EXPECT_EQ(g.status, 200);
    EXPECT_EQ(g.body,
              "{\"offsets\":[{\"partition\":{\"kafka_topic\":\"clicks\",\"kafka_partition\":0},"
              "\"offset\":{\"kafka_offset\":5}}]}");

    std::string patch =
        "{\"offsets\":[{\"partition\":{\"kafka_topic\":\"clicks\",\"kafka_partition\":0},"
        "\"offset\":{\"kafka_offset\":2}}]}";
    expect_error(call("PATCH", "/connectors/o/offsets", patch), 400, "STOPPED state");
    expect_error(call("DELETE", "/connectors/o/offsets"), 400, "STOPPED state");

    ASSERT_EQ(call("PUT", "/connectors/o/stop").status, 204);
    auto p = call("PATCH", "/connectors/o/offsets", patch);
    EXPECT_EQ(p.status, 200) << p.body;
    EXPECT_NE(str(json(p), "message").find("altered successfully"), std::string::npos);
    EXPECT_EQ(host_.offsets["o"][0].offset.as_map()[0].second.as_int(), 2);
    expect_error(call("PATCH", "/connectors/o/offsets", "{\"offsets\":5}"), 400, "offsets");

    auto d = call("DELETE", "/connectors/o/offsets");
    EXPECT_EQ(d.status, 200);
    EXPECT_NE(str(json(d), "message").find("reset successfully"), std::string::npos);
    EXPECT_EQ(call("GET", "/connectors/o/offsets").body, "{\"offsets\":[]}");
}

TEST_F(RestApi, ConnectorPlugins) {
    auto r = call("GET", "/connector-plugins");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body,
              "[{\"class\":\"org.example.TestSinkConnector\",\"type\":\"sink\",\"version\":\"1.2."
              "3\"},{\"class\":\"org.example.TestSourceConnector\",\"type\":\"source\","
              "\"version\":\"1.2.3\"}]");
    auto all = json(call("GET", "/connector-plugins?connectorsOnly=false"));
    ASSERT_EQ(all.as_list().size(), 4u);
    // Connectors first, then the other plugins by class name.
    EXPECT_EQ(str(all.as_list()[2], "class"), "org.example.predicates.Always");
    EXPECT_EQ(str(all.as_list()[2], "type"), "predicate");
    EXPECT_EQ(str(all.as_list()[3], "type"), "transformation");

    auto cfg = call("GET", "/connector-plugins/TestSinkConnector/config");
    EXPECT_EQ(cfg.status, 200) << cfg.body;
    auto keys = json(cfg).as_list();
    ASSERT_EQ(keys.size(), 4u);
    EXPECT_EQ(str(keys[0], "name"), "connection.url");
    EXPECT_TRUE(member(keys[0], "required").as_bool());
    EXPECT_TRUE(member(keys[0], "default_value").is_null());
    EXPECT_EQ(str(keys[0], "type"), "STRING");
    EXPECT_EQ(str(keys[1], "default_value"), "100");
    EXPECT_EQ(str(keys[1], "group"), "Writes");
    for (const char* f : {"importance", "documentation", "width", "display_name"}) {
        EXPECT_NE(find_member(keys[0], f), nullptr) << f;
    }
    expect_error(call("GET", "/connector-plugins/Nope/config"), 404, "Nope");
}

TEST_F(RestApi, ValidateIs200EvenWhenInvalid) {
    auto r = call("PUT", "/connector-plugins/TestSinkConnector/config/validate",
                  "{\"connector.class\":\"org.example.TestSinkConnector\",\"name\":\"v\","
                  "\"topics\":\"t\",\"connection.url\":\"bad:host\",\"db.password\":\"pw\","
                  "\"transforms\":\"n,x\",\"transforms.n.type\":\"org.example.transforms.Noop\","
                  "\"transforms.x.type\":\"org.example.Missing\"}");
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = json(r);
    EXPECT_EQ(str(v, "name"), "org.example.TestSinkConnector");
    EXPECT_EQ(member(v, "error_count").as_int(), 2);
    auto groups = member(v, "groups").as_list();
    EXPECT_EQ(groups[0].as_string(), "Common");
    int found = 0;
    for (const auto& c : member(v, "configs").as_list()) {
        const auto& def = member(c, "definition");
        const auto& val = member(c, "value");
        for (const char* f :
             {"name", "type", "required", "default_value", "importance", "documentation", "group",
              "width", "display_name", "dependents", "order"}) {
            EXPECT_NE(find_member(def, f), nullptr) << f;
        }
        for (const char* f : {"name", "value", "recommended_values", "errors", "visible"}) {
            EXPECT_NE(find_member(val, f), nullptr) << f;
        }
        std::string name = str(def, "name");
        if (name == "connection.url") {
            ++found;
            EXPECT_EQ(member(val, "errors").as_list()[0].as_string(), "Cannot reach bad:host");
        } else if (name == "db.password") {
            ++found;
            EXPECT_EQ(str(val, "value"), "[hidden]");
        } else if (name == "transforms.x.type") {
            ++found;
            EXPECT_NE(member(val, "errors")
                          .as_list()[0]
                          .as_string()
                          .find("Class org.example.Missing could not be found"),
                      std::string::npos);
        } else if (name == "transforms.n.type") {
            ++found;
            EXPECT_TRUE(member(val, "errors").as_list().empty());
        } else if (name == "mode") {
            ++found;
            EXPECT_EQ(member(val, "recommended_values").as_list().size(), 2u);
        }
    }
    EXPECT_EQ(found, 5);
    EXPECT_EQ(r.body.find("\"pw\""), std::string::npos);

    auto ok = call("PUT", "/connector-plugins/org.example.TestSinkConnector/config/validate",
                   "{\"name\":\"v\",\"topics\":\"t\",\"connection.url\":\"db://x\"}");
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(member(json(ok), "error_count").as_int(), 0) << ok.body;

    auto none = call("PUT", "/connector-plugins/TestSink/config/validate", "{\"name\":\"v\"}");
    EXPECT_EQ(member(json(none), "error_count").as_int(), 3)
        << "connection.url, topics and topics.regex missing: " << none.body;

    expect_error(call("PUT", "/connector-plugins/TestSinkConnector/config/validate",
                      "{\"connector.class\":\"org.example.TestSourceConnector\"}"),
                 400,
                 "Included connector type org.example.TestSourceConnector does not match "
                 "request type TestSinkConnector");
}

TEST_F(RestApi, ActiveTopicsAndReset) {
    ASSERT_EQ(create("t").status, 201);
    auto empty = call("GET", "/connectors/t/topics");
    EXPECT_EQ(empty.status, 200);
    EXPECT_EQ(empty.body, R"({"t":{"topics":[]}})");
    host_.use_topic("t", 1, "views");
    host_.use_topic("t", 0, "clicks");
    auto r = call("GET", "/connectors/t/topics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"t":{"topics":["clicks","views"]}})");
    auto reset = call("PUT", "/connectors/t/topics/reset");
    EXPECT_EQ(reset.status, 202) << reset.body;
    EXPECT_EQ(call("GET", "/connectors/t/topics").body, R"({"t":{"topics":[]}})");
    // As Connect: no 404 for a name without a connector.
    EXPECT_EQ(call("GET", "/connectors/nobody/topics").body, R"({"nobody":{"topics":[]}})");
    EXPECT_EQ(call("PUT", "/connectors/nobody/topics/reset").status, 202);
    expect_error(call("POST", "/connectors/t/topics"), 405, "HTTP 405");
    expect_error(call("GET", "/connectors/t/topics/reset"), 405, "HTTP 405");
}

TEST_F(RestApi, TopicTrackingDisabledIs403) {
    herder_->set_topic_tracking(true, false);
    EXPECT_EQ(call("GET", "/connectors/t/topics").status, 200);
    expect_error(call("PUT", "/connectors/t/topics/reset"), 403,
                 "Topic tracking reset is disabled.");
    herder_->set_topic_tracking(false, true);
    expect_error(call("GET", "/connectors/t/topics"), 403, "Topic tracking is disabled.");
    expect_error(call("PUT", "/connectors/t/topics/reset"), 403, "Topic tracking is disabled.");
}

TEST_F(RestApi, UnknownPathsAndMethods) {
    expect_error(call("GET", "/nope"), 404, "HTTP 404 Not Found");
    expect_error(call("GET", "/connectors/a/b/c/d/e"), 404, "HTTP 404 Not Found");
    expect_error(call("DELETE", "/connectors"), 405, "HTTP 405 Method Not Allowed");
    expect_error(call("POST", "/"), 405, "HTTP 405");
}

}  // namespace
}  // namespace cs::connect::rest
