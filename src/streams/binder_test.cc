#include "streams/binder.h"

#include <gtest/gtest.h>

#include "streams/like_pattern.h"
#include "streams/parser.h"
#include "streams/test_columns.h"

namespace cs::streams {
namespace {

// Columns: C.ID INTEGER, C.NAME STRING, C.AMOUNT DECIMAL(10,2), C.FLAG BOOLEAN,
// C.S STRUCT<CITY STRING, `zip` INT>, C.TAGS ARRAY<STRING>, C.M MAP<STRING,BIGINT>,
// U.ID INTEGER, U.NAME STRING.
using testing::col;

class binder_test : public ::testing::Test {
  protected:
    binder_test() {
        source_def c;
        c.columns = {
            col("ID", sql_type::integer()),
            col("NAME", sql_type::string()),
            col("AMOUNT", sql_type::decimal(10, 2)),
            col("FLAG", sql_type::boolean()),
            col("S", sql_type::struct_({"CITY", "zip"}, {sql_type::string(), sql_type::integer()})),
            col("TAGS", sql_type::array(sql_type::string())),
            col("M", sql_type::map(sql_type::bigint())),
            col("user_id", sql_type::string()),
            col("X", sql_type::integer()),
        };
        source_def u;
        u.columns = {col("UID", sql_type::integer()), col("UNAME", sql_type::string()),
                     col("X", sql_type::integer())};
        scope.add_source(c, "C", 0);
        scope.add_source(u, "U", c.columns.size());
        row = {value(int32_t{7}),
               value("alice"),
               value(decimal_value{1250, 2}),
               value(),
               value::struct_({{value("Oslo"), value(int32_t{150})}}),
               value::array({value("a"), value("b"), value("c")}),
               value::map({{"x", value(int64_t{1})}, {"y", value(int64_t{2})}}),
               value("u1"),
               value(int32_t{1}),
               value(int32_t{7}),
               value(),
               value(int32_t{2})};
        ctx.joined = &row;
        ctx.record = {.rowtime = 1000, .partition = 3, .offset = 42};
    }

    result<expr_ptr> bind(std::string_view sql) {
        auto e = parse_expression(sql);
        if (!e.ok()) {
            return e.take_error();
        }
        text = std::string(sql);
        return bind_expression(**e, scope, error_source{text, {}});
    }
    value eval(std::string_view sql) {
        auto b = bind(sql);
        EXPECT_TRUE(b.ok()) << sql << ": " << (b.ok() ? "" : b.err().message);
        if (!b.ok()) {
            return value("<bind failed>");
        }
        auto v = (*b)->eval(ctx);
        EXPECT_TRUE(v.ok()) << sql << ": " << (v.ok() ? "" : v.err().message);
        return v.ok() ? *v : value("<eval failed>");
    }
    std::string bind_error(std::string_view sql) {
        auto b = bind(sql);
        EXPECT_FALSE(b.ok()) << sql;
        return b.ok() ? "" : b.err().message;
    }

