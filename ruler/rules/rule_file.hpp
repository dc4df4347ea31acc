#pragma once
// Prometheus rule files (groups of recording and alerting rules), read and validated as
// Prometheus 2.42's rulefmt does, with the same error texts (file, line:column, group, rule).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stackwatch::rules {

using Duration = std::chrono::milliseconds;

struct RuleSpec {
    std::string record;  // exactly one of record and alert is set in a valid file
    std::string alert;
    std::string expr;
    Duration for_duration{0};
    Duration keep_firing_for{0};
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> annotations;
    int line = 0;  // of the rule's first key, for messages

    const std::string& name() const { return alert.empty() ? record : alert; }
    bool is_alert() const { return !alert.empty(); }
};

struct RuleGroupSpec {
    std::string name;
    Duration interval{0};  // 0: the evaluation interval of whoever loads the file
    int limit = 0;         // 0: no limit on series (recording) or alerts (alerting) per rule
    std::map<std::string, std::string> labels;  // added to every rule's output
    std::optional<Duration> query_offset;
    std::vector<RuleSpec> rules;
};

struct RuleFile {
    std::string path;
    std::vector<RuleGroupSpec> groups;
    std::size_t rule_count() const;
};

// The file's groups, or the errors that make it invalid. Each error reads as Prometheus prints it,
// prefixed with the file name: `rules.yml: 7:15: group "g", rule 1, "x": could not parse ...`.
struct RuleFileResult {
    RuleFile file;
    std::vector<std::string> errors;
    bool ok() const { return errors.empty(); }
};

RuleFileResult load_rule_file(const std::string& path);
RuleFileResult parse_rule_file(const std::string& content, const std::string& path);

bool is_valid_metric_name(const std::string& name);
bool is_valid_utf8(const std::string& text);

}  // namespace stackwatch::rules
