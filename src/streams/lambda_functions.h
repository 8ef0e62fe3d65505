#pragma once

// Lambda functions (ksqlDB's invocation functions): TRANSFORM, FILTER and
// REDUCE over arrays and maps, with `x => ...`, `(k, v) => ...` arguments.
// Internal to the streams module: the binder binds a call through
// bind_lambda_function.
//
// A lambda's parameters live in eval_context::lambda_vars: slot
// first_slot + i holds parameter i while the body runs; the slots before
// first_slot are the enclosing lambdas' parameters, which a nested body
// may read (the binder numbers them, innermost last).
//
// Types, as ksqlDB resolves the UDFs' generics:
//   TRANSFORM(ARRAY<T>, T => R) -> ARRAY<R>
//   TRANSFORM(MAP<K, V>, (K, V) => K2, (K, V) => V2) -> MAP<K2, V2>
//   FILTER(ARRAY<T>, T => BOOLEAN) -> ARRAY<T>
//   FILTER(MAP<K, V>, (K, V) => BOOLEAN) -> MAP<K, V>
//   REDUCE(ARRAY<T>, S, (S, T) => S) -> S
//   REDUCE(MAP<K, V>, S, (S, K, V) => S) -> S   (the body's type must be S)
//
// NULLs: a NULL collection gives NULL (REDUCE: the initial state); a NULL
// initial state gives NULL. What ksqlDB's Java fails on fails the record
// here (the dead-letter topic): a FILTER lambda giving NULL (unboxing), a
// NULL value in a map TRANSFORM or FILTER builds (Collectors.toMap), a key
// two entries of a TRANSFORMed map share. A map TRANSFORM or FILTER builds
// keeps the input's entry order (ksqlDB's is a HashMap's, as all its maps).

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "streams/query_plan.h"
#include "streams/types.h"

namespace cs::streams {

// Binds the body of lambda argument `index` (0 = the call's first lambda)
// with its parameters typed `params`; the body's parameters take the slots
// from first_slot on.
using lambda_body_binder =
    std::function<result<expr_ptr>(size_t index, const std::vector<sql_type>& params)>;

bool is_lambda_function(std::string_view name);

// name(args..., lambdas...): `args` are the bound arguments before the
// lambdas, `arities` the parameter counts of the lambdas. errc::invalid_argument
// naming what does not fit.
result<expr_ptr> bind_lambda_function(std::string_view name, std::vector<expr_ptr> args,
                                      std::span<const size_t> arities, size_t first_slot,
                                      const lambda_body_binder& bind_body, std::string sql);

// A lambda parameter in a body: the value in its slot.
expr_ptr make_lambda_variable(size_t slot, sql_type type, std::string sql);

}  // namespace cs::streams
