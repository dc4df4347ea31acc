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

// Applies fn to every element's value; the result is no longer the named metric.
template <typename Fn>
Vector map_values(const Vector& in, Fn fn) {
    Vector out;
    out.reserve(in.size());
    for (const auto& s : in)
        out.push_back(VectorSample{s.labels.without_metric_name(), s.t, fn(s.v)});
    return out;
}

// absent() and absent_over_time() report the labels their selector pinned with `=`.
Labels labels_for_absent(const Expr& arg);

}  // namespace stackwatch::promql
