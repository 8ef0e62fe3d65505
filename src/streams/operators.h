#pragma once

// Arithmetic and comparison of SQL values with ksqlDB's type rules:
// INTEGER < BIGINT < DECIMAL < DOUBLE for promotion; DECIMAL results get
// ksqlDB's precision/scale (DecimalUtil); STRING + STRING concatenates;
// INTEGER/BIGINT overflow wraps as in Java; integer division or modulo by zero
// is an error (the runtime sends the record to the dead-letter topic).

#include <optional>

#include "base/result.h"
#include "streams/types.h"
#include "streams/value.h"

namespace cs::streams {

enum class arith_op { add, sub, mul, div, mod };

// The SQL spelling of op: "+", "-", "*", "/", "%".
const char* arith_op_symbol(arith_op op);

// The type two branches (CASE results, IN items, COALESCE arguments) widen
// to: the same type, else the wider numeric one (DECIMALs keep every integer
// digit and the larger scale); nullopt when they don't mix.
std::optional<sql_type> common_type(const sql_type& a, const sql_type& b);

// The type of `a op b`, or errc::invalid_argument when the operands don't support op.
result<sql_type> arithmetic_type(arith_op op, const sql_type& a, const sql_type& b);

// NULL in -> NULL out; integer division by zero is an error (DLQ), as in ksqlDB.
// result_type is what arithmetic_type returned for (op, ta, tb).
result<value> arithmetic(arith_op op, const value& a, const sql_type& ta, const value& b,
                         const sql_type& tb, const sql_type& result_type);

// A non-NULL number of numeric type t as a DOUBLE (Java's widening).
double to_double(const value& v, const sql_type& t);

// Three-way compare of two non-NULL values of comparable types (numeric with numeric,
// string with string, ...); errc::invalid_argument if not comparable.
result<int> compare_values(const value& a, const sql_type& ta, const value& b, const sql_type& tb);

// Whether compare_values accepts the two types (numeric with numeric, STRING with
// STRING, BOOLEAN with BOOLEAN, BYTES with BYTES, TIME with TIME or STRING,
// DATE and TIMESTAMP with DATE, TIMESTAMP or STRING; as ksqlDB's ComparisonUtil).
bool comparable(const sql_type& a, const sql_type& b);

}  // namespace cs::streams
