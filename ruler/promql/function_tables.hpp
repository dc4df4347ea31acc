#pragma once
// The parts of the function table, one per implementation file; find_function() joins them.

#include <vector>

#include "ruler/promql/functions.hpp"

namespace stackwatch::promql {

std::vector<FunctionInfo> math_functions();   // abs, ln, sin, clamp, round, ...
std::vector<FunctionInfo> date_functions();   // year, month, day_of_week, ...
std::vector<FunctionInfo> label_functions();  // label_replace, label_join
std::vector<FunctionInfo> range_functions();  // rate, deriv, *_over_time, ...

}  // namespace stackwatch::promql
