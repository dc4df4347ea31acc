#pragma once
// `check rules FILE...`: promtool's verdicts, messages and exit codes for rule files.

#include <ostream>
#include <string>
#include <vector>

#include "ruler/rules/rule_file.hpp"

namespace stackwatch::rules {

// Prints "Checking FILE" and "  SUCCESS: N rules found" to `out`, "  FAILED:" and the errors to
// `err`. Duplicate rules (same name and labels) are a lint warning: reported as FAILED but, as in
// promtool, exit code 0 unless a file has real errors. Returns 0 or 1.
int check_rules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

// The lint message for rules sharing name and labels, or "" when there are none.
std::string duplicate_rules_message(const RuleFile& file);

}  // namespace stackwatch::rules
