#include "streams/engine.h"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "base/log.h"
#include "base/time_zone.h"
#include "client/admin.h"
#include "streams/command_log.h"
#include "streams/parser.h"
#include "streams/sql_error.h"
#include "streams/time_format.h"

namespace cs::streams {

std::string command_topic_name(std::string_view service_id) {
    return fmt::format("_confluent-ksql-{}_command_topic", service_id);
}

engine::~engine() {
    stop_all();
}

result<std::unique_ptr<engine>> engine::create(client::client_settings settings,
                                               engine_options options) {
    std::unique_ptr<engine> e(new engine());
    e->settings_ = std::move(settings);
    e->options_ = std::move(options);
    e->session_props_ = e->options_.properties;
    e->variables_.insert(e->options_.variables.begin(), e->options_.variables.end());
    config::diagnostics diags;
    auto admin = client::admin_client::create(e->settings_, diags);
    if (!admin) {
        return admin.err();
    }
    e->admin_ = std::move(*admin);
    if (e->options_.persist) {
        auto log =
            command_log::open(e->settings_, *e->admin_, command_topic_name(e->options_.service_id));
        if (!log) {
            return log.err();
        }
        e->log_ = std::move(*log);
    }
    return e;
}

status engine::restore() {
    std::lock_guard statement_lock(statement_mu_);
    if (!log_) {
        return {};
    }
    auto commands = log_->read_all();
    if (!commands) {
        return commands.err();
    }
    auto logger = log::get("streams");
    for (const auto& c : *commands) {
        session_props_ = c.properties;
        auto stmt = parse_statement(c.statement);
        if (!stmt) {
            logger->warn("command topic {}: skipping unparseable statement: {}", log_->topic(),
                         stmt.err().message);
            continue;
        }
        if (auto r = run(*stmt, true); !r) {
            // ksqlDB skips a command that no longer applies and goes on.
            logger->warn("command topic {}: skipping statement that failed on replay: {}",
                         log_->topic(), r.err().message);
        }
    }
    session_props_ = options_.properties;
    std::lock_guard lock(queries_mu_);
    for (auto& q : queries_) {
        if (!q->started) {
            if (auto st = start_query(*q); !st) {
                logger->error("query {}: cannot resume: {}", q->id, st.message());
            }
        }
    }
    return {};
}

result<statement_result> engine::execute_result(const ast::statement& stmt) {
    std::lock_guard lock(statement_mu_);
    auto substituted = substitute_unlocked(stmt);
    if (!substituted) {
        return substituted.err();
    }
    return run(*substituted, false);
}

result<std::string> engine::execute(const ast::statement& stmt) {
    auto r = execute_result(stmt);
    if (!r) {
        return r.err();
    }
    return to_text(*r);
}

status engine::execute_script(std::string_view sql, std::vector<std::string>& out) {
    auto stmts = parse_script(sql);
    if (!stmts) {
        return stmts.err();
    }
    for (const auto& s : *stmts) {
        auto r = execute(s);
        if (!r) {
            return r.err();
        }
        out.push_back(std::move(*r));
    }
    return {};
}

const source_def* engine::find(std::string_view name) const {
    auto it = sources_.find(name);
    return it == sources_.end() ? nullptr : &it->second;
}

std::vector<std::string> engine::names() const {
    return source_order_;
}

result<statement_result> engine::run(const ast::statement& stmt, bool replaying) {
    return std::visit(
        [&](const auto& s) -> result<statement_result> {
            using T = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<T, ast::create_source_stmt>) {
                return create_source(s, stmt, replaying);
            } else if constexpr (std::is_same_v<T, ast::create_as_select_stmt>) {
                return create_as_select(s, stmt, replaying);
            } else if constexpr (std::is_same_v<T, ast::insert_select_stmt>) {
                return insert_select(s, stmt, replaying);
            } else if constexpr (std::is_same_v<T, ast::insert_values_stmt>) {
                if (replaying) {
                    return statement_result::of_message("");  // never recorded; ignore if found
                }
                return insert_values(s);
            } else if constexpr (std::is_same_v<T, ast::drop_stmt>) {
                auto r = drop(s, replaying);
                if (r && !replaying) {
                    if (auto st = record(stmt); !st) {
                        return st.err();
                    }
                }
                return r;
            } else if constexpr (std::is_same_v<T, ast::terminate_stmt>) {
                auto r = terminate(s);
                if (r && !replaying) {
                    if (auto st = record(stmt); !st) {
                        return st.err();
                    }
                }
                return r;
            } else if constexpr (std::is_same_v<T, ast::show_stmt>) {
                return show(s);
            } else if constexpr (std::is_same_v<T, ast::describe_stmt>) {
                return describe(s);
            } else if constexpr (std::is_same_v<T, ast::explain_stmt>) {
                return explain(s, stmt);
            } else if constexpr (std::is_same_v<T, ast::set_stmt>) {
                session_props_[s.name] = s.value;
                return statement_result::of_message(fmt::format(
                    "Successfully changed local property '{}' to '{}'.", s.name, s.value));
            } else if constexpr (std::is_same_v<T, ast::unset_stmt>) {
                session_props_.erase(s.name);
                return statement_result::of_message(
                    fmt::format("Successfully unset local property '{}'.", s.name));
            } else if constexpr (std::is_same_v<T, ast::print_stmt> ||
                                 std::is_same_v<T, ast::define_stmt> ||
                                 std::is_same_v<T, ast::undefine_stmt> ||
                                 std::is_same_v<T, ast::alter_source_stmt> ||
                                 std::is_same_v<T, ast::run_script_stmt>) {
                auto text = run_session_statement(stmt, replaying);
                if (!text) {
                    return text.err();
                }
                return statement_result::of_message(std::move(*text));
            } else {
                static_assert(std::is_same_v<T, ast::query_stmt>);
                // It returns rows, not a message: the caller streams them.
                return error{errc::invalid_argument,
                             format_sql_error(stmt, s.select.pos,
                                              "a transient query (a bare SELECT) returns rows: "
                                              "run it with engine::run_transient")};
            }
        },
        stmt.body);
}