    bind_scope scope;
    streams::row row;
    eval_context ctx;
    std::string text;
};

const value T(true);
const value F(false);
const value N;

TEST_F(binder_test, columns_by_index_and_qualifier) {
    EXPECT_EQ(eval("NAME"), value("alice"));
    EXPECT_EQ(eval("c.name"), value("alice"));
    EXPECT_EQ(eval("U.UID"), value(int32_t{7}));
    EXPECT_EQ(eval("U.X"), value(int32_t{2}));
    EXPECT_EQ(eval("`user_id`"), value("u1"));
    EXPECT_EQ(eval("ROWTIME"), value(int64_t{1000}));
    EXPECT_EQ(eval("ROWPARTITION"), value(int32_t{3}));
    EXPECT_EQ(eval("c.ROWOFFSET"), value(int64_t{42}));
}

TEST_F(binder_test, rowtime_compared_with_a_string_compares_with_that_instant) {
    // ROWTIME is 1000 ms: 1970-01-01T00:00:01Z.
    EXPECT_EQ(eval("ROWTIME >= '1970-01-01T00:00:01'"), T);
    EXPECT_EQ(eval("ROWTIME < '1970-01-01T00:00:01.001Z'"), T);
    EXPECT_EQ(eval("'1970-01-01T00:00:02' > c.ROWTIME"), T);
    EXPECT_EQ(eval("ROWTIME = '1970-01-01'"), F);
    EXPECT_EQ(eval("ROWTIME BETWEEN '1970-01-01' AND '1970-01-01T00:00:01'"), T);
    EXPECT_NE(bind_error("ROWTIME > 'yesterday'").find("ROWTIME"), std::string::npos);
    // Other BIGINTs stay numbers.
    EXPECT_NE(bind_error("ROWOFFSET > '1970-01-01'").find("cannot compare"), std::string::npos);
}

TEST_F(binder_test, unknown_and_ambiguous_columns) {
    EXPECT_EQ(bind_error("NAM = 'x'"),
              "line 1:1: unknown column NAM, did you mean NAME?\nNAM = 'x'\n^");
    EXPECT_EQ(bind_error("X + 1"),
              "line 1:1: column X is ambiguous: it could be C.X, U.X; qualify it\nX + 1\n^");
    EXPECT_NE(bind_error("user_id").find("did you mean `user_id`? (unquoted identifiers are "
                                         "upper-cased; use backticks to keep case)"),
              std::string::npos);
    EXPECT_NE(bind_error("x.NAME").find("unknown source 'X'"), std::string::npos);
    EXPECT_NE(bind_error("u.NAME").find("unknown column U.NAME, did you mean UNAME?"),
              std::string::npos);
    auto b = bind("NAM");
    EXPECT_EQ(b.err().code, errc::not_found);
}

TEST_F(binder_test, three_valued_logic) {
    EXPECT_EQ(eval("FLAG AND FALSE"), F);
    EXPECT_EQ(eval("FLAG AND TRUE"), N);
    EXPECT_EQ(eval("FLAG OR TRUE"), T);
    EXPECT_EQ(eval("FLAG OR FALSE"), N);
    EXPECT_EQ(eval("NOT FLAG"), N);
    EXPECT_EQ(eval("NOT (ID = 7)"), F);
    EXPECT_EQ(eval("U.UNAME IS NULL"), T);
    EXPECT_EQ(eval("NAME IS NOT NULL"), T);
    EXPECT_EQ(eval("FLAG IS NULL AND ID > 3"), T);
    EXPECT_EQ(eval("FLAG = TRUE OR FLAG"), N);
}

// ksqlDB: a comparison with a NULL operand is FALSE (not NULL), so its NOT
// is TRUE.
TEST_F(binder_test, comparison_with_null_is_false) {
    EXPECT_EQ(eval("U.UNAME = 'x'"), F);
    EXPECT_EQ(eval("U.UNAME <> 'x'"), F);
    EXPECT_EQ(eval("U.UNAME = NULL"), F);
    EXPECT_EQ(eval("NULL = NULL"), F);
    EXPECT_EQ(eval("ID < NULL"), F);
    EXPECT_EQ(eval("AMOUNT >= NULL"), F);
    EXPECT_EQ(eval("NOT (U.UNAME = 'x')"), T);
    EXPECT_EQ(eval("NOT (FLAG = TRUE)"), T);
    EXPECT_EQ(eval("U.UNAME = 'x' OR ID = 7"), T);
    EXPECT_EQ(eval("U.UNAME <> 'x' AND ID = 7"), F);
    EXPECT_EQ(eval("CASE WHEN U.UNAME = 'x' THEN 1 ELSE 2 END"), value(int32_t{2}));
    EXPECT_EQ(eval("CASE U.UNAME WHEN 'x' THEN 1 END"), N);
}

TEST_F(binder_test, comparisons_with_widening) {
    EXPECT_EQ(eval("ID = 7"), T);
    EXPECT_EQ(eval("ID < 7.5"), T);
    EXPECT_EQ(eval("AMOUNT > 12"), T);
    EXPECT_EQ(eval("AMOUNT = 12.5"), T);
    EXPECT_EQ(eval("ID <> 7"), F);
    EXPECT_EQ(eval("NAME >= 'alice'"), T);
    EXPECT_NE(bind_error("NAME = 1").find("cannot compare STRING with INTEGER"), std::string::npos);
    EXPECT_NE(bind_error("WHERE_NOT_BOOL AND TRUE").find("unknown column"), std::string::npos);
    EXPECT_NE(bind_error("NAME AND TRUE").find("operand of AND must be BOOLEAN, got STRING"),
              std::string::npos);
}

TEST_F(binder_test, like) {
    EXPECT_EQ(eval("NAME LIKE 'al%'"), T);
    EXPECT_EQ(eval("NAME LIKE '%ic_'"), T);
    EXPECT_EQ(eval("NAME LIKE '_l%e'"), T);
    EXPECT_EQ(eval("NAME LIKE 'al'"), F);
    EXPECT_EQ(eval("NAME NOT LIKE 'b%'"), T);
    EXPECT_EQ(eval("U.UNAME LIKE '%'"), N);  // ksqlDB fails (NULL column, row not kept)
    EXPECT_EQ(eval("U.UNAME NOT LIKE '%'"), N);
    EXPECT_EQ(eval("NAME LIKE U.UNAME"), N);
    EXPECT_EQ(eval("'50%' LIKE '50!%' ESCAPE '!'"), T);
    EXPECT_EQ(eval("'500' LIKE '50!%' ESCAPE '!'"), F);
    EXPECT_EQ(eval("NAME LIKE NAME"), T);  // pattern evaluated per row
    EXPECT_NE(bind_error("ID LIKE 'a'").find("LIKE operand must be STRING"), std::string::npos);
}

// s LIKE p ESCAPE '\\'.
bool like(std::string_view p, std::string_view s) {
    auto c = like_pattern::compile(p, '\\');
    EXPECT_TRUE(c.ok());
    return c.ok() && c->matches(s);
}

TEST(like_pattern, matching) {
    EXPECT_TRUE(like("", ""));
    EXPECT_FALSE(like("", "a"));
    EXPECT_TRUE(like("%", ""));
    EXPECT_TRUE(like("a%b%c", "aXXbYYc"));
    EXPECT_FALSE(like("a%b%c", "aXXbYY"));
    EXPECT_TRUE(like("%%a", "bba"));
    EXPECT_TRUE(like("_", "é"));  // one code point, two bytes
    EXPECT_FALSE(like("__", "é"));
    EXPECT_TRUE(like("a\\_b", "a_b"));
    EXPECT_FALSE(like("a\\_b", "axb"));
    EXPECT_TRUE(like("%ab", "aab"));
    EXPECT_FALSE(like_pattern::compile("abc\\", '\\').ok());
}

// ksqlDB's LikeEvaluator builds a Java regex without DOTALL: '%' and '_'
// stop at line terminators, which only a literal matches.
TEST(like_pattern, wildcards_skip_line_terminators) {
    EXPECT_FALSE(like("a%c", "a\nc"));
    EXPECT_FALSE(like("a_c", "a\nc"));
    EXPECT_FALSE(like("%", "\r"));
    EXPECT_FALSE(like("a%", "ab\xE2\x80\xA8"));
    EXPECT_FALSE(like("_", "\xC2\x85"));
    EXPECT_TRUE(like("a%\n%c", "axy\nzc"));
    EXPECT_FALSE(like("a%\n%c", "axy\nz\nc"));
    EXPECT_TRUE(like("%\n%\n%", "a\nb\nc"));
    EXPECT_FALSE(like("%x\nx%", "x\nx\nxq"));
    EXPECT_TRUE(like("%x\nx%", "ax\nxq"));
    EXPECT_TRUE(like("a%c",
                     "a\xC2\xA0"
                     "c"));  // U+00A0 is no line terminator
}

TEST_F(binder_test, in_and_between) {
    EXPECT_EQ(eval("ID IN (1, 7, 9)"), T);
    EXPECT_EQ(eval("ID IN (1, 2)"), F);
    // ksqlDB: NULL never matches and IN is never NULL; NOT IN negates it.
    EXPECT_EQ(eval("ID IN (1, NULL)"), F);
    EXPECT_EQ(eval("ID IN (7, NULL)"), T);
    EXPECT_EQ(eval("ID NOT IN (1, 2)"), T);
    EXPECT_EQ(eval("ID NOT IN (1, NULL)"), T);
    EXPECT_EQ(eval("ID NOT IN (7, NULL)"), F);
    EXPECT_EQ(eval("U.UNAME IN ('a')"), F);
    EXPECT_EQ(eval("U.UNAME IN ('a', NULL)"), F);
    EXPECT_EQ(eval("U.UNAME NOT IN ('a')"), T);
    EXPECT_EQ(eval("ID IN (U.X, 7)"), T);
    EXPECT_EQ(eval("NAME IN ('bob', 'alice')"), T);
    EXPECT_EQ(eval("ID BETWEEN 7 AND 8"), T);
    EXPECT_EQ(eval("ID BETWEEN 1 AND 6"), F);
    EXPECT_EQ(eval("ID NOT BETWEEN 1 AND 6"), T);
    // ksqlDB: (x >= a AND x <= b) of comparisons that are FALSE on a NULL.
    EXPECT_EQ(eval("ID BETWEEN 1 AND NULL"), F);
    EXPECT_EQ(eval("ID BETWEEN 8 AND NULL"), F);
    EXPECT_EQ(eval("ID NOT BETWEEN 1 AND NULL"), T);
    EXPECT_EQ(eval("ID NOT BETWEEN NULL AND 8"), T);
    EXPECT_EQ(eval("U.UNAME BETWEEN 'a' AND 'z'"), F);
    EXPECT_EQ(eval("U.UNAME NOT BETWEEN 'a' AND 'z'"), T);
    EXPECT_EQ(eval("AMOUNT BETWEEN 12 AND 12.5"), T);
}

TEST_F(binder_test, case_expressions) {
    EXPECT_EQ(eval("CASE WHEN ID > 5 THEN 'big' ELSE 'small' END"), value("big"));
    EXPECT_EQ(eval("CASE WHEN FLAG THEN 'x' END"), N);
    EXPECT_EQ(eval("CASE ID WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END"), value("seven"));
    // Branches widen to a common type.
    auto b = bind("CASE WHEN ID = 7 THEN 1 ELSE 2.5 END");
    ASSERT_TRUE(b.ok()) << b.err().message;
    EXPECT_EQ((*b)->type(), sql_type::decimal(11, 1));
    EXPECT_EQ(eval("CASE WHEN ID = 7 THEN 1 ELSE 2.5 END"), value(decimal_value{10, 1}));
    auto d = bind("CASE WHEN FLAG THEN NULL ELSE ID END");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ((*d)->type(), sql_type::integer());
    EXPECT_NE(bind_error("CASE WHEN ID THEN 1 END").find("must be BOOLEAN"), std::string::npos);
    EXPECT_NE(bind_error("CASE WHEN FLAG THEN 1 ELSE 'x' END").find("incompatible types"),
              std::string::npos);
}

TEST_F(binder_test, struct_array_map_access) {
    EXPECT_EQ(eval("S->CITY"), value("Oslo"));
    EXPECT_EQ(eval("c.S->`zip`"), value(int32_t{150}));
    EXPECT_EQ(eval("S->ZIP"), value(int32_t{150}));  // unique case-insensitive match
    EXPECT_EQ(eval("TAGS[1]"), value("a"));
    EXPECT_EQ(eval("TAGS[-1]"), value("c"));
    EXPECT_EQ(eval("TAGS[4]"), N);
    EXPECT_EQ(eval("M['y']"), value(int64_t{2}));
    EXPECT_EQ(eval("M['nope']"), N);
    EXPECT_NE(bind_error("S->CITI").find("unknown field CITI"), std::string::npos);
    EXPECT_NE(bind_error("NAME->X").find("-> needs a STRUCT"), std::string::npos);
    EXPECT_NE(bind_error("TAGS['x']").find("ARRAY index must be INTEGER"), std::string::npos);
}

TEST_F(binder_test, arithmetic_cast_and_functions) {
    EXPECT_EQ(eval("ID + 1"), value(int32_t{8}));
    EXPECT_EQ(eval("-ID"), value(int32_t{-7}));
    EXPECT_EQ(eval("ID * 2 + 1"), value(int32_t{15}));
    EXPECT_EQ(eval("CAST(ID AS STRING)"), value("7"));
    EXPECT_EQ(eval("CAST(NULL AS INT)"), N);
    EXPECT_EQ(eval("SUBSTRING('2019-04-01 12:00:00', 0, 10)"), value("2019-04-01"));
    EXPECT_EQ(eval("substring(NAME, 2)"), value("lice"));
    EXPECT_EQ(eval("UCASE(NAME) || '!'"), value("ALICE!"));
    EXPECT_EQ(eval("COALESCE(U.UNAME, NAME)"), value("alice"));
    EXPECT_EQ(bind_error("SUBSTRNG(NAME, 1)"),
              "line 1:1: unknown function SUBSTRNG, did you mean 'SUBSTRING'?\n"
              "SUBSTRNG(NAME, 1)\n^");
    EXPECT_FALSE(bind("SUBSTRING(ID)").ok());
    EXPECT_NE(bind_error("CAST(S AS INT)").find("cannot cast"), std::string::npos);
    // Integer division by zero fails at evaluation (the record goes to the DLQ).
    auto b = bind("ID / (ID - 7)");
    ASSERT_TRUE(b.ok());
    EXPECT_FALSE((*b)->eval(ctx).ok());
}

TEST_F(binder_test, constant_folding) {
    auto b = bind("1 + 2 * 3");
    ASSERT_TRUE(b.ok());
    eval_context empty;  // no row: a folded constant doesn't read it
    EXPECT_EQ(*(*b)->eval(empty), value(int32_t{7}));
    auto s = bind("UCASE('abc') = 'ABC' AND NOT FALSE");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*(*s)->eval(empty), T);
    // Non-deterministic functions are left alone.
    auto u = bind("UUID()");
    ASSERT_TRUE(u.ok());
    EXPECT_NE(*(*u)->eval(empty), *(*u)->eval(empty));
}

TEST(eval_constant, insert_values_literals) {
    auto e = parse_expression("12");
    ASSERT_TRUE(e.ok());
    auto v = eval_constant(**e, sql_type::bigint());
    ASSERT_TRUE(v.ok()) << v.err().message;
    EXPECT_EQ(*v, value(int64_t{12}));
    auto s = parse_expression("'a' || 'b'");
    EXPECT_EQ(*eval_constant(**s, sql_type::string()), value("ab"));
    auto bad = parse_expression("NAME");
    EXPECT_FALSE(eval_constant(**bad, sql_type::string()).ok());
}

TEST(eval_constant, insert_values_refuses_narrower_numbers_as_ksqldb) {
    auto check = [](const char* sql, const sql_type& t) {
        auto e = parse_expression(sql);
        EXPECT_TRUE(e.ok());
        return eval_constant(**e, t);
    };
    // Wider: accepted.
    EXPECT_EQ(*check("7", sql_type::bigint()), value(int64_t{7}));
    EXPECT_EQ(*check("7", sql_type::double_()), value(7.0));
    EXPECT_TRUE(check("2.5", sql_type::decimal(4, 2)).ok());
    EXPECT_TRUE(check("'2024-01-02T03:04:05'", sql_type::timestamp()).ok());
    EXPECT_TRUE(check("ARRAY[1, 2]", sql_type::array(sql_type::bigint())).ok());
    // Narrower: refused, not wrapped (-1294967296) or truncated (2).
    auto wrapped = check("3000000000", sql_type::integer());
    ASSERT_FALSE(wrapped.ok());
    EXPECT_NE(wrapped.err().message.find("3000000000"), std::string::npos);
    EXPECT_FALSE(check("2.7", sql_type::integer()).ok());
    EXPECT_FALSE(check("2.7", sql_type::bigint()).ok());
    EXPECT_FALSE(check("1.5E0", sql_type::decimal(4, 2)).ok());
    EXPECT_FALSE(check("'12'", sql_type::integer()).ok());
    EXPECT_FALSE(check("12", sql_type::string()).ok());
    EXPECT_FALSE(check("ARRAY[2.5]", sql_type::array(sql_type::integer())).ok());
}

TEST_F(binder_test, constructors) {
    EXPECT_EQ(eval("ARRAY[NAME, 'b', NULL]"), value::array({value("alice"), value("b"), N}));
    // Elements widen to one type (INTEGER and DECIMAL -> DECIMAL).
    auto a = bind("ARRAY[ID, AMOUNT]");
    ASSERT_TRUE(a.ok()) << a.err().message;
    EXPECT_EQ((*a)->type().to_string(), "ARRAY<DECIMAL(12, 2)>");
    EXPECT_EQ(eval("ARRAY[ID, 2][2]"), value(int32_t{2}));
    EXPECT_EQ(eval("MAP('k' := ID, NAME := 5)"),
              value::map({{"k", value(int32_t{7})}, {"alice", value(int32_t{5})}}));
    EXPECT_EQ(eval("MAP('k' := ID)['k']"), value(int32_t{7}));
    EXPECT_EQ(eval("STRUCT(a := NAME, `b` := ID)->`b`"), value(int32_t{7}));
    auto s = bind("STRUCT(a := NAME, `b` := ID)");
    ASSERT_TRUE(s.ok()) << s.err().message;
    EXPECT_EQ((*s)->type().to_string(), "STRUCT<`A` STRING, `b` INTEGER>");
    EXPECT_EQ((*s)->to_sql(), "STRUCT(A := NAME, `b` := ID)");
    // Constant arguments fold at bind time.
    auto k = bind("ARRAY[1, 2]");
    ASSERT_TRUE(k.ok());
    EXPECT_NE((*k)->ref(ctx), nullptr);

    EXPECT_NE(bind_error("ARRAY[NAME, ID]")
                  .find("ARRAY elements have incompatible types STRING "
                        "and INTEGER"),
              std::string::npos);
    EXPECT_NE(bind_error("MAP(ID := 1)").find("MAP keys are STRING; got INTEGER"),
              std::string::npos);
    EXPECT_NE(bind_error("ARRAY[]").find("has no elements"), std::string::npos);
    EXPECT_NE(bind_error("STRUCT(a := 1, A := 2)").find("duplicate field A"), std::string::npos);
}

// row_expr::ref lends column values and constants in place, never copies;
// nodes reading children through it give the same answers as eval().
TEST_F(binder_test, ref_lends_columns_and_constants) {
    auto c = bind("c.NAME");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)->ref(ctx), &row[1]);
    auto f = bind("C.S->CITY");
    ASSERT_TRUE(f.ok());
    const value* city = (*f)->ref(ctx);
    ASSERT_NE(city, nullptr);
    EXPECT_EQ(city, &row[4].as_struct().fields[0]);
    auto lit = bind("'x'");
    ASSERT_TRUE(lit.ok());
    ASSERT_NE((*lit)->ref(ctx), nullptr);
    EXPECT_EQ(*(*lit)->ref(ctx), value("x"));
    auto computed = bind("UCASE(NAME)");
    ASSERT_TRUE(computed.ok());
    EXPECT_EQ((*computed)->ref(ctx), nullptr);  // a temporary: eval() only
    EXPECT_EQ(eval("NAME = 'alice' AND C.S->CITY LIKE 'O%' AND ID BETWEEN 1 AND U.UID"), T);
    EXPECT_EQ(eval("NAME IN ('bob', `user_id`, 'alice')"), T);
    EXPECT_EQ(eval("FLAG AND ID > C.X"), N);
    EXPECT_EQ(eval("FLAG IS NULL AND NOT (ID > C.X)"), F);
}

