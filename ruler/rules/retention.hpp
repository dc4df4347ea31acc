#pragma once
// How far back the rules can look, so the embedded store keeps just that window.

#include <chrono>
#include <string>
#include <vector>

#include "ruler/promql/ast.hpp"

namespace stackwatch::ruler {

// The largest range plus offset an expression reads, subqueries included (not the lookback).
std::chrono::milliseconds max_lookback(const promql::Expr& expr);

// The largest over all the expressions. Unparseable ones are skipped: loading reports them.
std::chrono::milliseconds max_lookback(const std::vector<std::string>& expressions);

}  // namespace stackwatch::ruler
