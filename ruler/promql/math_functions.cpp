#include <cmath>
#include <numbers>

#include "ruler/promql/function_args.hpp"
#include "ruler/promql/function_tables.hpp"
#include "ruler/promql/go_math.hpp"

namespace stackwatch::promql {

namespace {

constexpr auto V = ValueType::vector;
constexpr auto S = ValueType::scalar;

// Go's math.Max/math.Min: NaN wins, unlike std::fmax.
double go_max(double a, double b) {
    return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
}
double go_min(double a, double b) {
    return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
}

// A function applying `op` to every element; the result is no longer the named metric.
FunctionImpl elementwise(double (*op)(double)) {
    return [op](const FunctionCall& c) -> Value { return map_values(vector_arg(c, 0), op); };
}

Value round(const FunctionCall& c) {
    double to_nearest = c.args.size() > 1 ? scalar_arg(c, 1) : 1;
    double inverse = 1.0 / to_nearest;
    return map_values(vector_arg(c, 0),
                      [inverse](double v) { return std::floor(v * inverse + 0.5) / inverse; });
}

Value clamp(const FunctionCall& c) {
    double lo = scalar_arg(c, 1), hi = scalar_arg(c, 2);
    if (hi < lo) return Vector{};
    return map_values(vector_arg(c, 0), [=](double v) { return go_max(lo, go_min(hi, v)); });
}

Value clamp_max(const FunctionCall& c) {
    double hi = scalar_arg(c, 1);
    return map_values(vector_arg(c, 0), [=](double v) { return go_min(hi, v); });
}

Value clamp_min(const FunctionCall& c) {
    double lo = scalar_arg(c, 1);
    return map_values(vector_arg(c, 0), [=](double v) { return go_max(lo, v); });
}

}  // namespace

std::vector<FunctionInfo> math_functions() {
    using std::numbers::pi;
    return {
        {"abs", {V}, 0, V, elementwise([](double v) { return std::fabs(v); })},
        {"ceil", {V}, 0, V, elementwise([](double v) { return std::ceil(v); })},
        {"floor", {V}, 0, V, elementwise([](double v) { return std::floor(v); })},
        {"exp", {V}, 0, V, elementwise([](double v) { return go_math::exp(v); })},
        {"sqrt", {V}, 0, V, elementwise([](double v) { return std::sqrt(v); })},
        {"ln", {V}, 0, V, elementwise([](double v) { return go_math::log(v); })},
        {"log2", {V}, 0, V, elementwise([](double v) { return go_math::log2(v); })},
        {"log10", {V}, 0, V, elementwise([](double v) { return go_math::log10(v); })},
        {"sgn", {V}, 0, V, elementwise([](double v) { return v < 0   ? -1.0
                                                             : v > 0 ? 1.0
                                                                     : v; })},
        {"sin", {V}, 0, V, elementwise([](double v) { return go_math::sin(v); })},
        {"cos", {V}, 0, V, elementwise([](double v) { return go_math::cos(v); })},
        {"tan", {V}, 0, V, elementwise([](double v) { return go_math::tan(v); })},
        {"asin", {V}, 0, V, elementwise([](double v) { return go_math::asin(v); })},
        {"acos", {V}, 0, V, elementwise([](double v) { return go_math::acos(v); })},
        {"atan", {V}, 0, V, elementwise([](double v) { return go_math::atan(v); })},
        {"sinh", {V}, 0, V, elementwise([](double v) { return go_math::sinh(v); })},
        {"cosh", {V}, 0, V, elementwise([](double v) { return go_math::cosh(v); })},
        {"tanh", {V}, 0, V, elementwise([](double v) { return go_math::tanh(v); })},
        {"asinh", {V}, 0, V, elementwise([](double v) { return go_math::asinh(v); })},
        {"acosh", {V}, 0, V, elementwise([](double v) { return go_math::acosh(v); })},
        {"atanh", {V}, 0, V, elementwise([](double v) { return go_math::atanh(v); })},
        {"deg", {V}, 0, V, elementwise([](double v) { return v * 180 / pi; })},
        {"rad", {V}, 0, V, elementwise([](double v) { return v * pi / 180; })},
        {"round", {V, S}, 1, V, round},
        {"clamp", {V, S, S}, 0, V, clamp},
        {"clamp_max", {V, S}, 0, V, clamp_max},
        {"clamp_min", {V, S}, 0, V, clamp_min},
    };
}

}  // namespace stackwatch::promql