result<int32_t> engine::topic_partitions(const std::string& topic) {
    auto md = admin_->metadata();
    if (!md) {
        return md.err();
    }
    for (const auto& t : md->topics) {
        if (t.name == topic && t.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return static_cast<int32_t>(t.partitions.size());
        }
    }
    return 0;
}

result<statement_result> engine::create_source(const ast::create_source_stmt& c,
                                               const ast::statement& stmt, bool replaying) {
    const char* kind = c.kind == source_kind::stream ? "Stream" : "Table";
    if (const source_def* existing = find(c.name)) {
        if (c.if_not_exists) {
            return statement_result::of_message(
                fmt::format("A {} named {} already exists.",
                            existing->kind == source_kind::stream ? "stream" : "table", c.name));
        }
        if (!c.or_replace) {
            return error{
                errc::already_exists,
                format_sql_error(
                    stmt, c.name_pos,
                    fmt::format("Cannot add {} '{}': A {} with the same "
                                "name already exists",
                                c.kind == source_kind::stream ? "stream" : "table", c.name,
                                existing->kind == source_kind::stream ? "stream" : "table"))};
        }
        if (existing->kind != c.kind) {
            return error{errc::invalid_argument,
                         format_sql_error(stmt, c.name_pos,
                                          "CREATE OR REPLACE cannot change a stream into a "
                                          "table or back")};
        }
    }
    auto def = make_source_def(c, stmt);
    if (!def) {
        return def.err();
    }
    def->sql = stmt.text;
    auto have = topic_partitions(def->topic);
    if (!have) {
        return have.err();
    }
    if (!replaying) {
        const auto* with_partitions = c.with.find("PARTITIONS");
        if (*have == 0 && with_partitions == nullptr) {
            return error{errc::not_found,
                         format_sql_error(stmt, c.name_pos,
                                          fmt::format("Kafka topic does not exist: {} (give "
                                                      "PARTITIONS to have it created)",
                                                      def->topic))};
        }
        if (*have == 0) {
            auto created = admin_->create_topics(
                {client::new_topic{.name = def->topic,
                                   .partitions = def->partitions,
                                   .replication_factor = def->replicas > 0 ? def->replicas : -1,
                                   .configs = {}}});
            if (!created) {
                return created.err();
            }
            for (const auto& s : *created) {
                if (!s.ok()) {
                    return error{errc::io,
                                 fmt::format("cannot create topic {}: {}", def->topic, s.message)};
                }
            }
            *have = def->partitions;
        } else if (with_partitions != nullptr && def->partitions != *have) {
            return error{errc::invalid_argument,
                         format_sql_error(stmt, with_partitions->pos,
                                          fmt::format("A Kafka topic with the name '{}' already "
                                                      "exists, with different partition count: "
                                                      "{} partitions, not {}",
                                                      def->topic, *have, def->partitions))};
        }
        if (auto st = record(stmt); !st) {
            return st.err();
        }
    }
    if (*have > 0) {
        def->partitions = *have;
    }
    std::string name = def->name;
    bool replaced = sources_.count(name) > 0;
    sources_.insert_or_assign(name, std::move(*def));
    if (!replaced) {
        source_order_.push_back(name);
    }
    return statement_result::of_message(fmt::format("{} created", kind));
}

