#include "connect/rest/rest_api.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "base/log.h"
#include "connect/rest/json.h"
#include "formats/json_writer.h"

namespace cs::connect::rest {
namespace {

using http::response;

response error_response(int status, std::string_view message) {
    std::string out;
    formats::json_object_writer w(out);
    w.number("error_code", int64_t{status}).string("message", message);
    w.close();
    return response::json(status, std::move(out));
}

int http_status(errc code) {
    switch (code) {
        case errc::not_found:
            return 404;
        case errc::already_exists:
            return 409;
        case errc::invalid_argument:
        case errc::unsupported:
            return 400;
        default:
            return 500;
    }
}

response from_error(const error& e) {
    return error_response(http_status(e.code), e.message);
}

response message_response(int status, std::string_view message) {
    std::string out;
    formats::json_object_writer w(out);
    w.string("message", message);
    w.close();
    return response::json(status, std::move(out));
}

std::string config_json(const config_map& m) {
    std::string out;
    append_json(out, m);
    return out;
}

std::string info_json(const connector_info& i) {
    std::string tasks = "[";
    for (size_t k = 0; k < i.tasks.size(); ++k) {
        std::string t;
        formats::json_object_writer w(t);
        w.string("connector", i.name).number("task", int64_t{i.tasks[k]});
        w.close();
        tasks += (k == 0 ? "" : ",") + t;
    }
    tasks += "]";
    std::string out;
    formats::json_object_writer w(out);
    w.string("name", i.name)
        .raw("config", config_json(i.config))
        .raw("tasks", tasks)
        .string("type", i.type);
    w.close();
    return out;
}

void state_fields(formats::json_object_writer& w, const state_info& s) {
    w.string("state", run_state_name(s.state)).string("worker_id", s.worker_id);
    if (!s.trace.empty()) {
        w.string("trace", s.trace);
    }
}

std::string task_state_json(const task_info& t) {
    std::string out;
    formats::json_object_writer w(out);
    w.number("id", int64_t{t.id});
    state_fields(w, t.state);
    w.close();
    return out;
}

std::string status_json(const connector_status_info& s) {
    std::string conn;
    {
        formats::json_object_writer w(conn);
        state_fields(w, s.connector);
        w.close();
    }
    std::string tasks = "[";
    for (size_t k = 0; k < s.tasks.size(); ++k) {
        tasks += (k == 0 ? "" : ",") + task_state_json(s.tasks[k]);
    }
    tasks += "]";
    std::string out;
    formats::json_object_writer w(out);
    w.string("name", s.name).raw("connector", conn).raw("tasks", tasks).string("type", s.type);
    w.close();
    return out;
}

std::string string_list_json(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t k = 0; k < items.size(); ++k) {
        if (k != 0) {
            out += ',';
        }
        formats::append_json_string(out, items[k]);
    }
    return out + "]";
}

std::string key_info_json(const config_key& k, int order) {
    std::string out;
    formats::json_object_writer w(out);
    w.string("name", k.name).string("type", k.type).boolean("required", !k.default_value);
    if (k.default_value) {
        w.string("default_value", *k.default_value);
    } else {
        w.null("default_value");
    }
    w.string("importance", k.importance)
        .string("documentation", k.documentation)
        .string("group", k.group)
        .string("width", "NONE")
        .string("display_name", k.name)
        .raw("dependents", "[]")
        .number("order", int64_t{order});
    w.close();
    return out;
}

std::string config_infos_json(const config_infos& infos) {
    std::string configs = "[";
    for (size_t k = 0; k < infos.configs.size(); ++k) {
        const auto& c = infos.configs[k];
        std::string value;
        {
            formats::json_object_writer w(value);
            w.string("name", c.value.name);
            if (c.value.value) {
                w.string("value", *c.value.value);
            } else {
                w.null("value");
            }
            w.raw("recommended_values", string_list_json(c.value.recommended_values))
                .raw("errors", string_list_json(c.value.errors))
                .boolean("visible", c.value.visible);
            w.close();
        }
        std::string entry;
        formats::json_object_writer w(entry);
        w.raw("definition", key_info_json(c.definition, c.order)).raw("value", value);
        w.close();
        configs += (k == 0 ? "" : ",") + entry;
    }
    configs += "]";
    std::string out;
    formats::json_object_writer w(out);
    w.string("name", infos.name)
        .number("error_count", int64_t{infos.error_count})
        .raw("groups", string_list_json(infos.groups))
        .raw("configs", configs);
    w.close();
    return out;
}

std::string offsets_json(const std::vector<connector_offset>& offsets) {
    std::string list = "[";
    for (size_t k = 0; k < offsets.size(); ++k) {
        std::string e;
        formats::json_object_writer w(e);
        w.raw("partition", to_json(offsets[k].partition)).raw("offset", to_json(offsets[k].offset));
        w.close();
        list += (k == 0 ? "" : ",") + e;
    }
    list += "]";
    std::string out;
    formats::json_object_writer w(out);
    w.raw("offsets", list);
    w.close();
    return out;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        size_t slash = path.find('/');
        out.emplace_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    return out;
}

std::optional<int> parse_task_id(std::string_view s) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
        return std::nullopt;
    }
    return v;
}

