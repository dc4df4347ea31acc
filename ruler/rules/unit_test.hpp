#pragma once
// `test rules FILE...`: promtool's rule unit tests (Prometheus 2.42 format). Input series are
// loaded step by step while the rule groups evaluate from t=0 every evaluation_interval;
// alert_rule_test cases check the firing alerts at their eval_time, promql_expr_test cases
// query the resulting data afterwards.

#include <ostream>
#include <string>
#include <vector>

namespace stackwatch::rules {

// Prints promtool's report for each file ("Unit Testing:  FILE", "  SUCCESS" or "  FAILED:"
// with expected-vs-got diffs), then a last line "N passed, N failed" counting test groups (the
// entries of `tests:`); a file that cannot be read or decoded counts as one failed group.
// Returns 0 when everything passed, 1 otherwise.
int test_rules(const std::vector<std::string>& files, std::ostream& out);

}  // namespace stackwatch::rules
