#pragma once
// A rule group: its rules evaluated in order at aligned intervals, each seeing the results the
// earlier ones appended at the same timestamp. The scheduler (the ruler's main loop) drives it:
//
//   auto t = group.next_evaluation(now);   // sleep until t, then
//   group.evaluate(t, datasource, appender);
//
// while the API reads to_json() / active_alerts_json() from other threads.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "ruler/promql/queryable.hpp"
#include "ruler/rules/alerting_rule.hpp"
#include "ruler/rules/rule.hpp"
#include "ruler/rules/rule_file.hpp"
#include "ruler/rules/sample_appender.hpp"

namespace stackwatch::rules {

using NotifyFunc = std::function<void(const std::string& expr, const std::vector<Alert>& alerts)>;

struct GroupOptions {
    std::chrono::milliseconds default_interval{60'000};  // for groups without `interval`
    promql::Labels external_labels;
    std::string external_url;
    // When true, alerting rules write no ALERTS/ALERTS_FOR_STATE until restore_for_state() ran,
    // as Prometheus does after a restart. Unit tests and a fresh ruler with nothing to restore
    // leave it false.
    bool restore_pending = false;
    std::chrono::milliseconds resend_delay{60'000};
    NotifyFunc notify;         // may be empty
    NotifyFunc on_pending;     // the alerts that became pending now; may be empty
    bool log_failures = true;  // promtool's test runner evaluates silently
};

class Group {
  public:
    Group(std::string file, const RuleGroupSpec& spec, const GroupOptions& options);

    const std::string& name() const { return name_; }
    const std::string& file() const { return file_; }
    std::chrono::milliseconds interval() const { return interval_; }
    int limit() const { return limit_; }
    const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
    std::vector<AlertingRule*> alerting_rules() const;

    // The latest slot at or before `now`: a multiple of the interval plus this group's offset
    // (a hash of file and name), so groups spread out yet keep their phase across restarts.
    promql::Timestamp eval_timestamp(promql::Timestamp now) const;
    // The slot to evaluate next, given the time now. Slots already passed by a full interval
    // are skipped and counted as missed iterations.
    promql::Timestamp next_evaluation(promql::Timestamp now);
    std::int64_t missed_iterations() const;

    // Evaluates every rule at t (less the group's query_offset) and appends the results.
    void evaluate(promql::Timestamp t, datasource::Datasource& data, SampleAppender& out);

    // After a reload: takes over alert state, staleness tracking and timings from the group this
    // one replaces. Rules match by name and labels (duplicates in order); series of rules that
    // no longer exist are marked stale at the next evaluation.
    void copy_state_from(const Group& previous);

    void restore_for_state(promql::Timestamp t, const promql::Queryable& data,
                           std::chrono::milliseconds outage_tolerance = std::chrono::hours(1),
                           std::chrono::milliseconds grace_period = std::chrono::minutes(10));
    // AlertingRule::restore_new_alerts for every alerting rule.
    void restore_new_alerts(promql::Timestamp until, const promql::Queryable& data,
                            std::chrono::milliseconds outage_tolerance = std::chrono::hours(1),
                            std::chrono::milliseconds grace_period = std::chrono::minutes(10));

    nlohmann::json to_json() const;             // one group of /api/v1/rules
    nlohmann::json active_alerts_json() const;  // this group's part of /api/v1/alerts

  private:
    std::string file_;
    std::string name_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds query_offset_;
    int limit_;
    GroupOptions options_;
    std::vector<std::unique_ptr<Rule>> rules_;

    mutable std::mutex mutex_;
    std::vector<std::set<promql::Labels>> series_in_previous_eval_;  // one per rule, for staleness
    std::set<promql::Labels> stale_series_;                          // of rules removed by a reload
    std::optional<promql::Timestamp> last_slot_;
    std::optional<promql::Timestamp> last_evaluation_;
    std::chrono::nanoseconds evaluation_time_{0};
    std::int64_t missed_ = 0;

    void mark_removed_series_stale(promql::Timestamp t, SampleAppender& out);
    void evaluate_rule(std::size_t index, promql::Timestamp t, datasource::Datasource& data,
                       SampleAppender& out);
};

// The groups of all files, in file order. Any invalid file stops loading: `errors` then holds
// rulefmt's messages and `groups` is empty.
struct LoadedGroups {
    std::vector<std::unique_ptr<Group>> groups;
    std::vector<std::string> errors;
};
LoadedGroups load_groups(const std::vector<std::string>& files, const GroupOptions& options);

}  // namespace stackwatch::rules
