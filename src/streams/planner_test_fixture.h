#pragma once

// A catalog defined by CREATE statements and plan()/plan_error() over it,
// for planner tests. Test code only.

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "streams/parser.h"
#include "streams/planner.h"

namespace cs::streams {

class planner_fixture : public ::testing::Test {
  protected:
    void define(std::string_view sql) {
        auto st = parse_statement(sql);
        ASSERT_TRUE(st.ok()) << st.err().message;
        auto def = make_source_def(std::get<ast::create_source_stmt>(st->body), *st);
        ASSERT_TRUE(def.ok()) << def.err().message;
        catalog.defs[def->name] = *def;
    }

    result<query_plan> plan(std::string_view sql) {
        auto st = parse_statement(sql);
        if (!st.ok()) {
            return st.take_error();
        }
        stmt = std::move(st).value();
        if (auto* c = std::get_if<ast::create_as_select_stmt>(&stmt.body)) {
            return plan_create_as_select(*c, stmt, catalog);
        }
        return plan_insert_select(std::get<ast::insert_select_stmt>(stmt.body), stmt, catalog);
    }
    std::string plan_error(std::string_view sql) {
        auto p = plan(sql);
        EXPECT_FALSE(p.ok()) << sql;
        return p.ok() ? "" : p.err().message;
    }

    // The sink's columns: "NAME TYPE[ KEY], ...".
    static std::string schema(const query_plan& p) {
        std::string s;
        for (const auto& c : p.sink.columns) {
            s += (s.empty() ? "" : ", ") + c.name + " " + c.type.to_string() +
                 (c.origin == column_origin::key ? " KEY" : "");
        }
        return s;
    }

    map_catalog catalog;
    ast::statement stmt;
};

}  // namespace cs::streams
