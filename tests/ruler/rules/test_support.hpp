#pragma once
// Helpers shared by the rule tests: a datasource answering from hand-made vectors, and
// temporary rule files.

#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <string>

#include "ruler/datasource/datasource.hpp"
#include "ruler/rules/alerting_rule.hpp"
#include "ruler/rules/rule.hpp"

namespace stackwatch::promql {
inline std::ostream& boost_test_print_type(std::ostream& os, const Labels& labels) {
    return os << labels.to_string();
}
}  // namespace stackwatch::promql

namespace stackwatch::rules {
inline std::ostream& boost_test_print_type(std::ostream& os, AlertState state) {
    return os << alert_state_name(state);
}
inline std::ostream& boost_test_print_type(std::ostream& os, RuleHealth health) {
    return os << health_name(health);
}
}  // namespace stackwatch::rules

namespace stackwatch::rules::test {

// Answers each expression with the vector set for it (empty when unset), stamped with the query
// time: lets alert tests drive the state machine without an engine.
class ScriptedDatasource : public datasource::Datasource {
  public:
    std::map<std::string, promql::Vector> results;

    promql::Value query(const std::string& expr, promql::Timestamp t) override {
        promql::Vector v = results[expr];
        for (auto& s : v) s.t = t;
        return v;
    }
    std::string describe() const override { return "scripted"; }
};

// A directory under /tmp removed at scope exit.
class TempDir {
  public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "rules-test-XXXXXX").string();
        path_ = mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string write(const std::string& name, const std::string& content) const {
        auto file = path_ / name;
        std::ofstream(file) << content;
        return file.string();
    }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

constexpr promql::Timestamp kMinute = 60'000;

}  // namespace stackwatch::rules::test
