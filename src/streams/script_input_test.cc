#include "streams/script_input.h"

#include <gtest/gtest.h>

namespace cs::streams {
namespace {

TEST(ScriptInput, AStatementRunsOnceItsSemicolonArrives) {
    EXPECT_EQ(classify_script_input(""), script_input::empty);
    EXPECT_EQ(classify_script_input("  \n-- a comment\n/* another */\n"), script_input::empty);
    EXPECT_EQ(classify_script_input("SHOW STREAMS"), script_input::partial);
    EXPECT_EQ(classify_script_input("SHOW STREAMS;"), script_input::complete);
    EXPECT_EQ(classify_script_input("SHOW STREAMS; -- done\n"), script_input::complete);
    EXPECT_EQ(classify_script_input("CREATE STREAM s (a INT)\n  WITH (KAFKA_TOPIC='t',"),
              script_input::partial);
    EXPECT_EQ(classify_script_input("SHOW STREAMS; SHOW TABLES"), script_input::partial);
    EXPECT_EQ(classify_script_input("SHOW STREAMS; SHOW TABLES;"), script_input::complete);
}

TEST(ScriptInput, SemicolonsInsideStringsIdentifiersAndCommentsDoNotEndIt) {
    EXPECT_EQ(classify_script_input("SELECT 'a;"), script_input::partial);
    EXPECT_EQ(classify_script_input("SELECT 'a;\nb' FROM s;"), script_input::complete);
    EXPECT_EQ(classify_script_input("SELECT 'it''s;' FROM s"), script_input::partial);
    EXPECT_EQ(classify_script_input("SELECT `a;b"), script_input::partial);
    EXPECT_EQ(classify_script_input("SELECT a /* ; */"), script_input::partial);
    EXPECT_EQ(classify_script_input("SELECT a /* ;"), script_input::partial);
    EXPECT_EQ(classify_script_input("SELECT a -- ;"), script_input::partial);
}

TEST(ScriptInput, OtherLexicalErrorsRunSoTheParserReportsThem) {
    EXPECT_EQ(classify_script_input("SELECT # FROM s"), script_input::complete);
}

}  // namespace
}  // namespace cs::streams