result<statement_result> engine::drop(const ast::drop_stmt& d, bool replaying) {
    const source_def* def = find(d.name);
    if (def == nullptr) {
        if (d.if_exists) {
            return statement_result::of_message(fmt::format("Source {} does not exist.", d.name));
        }
        return error{errc::not_found, fmt::format("Source {} does not exist{}", d.name,
                                                  did_you_mean(d.name, source_order_))};
    }
    if (def->kind != d.kind) {
        return error{errc::invalid_argument,
                     fmt::format("Incompatible data source type is {}, but statement was DROP {}",
                                 def->kind == source_kind::stream ? "STREAM" : "TABLE",
                                 d.kind == source_kind::stream ? "STREAM" : "TABLE")};
    }
    auto users = users_of(d.name);
    if (!users.empty()) {
        std::string list;
        for (const auto& u : users) {
            list += (list.empty() ? "" : ", ") + u;
        }
        return error{errc::invalid_argument,
                     fmt::format("Cannot drop {}.\nThe following queries read from or write to "
                                 "this source: [{}].\nYou need to terminate them before dropping "
                                 "{}.",
                                 d.name, list, d.name)};
    }
    std::string topic = def->topic;
    if (d.delete_topic && !replaying) {
        auto deleted = admin_->delete_topics({topic});
        if (!deleted) {
            return deleted.err();
        }
        for (const auto& s : *deleted) {
            if (!s.ok()) {
                return error{errc::io, fmt::format("cannot delete topic {}: {}", topic, s.message)};
            }
        }
    }
    if (auto it = readers_.find(d.name); it != readers_.end()) {
        it->second->stop();
        readers_.erase(it);
    }
    sources_.erase(sources_.find(d.name));
    std::erase(source_order_, d.name);
    return statement_result::of_message(
        fmt::format("Source `{}` (topic: {}) was dropped.", d.name, topic));
}

std::vector<std::string> engine::users_of(const std::string& source) const {
    std::vector<std::string> out;
    std::lock_guard lock(queries_mu_);
    for (const auto& q : queries_) {
        bool uses = q->sink == source ||
                    std::find(q->sources.begin(), q->sources.end(), source) != q->sources.end();
        if (uses) {
            out.push_back(q->id);
        }
    }
    return out;
}

status engine::record(const ast::statement& stmt) {
    if (!log_) {
        return {};
    }
    return log_->append(command{.statement = stmt.text, .properties = session_props_}, "");
}

}  // namespace cs::streams
