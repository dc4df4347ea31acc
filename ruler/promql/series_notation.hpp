#pragma once
// Prometheus's series notation for test data, shared by the PromQL test-script runner and the
// rule unit-test runner:
//
//   http_requests{job="api", instance="0"}  0+10x5 _ stale 3x2 _x3 1-1x2
//
// `a+bxn` expands to n+1 values a, a+b, ..., a+n*b (`a-bxn` counts down), `axn` repeats a n+1
// times, `_` is a missing sample, `_xn` n missing samples, `stale` a staleness marker.

#include <string_view>
#include <vector>

#include "ruler/promql/value.hpp"

namespace stackwatch::promql {

struct SequenceValue {
    double value = 0;
    bool omitted = false;  // `_`: no sample at this step
};

struct SeriesDescription {
    Labels labels;
    std::vector<SequenceValue> values;
};

// Parses one line: a series (`metric{l="v"}`, `{__name__="m"}` or `{}`) followed by values.
// Throws ParseError (line 1, column within `line`) when the line is malformed.
SeriesDescription parse_series_description(std::string_view line);

// Parses only the values part ("0+10x5 _ stale").
std::vector<SequenceValue> parse_sequence_values(std::string_view values);

// The samples of a description when value i is taken at start + i * step_ms.
std::vector<Sample> expand_samples(const std::vector<SequenceValue>& values, Timestamp start,
                                   std::int64_t step_ms);

}  // namespace stackwatch::promql
