// PRINT, DEFINE / UNDEFINE, SHOW VARIABLES, ALTER ... ADD COLUMN and
// RUN SCRIPT parse as ksqlDB's grammar has them; ${name} references are
// recorded where they stand (identifier or literal).

#include <gtest/gtest.h>

#include "streams/parser.h"

namespace cs::streams {
namespace {

ast::statement parse(const std::string& sql) {
    auto s = parse_statement(sql);
    EXPECT_TRUE(s.ok()) << sql << ": " << (s.ok() ? "" : s.err().message);
    return s.ok() ? std::move(*s) : ast::statement{};
}

TEST(ParserSession, Print) {
    auto p = std::get<ast::print_stmt>(
        parse("PRINT 'my-topic' FROM BEGINNING INTERVAL 3 LIMIT 10;").body);
    EXPECT_EQ(p.topic, "my-topic");
    EXPECT_TRUE(p.from_beginning);
    EXPECT_EQ(p.interval, 3);
    EXPECT_EQ(p.limit, 10);
    // Unquoted names keep their case; SAMPLE is INTERVAL's other name.
    p = std::get<ast::print_stmt>(parse("print clicksTopic sample 2").body);
    EXPECT_EQ(p.topic, "clicksTopic");
    EXPECT_FALSE(p.from_beginning);
    EXPECT_EQ(p.interval, 2);
    EXPECT_FALSE(p.limit);
    p = std::get<ast::print_stmt>(parse("PRINT `Quoted`;").body);
    EXPECT_EQ(p.topic, "Quoted");
    EXPECT_EQ(p.interval, 1);
    EXPECT_FALSE(parse_statement("PRINT 'a' LIMIT x").ok());
    EXPECT_FALSE(parse_statement("PRINT FROM BEGINNING").ok());
}

TEST(ParserSession, DefineUndefineShowVariables) {
    auto d = std::get<ast::define_stmt>(parse("DEFINE topicName = '''my_topic''';").body);
    EXPECT_EQ(d.name, "topicName");
    EXPECT_EQ(d.value, "'my_topic'");
    auto u = std::get<ast::undefine_stmt>(parse("UNDEFINE topicName").body);
    EXPECT_EQ(u.name, "topicName");
    auto s = std::get<ast::show_stmt>(parse("SHOW VARIABLES").body);
    EXPECT_EQ(s.what, ast::show_what::variables);
    EXPECT_EQ(std::get<ast::show_stmt>(parse("LIST VARIABLES;").body).what,
              ast::show_what::variables);
    EXPECT_FALSE(parse_statement("DEFINE `x` = 'a'").ok());  // IDENTIFIER only
    EXPECT_FALSE(parse_statement("DEFINE x = 3").ok());      // the value is a string
}

TEST(ParserSession, AlterAndRunScript) {
    auto a = std::get<ast::alter_source_stmt>(
        parse("ALTER STREAM clicks ADD COLUMN referrer STRING, ADD tags ARRAY<STRING>;").body);
    EXPECT_EQ(a.kind, source_kind::stream);
    EXPECT_EQ(a.name, "CLICKS");
    ASSERT_EQ(a.columns.size(), 2u);
    EXPECT_EQ(a.columns[0].column.name, "REFERRER");
    EXPECT_EQ(a.columns[1].column.type.to_string(), "ARRAY<STRING>");
    EXPECT_FALSE(parse_statement("ALTER TABLE t ADD").ok());
    auto r = std::get<ast::run_script_stmt>(parse("RUN SCRIPT '/tmp/a.sql'").body);
    EXPECT_EQ(r.path, "/tmp/a.sql");
}

TEST(ParserSession, VariableReferencesAreRecordedWhereTheyStand) {
    auto st =
        parse("INSERT INTO ${stream} (${col}) VALUES (${val}, UCASE(${str}), ${fn}(1), ${q}.a)");
    ASSERT_EQ(st.variables.size(), 6u);
    EXPECT_EQ(st.variables[0].name, "stream");
    EXPECT_TRUE(st.variables[0].identifier);
    EXPECT_EQ(st.variables[0].offset, 12u);
    EXPECT_EQ(st.variables[0].pos.column, 13);
    EXPECT_TRUE(st.variables[1].identifier);
    EXPECT_FALSE(st.variables[2].identifier);  // a literal in an expression
    EXPECT_FALSE(st.variables[3].identifier);
    EXPECT_TRUE(st.variables[4].identifier);  // a function's name
    EXPECT_TRUE(st.variables[5].identifier);  // a qualifier
    auto c = parse("CREATE STREAM s (id INT) WITH (KAFKA_TOPIC=${topic}, PARTITIONS=${n})");
    ASSERT_EQ(c.variables.size(), 2u);
    EXPECT_FALSE(c.variables[0].identifier);
    // Inside quotes it is text; $ alone is still an identifier character.
    EXPECT_TRUE(parse("SELECT '${x}' FROM s").variables.empty());
    // Offsets are relative to each statement's text.
    auto all = parse_script("SHOW STREAMS;\nDESCRIBE ${src};");
    ASSERT_TRUE(all.ok());
    ASSERT_EQ((*all)[1].variables.size(), 1u);
    EXPECT_EQ((*all)[1].variables[0].offset, 9u);
    EXPECT_EQ((*all)[1].variables[0].pos.line, 2);
}

}  // namespace
}  // namespace cs::streams
