#include "ruler/rules/check_rules.hpp"

#include <algorithm>

namespace stackwatch::rules {

std::string duplicate_rules_message(const RuleFile& file) {
    using Key = std::pair<std::string, std::map<std::string, std::string>>;
    std::vector<Key> keys;
    for (const auto& group : file.groups)
        for (const auto& rule : group.rules) keys.emplace_back(rule.name(), rule.labels);
    std::sort(keys.begin(), keys.end());
    std::vector<Key> duplicates;
    for (std::size_t i = 1; i < keys.size(); ++i)
        if (keys[i] == keys[i - 1] && (duplicates.empty() || duplicates.back() != keys[i]))
            duplicates.push_back(keys[i]);
    if (duplicates.empty()) return {};
    std::string message = std::to_string(duplicates.size()) + " duplicate rule(s) found.\n";
    for (const auto& [metric, labels] : duplicates) {
        message += "Metric: " + metric + "\nLabel(s):\n";
        for (const auto& [name, value] : labels) message += "\t" + name + ": " + value + "\n";
    }
    return message + "Might cause inconsistency while recording expressions";
}

int check_rules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
    bool has_errors = false;
    for (const auto& path : files) {
        out << "Checking " << path << "\n";
        RuleFileResult result = load_rule_file(path);
        if (!result.ok()) {
            err << "  FAILED:\n";
            for (const auto& e : result.errors) err << e << "\n";
            has_errors = true;
        } else if (auto lint = duplicate_rules_message(result.file); !lint.empty()) {
            err << "  FAILED:\n"
                << "lint error " << lint << "\n";
        } else {
            out << "  SUCCESS: " << result.file.rule_count() << " rules found\n";
        }
        out << "\n";
    }
    return has_errors ? 1 : 0;
}

}  // namespace stackwatch::rules
