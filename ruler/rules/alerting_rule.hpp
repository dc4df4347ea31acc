#pragma once
// An alerting rule: every series of its expression's result is an alert instance that goes
// inactive -> pending -> firing after `for`, stays firing `keep_firing_for` after it clears, and
// is kept 15 minutes once resolved so notifiers can report the resolution (Prometheus 2.42).

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "ruler/promql/queryable.hpp"
#include "ruler/rules/rule.hpp"

namespace stackwatch::rules {

enum class AlertState { inactive, pending, firing };

// Annotation name -> text. Unlike labels, an annotation may be empty and still exist.
using Annotations = std::map<std::string, std::string>;
const char* alert_state_name(AlertState state);

struct Alert {
    AlertState state = AlertState::inactive;
    promql::Labels labels;
    Annotations annotations;
    double value = 0;  // of the expression at the last evaluation
    promql::Timestamp active_at = 0;
    std::optional<promql::Timestamp> fired_at;
    std::optional<promql::Timestamp> resolved_at;
    std::optional<promql::Timestamp> last_sent_at;
    std::optional<promql::Timestamp> valid_until;
    std::optional<promql::Timestamp> keep_firing_since;
};

// What templates see beyond the alert's own labels and value.
struct AlertContext {
    promql::Labels external_labels;
    std::string external_url;
};

// One alert in the /api/v1/alerts and /api/v1/rules shape.
nlohmann::json alert_to_json(const Alert& alert);

class AlertingRule : public Rule {
  public:
    static constexpr promql::Timestamp kResolvedRetentionMs = 15 * 60 * 1000;

    AlertingRule(std::string name, std::string expr, std::chrono::milliseconds hold,
                 std::chrono::milliseconds keep_firing_for, promql::Labels labels,
                 Annotations annotations, AlertContext context, bool restored);

    promql::Vector eval(promql::Timestamp t, datasource::Datasource& data, int limit) override;
    nlohmann::json to_json() const override;

    std::chrono::milliseconds hold_duration() const { return hold_; }
    std::chrono::milliseconds keep_firing_for() const { return keep_firing_for_; }
    const Annotations& annotations() const { return annotations_; }

    AlertState state() const;                   // the highest state of its alerts
    std::vector<Alert> active_alerts() const;   // pending and firing, not the resolved ones
    std::vector<Alert> current_alerts() const;  // also resolved ones kept for notification

    // ALERTS and ALERTS_FOR_STATE samples are written only once the `for` state is restored (or
    // restoring was not wanted), so a restart does not record a reset.
    void set_restored(bool restored);
    bool restored() const;

    // Alerts to notify about at t (firing, or resolved since last sent), marking them sent.
    std::vector<Alert> alerts_to_send(promql::Timestamp t, std::chrono::milliseconds resend_delay,
                                      std::chrono::milliseconds interval);

    // Takes over the alerts of the same rule from before a reload.
    void copy_alerts_from(const AlertingRule& previous);

    // Prometheus's restore of `for` after a restart: each active alert's ActiveAt is taken from
    // the last ALERTS_FOR_STATE sample in `data` within [t - outage_tolerance, t].
    void restore_for_state(promql::Timestamp t, const promql::Queryable& data,
                           std::chrono::milliseconds outage_tolerance,
                           std::chrono::milliseconds grace_period);
    // After a restart an embedded store starts empty, so alerts over scraped data become active
    // only some evaluations later. Until `until`, each alert that becomes active is restored from
    // `data` before its first ALERTS_FOR_STATE sample is written.
    void restore_new_alerts(promql::Timestamp until, const promql::Queryable& data,
                            std::chrono::milliseconds outage_tolerance,
                            std::chrono::milliseconds grace_period);

  private:
    void restore_alert(Alert& alert, promql::Timestamp t, const promql::Queryable& data,
                       std::chrono::milliseconds outage_tolerance,
                       std::chrono::milliseconds grace_period) const;
    struct LateRestore {
        promql::Timestamp until;
        const promql::Queryable* data;
        std::chrono::milliseconds outage_tolerance;
        std::chrono::milliseconds grace_period;
    };
    std::optional<LateRestore> late_restore_;
    std::chrono::milliseconds hold_;
    std::chrono::milliseconds keep_firing_for_;
    Annotations annotations_;
    AlertContext context_;
    mutable std::mutex alerts_mutex_;
    std::map<promql::Labels, Alert> active_;  // keyed by the alert's labels
    bool restored_;

    promql::VectorSample alerts_sample(const Alert& alert, promql::Timestamp t) const;
    promql::VectorSample for_state_sample(const Alert& alert, promql::Timestamp t) const;
    std::map<promql::Labels, Alert> build_alerts(const promql::Vector& result, promql::Timestamp t,
                                                 datasource::Datasource& data) const;
};

}  // namespace stackwatch::rules
