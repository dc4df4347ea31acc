#pragma once
// What rules made through the API become on disk, so they can be reviewed and committed to git
// like any other: a Prometheus rule file (valid for `promtool check rules`) with one alerting
// rule per enabled rule, and an Alertmanager fragment with a receiver per rule that has enabled
// channels and a route (matching its stackwatch_rule_id, continue: true) that sends its alerts
// there before the rest of the tree sees them.

#include <string>
#include <vector>

#include "ruler/managed/api_rule.hpp"

namespace stackwatch::managed {

inline constexpr const char* kRuleIdLabel = "stackwatch_rule_id";
inline constexpr const char* kGroupName = "stackwatch-api";

// "High Error Rate" -> "HighErrorRate": the alertname the rule's alerts carry.
std::string alert_name(const std::string& name);
// Throws InvalidRule when a rule's condition cannot be read.
std::string render_rule_file(const std::vector<ApiRule>& rules);
std::string render_channels(const std::vector<ApiRule>& rules);

// The Alertmanager file's text with the fragment's receivers appended and its routes put first
// under the root route.
std::string merge_channels(const std::string& alertmanager_text, const std::string& fragment_text);

}  // namespace stackwatch::managed
