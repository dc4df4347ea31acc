#pragma once
// Runs the rule groups: each on its own thread at its aligned interval, all concurrently. A
// reload builds the new groups first and swaps them in only when every file loaded, so a bad
// file keeps the last good rules running.

#include <prometheus/registry.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ruler/datasource/datasource.hpp"
#include "ruler/rules/group.hpp"
#include "ruler/rules/rule_group_metrics.hpp"
#include "ruler/state/alert_state_store.hpp"

namespace stackwatch::ruler {

class RuleManager {
public:
    // `local` is the embedded store the rules write ALERTS_FOR_STATE into; `state`, when set,
    // keeps those series across restarts.
    RuleManager(std::shared_ptr<datasource::Datasource> data, std::shared_ptr<rules::SampleAppender> out,
                const promql::Queryable& local, std::shared_ptr<AlertStateStore> state,
                std::shared_ptr<prometheus::Registry> registry);
    ~RuleManager();

    // Returns the load errors; when there are any, the running groups are left as they were.
    // With options.restore_pending, each group restores its alerts' `for` state from the local
    // store after its first evaluation (at start-up, after AlertStateStore::load_into).
    std::vector<std::string> load(const std::vector<std::string>& files, const rules::GroupOptions& options);
    void stop();

    nlohmann::json rules_json() const;   // data of /api/v1/rules
    nlohmann::json alerts_json() const;  // data of /api/v1/alerts
    std::size_t group_count() const;
    // How far back the running rules read (ranges, offsets, subqueries), worked out at load.
    std::chrono::milliseconds max_lookback() const;

private:
    struct Running {
        std::unique_ptr<rules::Group> group;
        std::thread thread;
    };
    void run(rules::Group& group, bool restore);
    void join_all(std::vector<Running>& running);

    std::shared_ptr<datasource::Datasource> data_;
    std::shared_ptr<rules::SampleAppender> out_;
    const promql::Queryable& local_;
    std::shared_ptr<AlertStateStore> state_;
    std::shared_ptr<prometheus::Registry> registry_;
    rules::RuleGroupMetrics metrics_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::uint64_t generation_ = 0;  // bumped on reload so old group threads exit
    std::vector<Running> running_;
    std::chrono::milliseconds max_lookback_{0};  // of running_
};

}  // namespace stackwatch::ruler