bool query_flag(const http::request& req, std::string_view name) {
    auto v = req.query_value(name);
    return v && (*v == "true" || *v == "TRUE" || *v == "True");
}

std::optional<std::string> query_bool_error(const http::request& req, std::string_view name) {
    auto v = req.query_value(name);
    if (v && *v != "true" && *v != "false" && *v != "TRUE" && *v != "FALSE" && *v != "True" &&
        *v != "False") {
        return fmt::format("Invalid value {} for query parameter {}", *v, name);
    }
    return std::nullopt;
}

response not_found_path() {
    return error_response(404, "HTTP 404 Not Found");
}
response method_not_allowed() {
    return error_response(405, "HTTP 405 Method Not Allowed");
}

class dispatcher {
  public:
    dispatcher(herder& h, const std::string& version, const http::request& req)
        : h_(h), version_(version), req_(req), seg_(split_path(req.path)) {}

    response run() {
        if (seg_.empty()) {
            return req_.method == "GET" ? root() : method_not_allowed();
        }
        if (seg_[0] == "connectors") {
            return connectors();
        }
        if (seg_[0] == "connector-plugins") {
            return connector_plugins();
        }
        return not_found_path();
    }

  private:
    const std::string& method() const { return req_.method; }

    result<data> body_json() const {
        if (req_.body.empty()) {
            return error{errc::invalid_argument, "Request body is empty; expected JSON"};
        }
        auto v = parse_json(req_.body);
        if (!v) {
            return error{errc::invalid_argument,
                         fmt::format("Cannot parse the request body as JSON: {}", v.err().message)};
        }
        return v;
    }

    response root() {
        std::string out;
        formats::json_object_writer w(out);
        w.string("version", version_)
            .string("commit", "clickstream")
            .string("kafka_cluster_id", h_.cluster_id());
        w.close();
        return response::json(200, std::move(out));
    }

