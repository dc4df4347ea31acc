#pragma once
// Typed access to a FunctionCall's evaluated arguments; the parser has checked the types.

#include "ruler/promql/functions.hpp"

namespace stackwatch::promql {

inline const Vector& vector_arg(const FunctionCall& c, std::size_t i) {
    return std::get<Vector>(c.args[i]);
}
inline const Matrix& matrix_arg(const FunctionCall& c, std::size_t i) {
    return std::get<Matrix>(c.args[i]);
}
inline double scalar_arg(const FunctionCall& c, std::size_t i) {
    return std::get<Scalar>(c.args[i]).v;
}
inline const std::string& string_arg(const FunctionCall& c, std::size_t i) {
    return std::get<String>(c.args[i]).v;
}

// absent() and absent_over_time() report the labels their selector pinned with `=`.
Labels labels_for_absent(const Expr& arg);

}  // namespace stackwatch::promql
