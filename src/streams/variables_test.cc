// ksqlDB's VariableSubstitutor rules (variables.h), with the cases of its
// VariableSubstitutorTest.

#include "streams/variables.h"

#include <gtest/gtest.h>

#include "streams/parser.h"

namespace cs::streams {
namespace {

ast::statement parse(const std::string& sql) {
    auto s = parse_statement(sql);
    EXPECT_TRUE(s.ok()) << sql << ": " << (s.ok() ? "" : s.err().message);
    return s.ok() ? std::move(*s) : ast::statement{};
}

std::string text(const std::string& sql, const variable_map& vars) {
    auto r = substitute_variables_text(parse(sql), vars);
    EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.err().message);
    return r.ok() ? *r : "";
}

std::string failure(const std::string& sql, const variable_map& vars) {
    auto r = substitute_variables_text(parse(sql), vars);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? "" : r.err().message;
}

TEST(Variables, IdentifiersLiteralsAndStrings) {
    variable_map v = {{"identifier", "_id_"},   {"quotedIdentifier", "\"_id_\""},
                      {"backQuoted", "`_id_`"}, {"num", "1"},
                      {"dec", "0.32"},          {"bool", "false"},
                      {"str", "'john'"},        {"topicName", "'name1'"},
                      {"replicas", "3"},        {"env", "qa"}};
    EXPECT_EQ(text("DESCRIBE ${identifier} EXTENDED", v), "DESCRIBE _id_ EXTENDED");
    EXPECT_EQ(text("DESCRIBE EXTENDED ${identifier}", v), "DESCRIBE EXTENDED _id_");
    EXPECT_EQ(text("DESCRIBE ${quotedIdentifier}", v), "DESCRIBE \"_id_\"");
    EXPECT_EQ(text("DESCRIBE FUNCTION ${backQuoted}", v), "DESCRIBE FUNCTION `_id_`");
    EXPECT_EQ(text("INSERT INTO ${identifier} VALUES (${num}, ${bool}, ${dec}, ${str})", v),
              "INSERT INTO _id_ VALUES (1, false, 0.32, 'john')");
    EXPECT_EQ(text("CREATE STREAM ${identifier} WITH (kafka_topic=${topicName}, "
                   "replicas=${replicas})",
                   v),
              "CREATE STREAM _id_ WITH (kafka_topic='name1', replicas=3)");
    EXPECT_EQ(text("DEFINE topicName = 'topic_${env}'", v), "DEFINE topicName = 'topic_qa'");
    // Case-insensitive names; undefined ones inside strings stay; $$ escapes.
    EXPECT_EQ(text("SELECT '${ENV}-${nope}' FROM s", v), "SELECT 'qa-${nope}' FROM s");
    EXPECT_EQ(text("SELECT '$${env}' FROM s", v), "SELECT '${env}' FROM s");
    EXPECT_EQ(text("DEFINE topicName = 'topic_$${${env}}'", v), "DEFINE topicName = 'topic_${qa}'");
    EXPECT_EQ(text("PRINT '${env}_clicks'", v), "PRINT 'qa_clicks'");
    EXPECT_EQ(text("PRINT ${identifier}", v), "PRINT _id_");
}

TEST(Variables, QuotesAreEscapedSoValuesCannotInject) {
    variable_map v = {{"escapeQuote", "'t1', value_format='AVRO'"}, {"name", "it's"}};
    EXPECT_EQ(text("CREATE STREAM s1 WITH (kafka_topic=${escapeQuote})", v),
              "CREATE STREAM s1 WITH (kafka_topic='t1'', value_format=''AVRO')");
    EXPECT_EQ(text("SELECT '${name}' FROM s", v), "SELECT 'it''s' FROM s");
}

TEST(Variables, InvalidAndUndefinedReferences) {
    variable_map v = {{"injectSchema", "s1 (id, name)"},
                      {"injectValues", "1, 5"},
                      {"injectWhere", "s1 WHERE id = 1"},
                      {"injectExpression", "5 and id != 5"},
                      {"kw", "EXTENDED _id_"},
                      {"quotedKw", "`EXTENDED _id_`"}};
    EXPECT_EQ(failure("INSERT INTO ${injectSchema} VALUES (1)", v),
              "Illegal argument at Line: 1, Col: 13. Identifier names cannot start with '@' and "
              "may only contain alphanumeric values and '_'. Got: 's1 (id, name)'");
    EXPECT_EQ(failure("INSERT INTO s1 VALUES (${injectValues})", v),
              "Illegal argument at Line: 1, Col: 24. Got: '1, 5'");
    EXPECT_NE(failure("SELECT * FROM ${injectWhere}", v).find("Identifier names cannot start"),
              std::string::npos);
    EXPECT_NE(
        failure("SELECT * FROM s1 WHERE id = ${injectExpression}", v).find("Illegal argument"),
        std::string::npos);
    EXPECT_NE(failure("DESCRIBE ${kw}", v).find("Illegal argument"), std::string::npos);
    EXPECT_NE(failure("DESCRIBE ${quotedKw}", v).find("Illegal argument"), std::string::npos);
    EXPECT_EQ(failure("DESCRIBE ${undefined}", v),
              "Illegal argument at Line: 1, Col: 10. Identifier names cannot start with '@' and "
              "may only contain alphanumeric values and '_'. Got: '${undefined}'");
    EXPECT_EQ(failure("SELECT * FROM s WHERE a = ${undefined}", v),
              "Illegal argument at Line: 1, Col: 27. Got: '${undefined}'");
}

TEST(Variables, SubstitutedStatementsParseAgain) {
    variable_map v = {{"src", "clicks"}, {"n", "5"}};
    auto st = parse("SELECT * FROM ${src} WHERE n > ${n} EMIT CHANGES LIMIT 2");
    auto r = substitute_variables(st, v);
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(r->text, "SELECT * FROM clicks WHERE n > 5 EMIT CHANGES LIMIT 2");
    EXPECT_TRUE(r->variables.empty());
    EXPECT_EQ(std::get<ast::query_stmt>(r->body).select.from.name, "CLICKS");
    // Nothing to substitute: the statement as it was.
    auto plain = parse("SHOW STREAMS");
    EXPECT_EQ(substitute_variables(plain, v)->text, "SHOW STREAMS");
    // Disabled: references outside quotes are refused, strings kept.
    EXPECT_FALSE(substitute_variables(st, v, false).ok());
    EXPECT_EQ(substitute_variables(parse("SELECT '${src}' FROM s"), v, false)->text,
              "SELECT '${src}' FROM s");
}

}  // namespace
}  // namespace cs::streams
