#pragma once
// sum, avg, count, topk, quantile, count_values, ... over groups of an instant vector.

#include "ruler/promql/ast.hpp"

namespace stackwatch::promql {

// `param` is the evaluated first argument of topk/bottomk/quantile/count_values, else unused.
Vector eval_aggregate(const AggregateExpr& expr, const Vector& input, const Value* param,
                      Timestamp t);

}  // namespace stackwatch::promql