// TRANSFORM, FILTER and REDUCE (lambda_functions.h), as ksqlDB's
// transform-array.json, filter.json, reduce-map.json, complex-lambda.json.
TEST_F(binder_test, lambda_functions) {
    auto strings = [](std::vector<const char*> items) {
        value_list l;
        for (const char* s : items) {
            l.push_back(value(s));
        }
        return value::array(std::move(l));
    };
    EXPECT_EQ(eval("TRANSFORM(TAGS, x => CONCAT(x, '!'))"), strings({"a!", "b!", "c!"}));
    EXPECT_EQ(eval("FILTER(TAGS, x => x <> 'b')"), strings({"a", "c"}));
    EXPECT_EQ(eval("REDUCE(TAGS, '', (s, x) => CONCAT(s, x))"), value("abc"));
    EXPECT_EQ(eval("TRANSFORM(M, (k, v) => UCASE(k), (k, v) => v * 10)"),
              value::map({{"X", value(int64_t{10})}, {"Y", value(int64_t{20})}}));
    EXPECT_EQ(eval("FILTER(M, (k, v) => v > 1)"), value::map({{"y", value(int64_t{2})}}));
    EXPECT_EQ(eval("REDUCE(M, CAST(0 AS BIGINT), (s, k, v) => s + v + LEN(k))"), value(int64_t{5}));
    // A parameter shadows a column of its name (X is also C.X and U.X);
    // a qualified name is still the column.
    EXPECT_EQ(eval("TRANSFORM(TAGS, x => x)"), strings({"a", "b", "c"}));
    EXPECT_EQ(eval("REDUCE(TAGS, 0, (s, id) => s + C.X)"), value(int32_t{3}));
    // Nested lambdas see the enclosing parameters and columns.
    EXPECT_EQ(eval("REDUCE(TAGS, 0, (s, x) => s + REDUCE(TAGS, 0, (t, y) => t + ID))"),
              value(int32_t{63}));
    EXPECT_EQ(eval("TRANSFORM(TAGS, x => REDUCE(FILTER(TAGS, y => y >= x), '', (s, y) => "
                   "CONCAT(s, x, y)))"),
              strings({"aaabac", "bbbc", "cc"}));
    auto t = bind("TRANSFORM(TAGS, x => LEN(x))");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ((*t)->type(), sql_type::array(sql_type::integer()));
    EXPECT_EQ((*t)->to_sql(), "TRANSFORM(TAGS, (X) => LEN(X))");
}

