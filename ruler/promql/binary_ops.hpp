#pragma once
// Arithmetic, comparison and set operators between scalars and instant vectors.

#include "ruler/promql/ast.hpp"

namespace stackwatch::promql {

// Throws EvalError when vector matching is ambiguous (many-to-many, duplicate output series).
Value eval_binary(const BinaryExpr& expr, const Value& lhs, const Value& rhs, Timestamp t);

}  // namespace stackwatch::promql
