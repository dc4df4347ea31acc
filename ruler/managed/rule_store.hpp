#pragma once
// The rules made through the API, in the ruler's sqlite file: the truth the rule file and the
// Alertmanager fragment are written from.

#include <mutex>
#include <string>
#include <vector>

#include "ruler/managed/api_rule.hpp"
#include "ruler/state/sqlite.hpp"

namespace stackwatch::managed {

class RuleStore {
  public:
    explicit RuleStore(const std::string& path);
    std::vector<ApiRule> load() const;  // in creation order
    void save(const ApiRule& rule);
    void remove(const std::string& id);

  private:
    ruler::sqlite::Database db_;
    mutable std::mutex mutex_;
};

}  // namespace stackwatch::managed