    response connectors() {
        if (seg_.size() == 1) {
            if (method() == "GET") {
                return list_connectors();
            }
            if (method() == "POST") {
                return create_connector();
            }
            return method_not_allowed();
        }
        const std::string& name = seg_[1];
        if (seg_.size() == 2) {
            if (method() == "GET") {
                auto i = h_.info(name);
                return i ? response::json(200, info_json(*i)) : from_error(i.err());
            }
            if (method() == "DELETE") {
                auto s = h_.remove(name);
                return s ? response::empty(204) : from_error(s.err());
            }
            return method_not_allowed();
        }
        const std::string& what = seg_[2];
        if (seg_.size() == 3) {
            if (what == "config") {
                return connector_config(name);
            }
            if (what == "status" && method() == "GET") {
                auto s = h_.connector_status(name);
                return s ? response::json(200, status_json(*s)) : from_error(s.err());
            }
            if (what == "tasks" && method() == "GET") {
                return tasks(name);
            }
            if ((what == "pause" || what == "resume") && method() == "PUT") {
                auto s = what == "pause" ? h_.pause(name) : h_.resume(name);
                return s ? response::empty(202) : from_error(s.err());
            }
            if (what == "stop" && method() == "PUT") {
                auto s = h_.stop_connector(name);
                return s ? response::empty(204) : from_error(s.err());
            }
            if (what == "restart" && method() == "POST") {
                return restart(name);
            }
            if (what == "offsets") {
                return offsets(name);
            }
            if (what == "topics") {
                return method() == "GET" ? active_topics(name) : method_not_allowed();
            }
            if (what == "status" || what == "tasks" || what == "pause" || what == "resume" ||
                what == "stop" || what == "restart") {
                return method_not_allowed();
            }
            return not_found_path();
        }
        if (what == "topics" && seg_.size() == 4 && seg_[3] == "reset") {
            return method() == "PUT" ? reset_active_topics(name) : method_not_allowed();
        }
        if (what == "tasks" && seg_.size() == 5) {
            auto id = parse_task_id(seg_[3]);
            if (!id) {
                return not_found_path();
            }
            if (seg_[4] == "status") {
                if (method() != "GET") {
                    return method_not_allowed();
                }
                auto t = h_.task_status(name, *id);
                return t ? response::json(200, task_state_json(*t)) : from_error(t.err());
            }
            if (seg_[4] == "restart") {
                if (method() != "POST") {
                    return method_not_allowed();
                }
                auto s = h_.restart_task(name, *id);
                return s ? response::empty(204) : from_error(s.err());
            }
        }
        return not_found_path();
    }

    response list_connectors() {
        auto expand = req_.query_values("expand");
        bool want_status = false;
        bool want_info = false;
        for (auto e : expand) {
            want_status = want_status || e == "status";
            want_info = want_info || e == "info";
        }
        auto names = h_.connector_names();
        if (!want_status && !want_info) {
            return response::json(200, string_list_json(names));
        }
        std::string out;
        formats::json_object_writer w(out);
        for (const auto& n : names) {
            std::string entry;
            formats::json_object_writer ew(entry);
            if (want_status) {
                if (auto s = h_.connector_status(n)) {
                    ew.raw("status", status_json(*s));
                }
            }
            if (want_info) {
                if (auto i = h_.info(n)) {
                    ew.raw("info", info_json(*i));
                }
            }
            ew.close();
            w.raw(n, entry);
        }
        w.close();
        return response::json(200, std::move(out));
    }

