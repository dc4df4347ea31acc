#pragma once
// How far back the rules can look, so the embedded store keeps just that window.

#include <chrono>
#include <string>
#include <vector>

#include "ruler/promql/ast.hpp"

namespace stackwatch::ruler {

// The largest range plus offset an expression reads, subqueries included (not the lookback).
std::chrono::milliseconds max_lookback(const promql::Expr& expr);

// For all rule expressions, plus the engine's lookback delta, plus the for-state outage tolerance
// margin the caller adds. Unparseable expressions are skipped: loading reports them.
std::chrono::milliseconds required_window(const std::vector<std::string>& expressions,
                                          std::chrono::milliseconds lookback_delta);

}  // namespace stackwatch::ruler
