#pragma once
// Rules made through the API, applied as any configuration change is: the new rule file and
// Alertmanager fragment are written atomically and the ruler reloads; a change the reload does
// not take is undone (the previous files are put back and reloaded) and reported, so the rules
// in force and the store never part. Nothing is lost across a restart: the store is the truth
// and the files are written from it at start.

#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ruler/managed/api_rule.hpp"
#include "ruler/managed/rule_store.hpp"

namespace stackwatch::managed {

// A change the reload refused; what() says why.
class RejectedChange : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

struct ManagedPaths {
    std::string rule_file;      // a Prometheus rule file
    std::string channels_file;  // an Alertmanager fragment: receivers and routes
};

class ManagedRules {
  public:
    using Reload = std::function<std::vector<std::string>()>;
    ManagedRules(const std::string& state_path, ManagedPaths paths);

    // Writes the files from the store (at start, before the first load).
    void write_files();
    void set_reload(Reload reload) { reload_ = std::move(reload); }

    std::vector<ApiRule> list() const;
    std::optional<ApiRule> get(const std::string& id) const;
    // Throw InvalidRule (400) or RejectedChange (400 with the reload's errors).
    ApiRule create(ApiRule rule);
    std::optional<ApiRule> update(const std::string& id, ApiRule rule);
    bool remove(const std::string& id);

    const ManagedPaths& paths() const { return paths_; }

  private:
    // Writes `next`, reloads, and keeps it only when the reload takes it.
    void apply(const std::vector<ApiRule>& next);

    RuleStore store_;
    ManagedPaths paths_;
    Reload reload_;
    mutable std::mutex mutex_;
    std::vector<ApiRule> rules_;
};

}  // namespace stackwatch::managed