// SqlBaseType.canImplicitlyCast: a STRING where a function takes a
// TIMESTAMP, DATE or TIME is cast to it.
TEST_F(binder_test, strings_cast_implicitly_to_time_types) {
    EXPECT_EQ(eval("FORMAT_DATE('2021-02-03', 'dd/MM')"), value("03/02"));
    EXPECT_EQ(eval("DATEADD(DAYS, 1, '1970-01-01')"), value(date_days{1}));
    EXPECT_EQ(eval("TIMESUB(MINUTES, 1, '00:01')"), value(time_ms{0}));
    EXPECT_EQ(eval("UNIX_TIMESTAMP('1970-01-01T00:00:01')"), value(int64_t{1000}));
    EXPECT_EQ(eval("FORMAT_TIMESTAMP(CONCAT('1970-01-0', '2'), 'D')"), value("2"));
    auto bad = bind("FORMAT_DATE('not a date', 'yyyy')");
    ASSERT_TRUE(bad.ok());  // a constant that fails to cast fails per record
    EXPECT_FALSE((*bad)->eval(ctx).ok());
    EXPECT_NE(bind_error("FORMAT_DATE(ID, 'yyyy')").find("FORMAT_DATE does not accept (INTEGER"),
              std::string::npos);
}

TEST_F(binder_test, lambda_functions_nulls_and_errors) {
    EXPECT_EQ(eval("TRANSFORM(CAST(NULL AS ARRAY<INT>), x => x + 1)"), N);
    EXPECT_EQ(eval("FILTER(CAST(NULL AS MAP<STRING, INT>), (k, v) => true)"), N);
    EXPECT_EQ(eval("REDUCE(CAST(NULL AS ARRAY<INT>), 5, (s, x) => s + x)"), value(int32_t{5}));
    EXPECT_EQ(eval("REDUCE(TAGS, CAST(NULL AS STRING), (s, x) => CONCAT(s, x))"), N);
    // Java fails where these give NULL: the record goes to the dead-letter topic.
    auto null_predicate = bind("FILTER(TAGS, x => FLAG)");
    ASSERT_TRUE(null_predicate.ok());
    EXPECT_FALSE((*null_predicate)->eval(ctx).ok());
    auto duplicate = bind("TRANSFORM(M, (k, v) => 'same', (k, v) => v)");
    ASSERT_TRUE(duplicate.ok());
    auto d = (*duplicate)->eval(ctx);
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.err().message.find("duplicate key 'same'"), std::string::npos);
    auto null_value = bind("TRANSFORM(M, (k, v) => k, (k, v) => CAST(NULL AS INT))");
    ASSERT_TRUE(null_value.ok());
    EXPECT_FALSE((*null_value)->eval(ctx).ok());

    EXPECT_NE(bind_error("TRANSFORM(TAGS, (x, y) => x)").find("1 lambda of 1 parameter"),
              std::string::npos);
    EXPECT_NE(bind_error("TRANSFORM(M, (k, v) => k)").find("2 lambdas of 2 parameters"),
              std::string::npos);
    EXPECT_NE(bind_error("FILTER(TAGS, x => LEN(x))").find("gives INTEGER, not BOOLEAN"),
              std::string::npos);
    EXPECT_NE(bind_error("REDUCE(M, 0, (s, k, v) => s + v)").find("must be of one type"),
              std::string::npos);
    EXPECT_NE(bind_error("TRANSFORM(ID, x => x)").find("does not accept TRANSFORM(INTEGER"),
              std::string::npos);
    EXPECT_NE(bind_error("UCASE(NAME, x => x)").find("UCASE takes no lambda"), std::string::npos);
    EXPECT_NE(bind_error("TRANSFORM(x => x, TAGS)").find("come after its other arguments"),
              std::string::npos);
    EXPECT_NE(bind_error("TRANSFORM(M, (k, v) => LEN(k), (k, v) => v)").find("not supported yet"),
              std::string::npos);
    EXPECT_NE(bind_error("TRANSFORM(TAGS, x => y)").find("unknown column Y"), std::string::npos);
    EXPECT_FALSE(parse_expression("TRANSFORM(TAGS, (x, x) => x)").ok());
}

}  // namespace
}  // namespace cs::streams
