#pragma once
// The function table: signatures for the parser's type checks and implementations for the engine.

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "ruler/promql/ast.hpp"

namespace stackwatch::promql {

// What a function implementation gets: its evaluated arguments plus the context some need.
struct FunctionCall {
    const Call& call;         // absent() reads its argument's matchers
    std::vector<Value> args;  // one per argument, already evaluated at `t`
    Timestamp t;              // evaluation time
    // For functions over a range vector: the window [range_start, range_end] the range argument
    // covers after offset and @ are applied (rate() extrapolates to these edges).
    Timestamp range_start = 0;
    Timestamp range_end = 0;
};

using FunctionImpl = std::function<Value(const FunctionCall&)>;

struct FunctionInfo {
    std::string_view name;
    std::vector<ValueType> arg_types;
    // 0: exactly arg_types; n > 0: the last argument is optional and may repeat up to n times;
    // -1: the last argument may repeat without bound.
    int variadic;
    ValueType return_type;
    FunctionImpl impl;
};

const FunctionInfo* find_function(std::string_view name);  // nullptr when unknown

// Shared by functions.cpp and range_functions.cpp: applies fn to every series of a range vector,
// dropping the metric name, and leaving out series for which fn yields nothing.
template <typename Fn>
Vector map_series(const Matrix& input, Timestamp t, Fn fn, bool keep_name = false) {
    Vector out;
    for (const auto& series : input) {
        if (series.samples.empty()) continue;
        std::optional<double> v = fn(series);
        if (!v) continue;
        out.push_back(
            VectorSample{keep_name ? series.labels : series.labels.without_metric_name(), t, *v});
    }
    return out;
}

// Linear interpolation between the closest ranks, as Prometheus's quantile(); sorts `values`.
double quantile(double q, std::vector<double> values);

// Neumaier-compensated summation step: the compensation keeps long sums of mixed magnitudes exact.
inline void kahan_add(double inc, double& sum, double& c) {
    double t = sum + inc;
    if ((sum < 0 ? -sum : sum) >= (inc < 0 ? -inc : inc)) {
        c += (sum - t) + inc;
    } else {
        c += (inc - t) + sum;
    }
    sum = t;
}

}  // namespace stackwatch::promql
