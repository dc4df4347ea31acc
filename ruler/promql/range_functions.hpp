#pragma once
// The functions over range vectors: rate() and friends, and the *_over_time family.

#include <vector>

#include "ruler/promql/functions.hpp"

namespace stackwatch::promql {

std::vector<FunctionInfo> range_functions();

}  // namespace stackwatch::promql