    response create_connector() {
        auto body = body_json();
        if (!body) {
            return from_error(body.err());
        }
        const data* name = find_member(*body, "name");
        const data* config = find_member(*body, "config");
        const data* initial = find_member(*body, "initial_state");
        config_map cfg;
        if (config != nullptr && !config->is_null()) {
            auto c = to_config_map(*config);
            if (!c) {
                return from_error(c.err());
            }
            cfg = std::move(*c);
        }
        std::string n;
        if (name != nullptr && name->is_string()) {
            n = name->as_string();
        } else if (auto it = cfg.find("name"); it != cfg.end()) {
            n = it->second;
        }
        while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) {
            n.pop_back();
        }
        while (!n.empty() && (n.front() == ' ' || n.front() == '\t')) {
            n.erase(0, 1);
        }
        if (n.empty()) {
            return error_response(400, "Connector name must be specified");
        }
        if (n.find('/') != std::string::npos) {
            return error_response(400, "connector name should not contain '/'");
        }
        if (config == nullptr || config->is_null()) {
            return error_response(400, "Connector config must be specified");
        }
        std::optional<target_state> init;
        if (initial != nullptr && !initial->is_null()) {
            std::string s = initial->is_string() ? initial->as_string() : "";
            if (s == "RUNNING") {
                init = target_state::started;
            } else if (s == "PAUSED") {
                init = target_state::paused;
            } else if (s == "STOPPED") {
                init = target_state::stopped;
            } else {
                return error_response(
                    400, fmt::format("Invalid initial state {}; expected one of RUNNING, PAUSED, "
                                     "STOPPED",
                                     s));
            }
        }
        auto r = h_.put_config(n, std::move(cfg), init, false);
        if (!r) {
            return from_error(r.err());
        }
        response resp = response::json(201, info_json(r->info));
        resp.headers.emplace_back("Location", "/connectors/" + n);
        return resp;
    }

    response connector_config(const std::string& name) {
        if (method() == "GET") {
            auto c = h_.config(name);
            return c ? response::json(200, config_json(*c)) : from_error(c.err());
        }
        if (method() == "PUT" || method() == "PATCH") {
            auto body = body_json();
            if (!body) {
                return from_error(body.err());
            }
            std::vector<std::string> nulls;
            auto cfg = to_config_map(*body, method() == "PATCH" ? &nulls : nullptr);
            if (!cfg) {
                return from_error(cfg.err());
            }
            if (method() == "PATCH") {
                auto i = h_.patch_config(name, *cfg, nulls);
                return i ? response::json(200, info_json(*i)) : from_error(i.err());
            }
            auto r = h_.put_config(name, std::move(*cfg), std::nullopt, true);
            if (!r) {
                return from_error(r.err());
            }
            response resp = response::json(r->created ? 201 : 200, info_json(r->info));
            if (r->created) {
                resp.headers.emplace_back("Location", "/connectors/" + name);
            }
            return resp;
        }
        return method_not_allowed();
    }

    response tasks(const std::string& name) {
        auto t = h_.task_configs(name);
        if (!t) {
            return from_error(t.err());
        }
        std::string out = "[";
        for (size_t k = 0; k < t->size(); ++k) {
            std::string id;
            {
                formats::json_object_writer w(id);
                w.string("connector", name).number("task", int64_t{(*t)[k].id});
                w.close();
            }
            std::string e;
            formats::json_object_writer w(e);
            w.raw("id", id).raw("config", config_json((*t)[k].config));
            w.close();
            out += (k == 0 ? "" : ",") + e;
        }
        return response::json(200, out + "]");
    }

    response restart(const std::string& name) {
        for (const char* q : {"includeTasks", "onlyFailed"}) {
            if (auto e = query_bool_error(req_, q)) {
                return error_response(400, *e);
            }
        }
        auto r = h_.restart(name, query_flag(req_, "includeTasks"), query_flag(req_, "onlyFailed"));
        if (!r) {
            return from_error(r.err());
        }
        if (!r->has_value()) {
            return response::empty(204);
        }
        return response::json(202, status_json(**r));
    }

    // ConnectorsResource: 403 while topic.tracking.enable (or, for the
    // reset, topic.tracking.allow.reset) is false; no 404 for a name without
    // a connector.
    response active_topics(const std::string& name) {
        if (!h_.topic_tracking()) {
            return error_response(403, "Topic tracking is disabled.");
        }
        std::string list = "[";
        for (const auto& t : h_.active_topics(name)) {
            if (list.size() > 1) {
                list += ',';
            }
            formats::append_json_string(list, t);
        }
        list += ']';
        std::string inner;
        formats::json_object_writer iw(inner);
        iw.raw("topics", list);
        iw.close();
        std::string out;
        formats::json_object_writer w(out);
        w.raw(name, inner);
        w.close();
        return response::json(200, std::move(out));
    }

    response reset_active_topics(const std::string& name) {
        if (!h_.topic_tracking()) {
            return error_response(403, "Topic tracking is disabled.");
        }
        if (!h_.topic_tracking_reset()) {
            return error_response(403, "Topic tracking reset is disabled.");
        }
        auto s = h_.reset_active_topics(name);
        return s ? response::empty(202) : from_error(s.err());
    }

    response offsets(const std::string& name) {
        if (method() == "GET") {
            auto o = h_.offsets(name);
            return o ? response::json(200, offsets_json(*o)) : from_error(o.err());
        }
        if (method() == "DELETE") {
            auto s = h_.reset_offsets(name);
            return s ? message_response(200,
                                        "The Connect framework-managed offsets for this connector "
                                        "have been reset successfully. However, if this connector "
                                        "manages offsets externally, they will need to be "
                                        "manually reset in the system that the connector uses.")
                     : from_error(s.err());
        }
        if (method() == "PATCH") {
            auto body = body_json();
            if (!body) {
                return from_error(body.err());
            }
            const data* list = find_member(*body, "offsets");
            if (list == nullptr || !list->is_list()) {
                return error_response(400,
                                      "Partitions / offsets need to be provided for an "
                                      "alter offsets request");
            }
            std::vector<connector_offset> offs;
            for (const auto& e : list->as_list()) {
                const data* p = find_member(e, "partition");
                const data* o = find_member(e, "offset");
                if (p == nullptr || !p->is_map()) {
                    return error_response(400, "Every offset entry needs a \"partition\" object");
                }
                offs.push_back({*p, o == nullptr ? data() : *o});
            }
            auto s = h_.alter_offsets(name, offs);
            return s ? message_response(200,
                                        "The Connect framework-managed offsets for this connector "
                                        "have been altered successfully. However, if this "
                                        "connector manages offsets externally, they will need to "
                                        "be manually altered in the system that the connector "
                                        "uses.")
                     : from_error(s.err());
        }
        return method_not_allowed();
    }

    response connector_plugins() {
        const auto& plugins = h_.plugins();
        if (seg_.size() == 1) {
            if (method() != "GET") {
                return method_not_allowed();
            }
            if (auto e = query_bool_error(req_, "connectorsOnly")) {
                return error_response(400, *e);
            }
            auto v = req_.query_value("connectorsOnly");
            bool only = !v || query_flag(req_, "connectorsOnly");
            std::string out = "[";
            bool first = true;
            for (const auto& p : only ? plugins.connectors() : plugins.all()) {
                std::string e;
                formats::json_object_writer w(e);
                w.string("class", p.class_name)
                    .string("type", plugin_type_name(p.type))
                    .string("version", p.version);
                w.close();
                out += (first ? "" : ",") + e;
                first = false;
            }
            return response::json(200, out + "]");
        }
        const std::string& cls = seg_[1];
        if (seg_.size() == 3 && seg_[2] == "config") {
            if (method() != "GET") {
                return method_not_allowed();
            }
            auto p = plugins.find_connector(cls);
            if (!p) {
                return error_response(404, fmt::format("Unknown plugin {}.", cls));
            }
            std::string out = "[";
            std::map<std::string, int> order;
            bool first = true;
            for (const auto& k : p->config_keys()) {
                out +=
                    (first ? "" : ",") + key_info_json(k, k.group.empty() ? -1 : ++order[k.group]);
                first = false;
            }
            return response::json(200, out + "]");
        }
        if (seg_.size() == 4 && seg_[2] == "config" && seg_[3] == "validate") {
            if (method() != "PUT") {
                return method_not_allowed();
            }
            auto body = body_json();
            if (!body) {
                return from_error(body.err());
            }
            auto cfg = to_config_map(*body);
            if (!cfg) {
                return from_error(cfg.err());
            }
            auto path_plugin = plugins.find_connector(cls);
            if (auto it = cfg->find("connector.class"); it != cfg->end()) {
                auto body_plugin = plugins.find_connector(it->second);
                bool same =
                    body_plugin && path_plugin ? body_plugin == path_plugin : it->second == cls;
                if (!same) {
                    return error_response(
                        400, fmt::format("Included connector type {} does not match request "
                                         "type {}",
                                         it->second, cls));
                }
            } else {
                (*cfg)["connector.class"] = cls;
            }
            return response::json(200, config_infos_json(h_.validate(*cfg)));
        }
        return not_found_path();
    }

    herder& h_;
    const std::string& version_;
    const http::request& req_;
    std::vector<std::string> seg_;
};

}  // namespace

http::response rest_api::handle(const http::request& req) {
    http::response resp = dispatcher(herder_, version_, req).run();
    log::get("connect.rest")->debug("{} {} -> {}", req.method, req.target, resp.status);
    return resp;
}

}  // namespace cs::connect::rest
