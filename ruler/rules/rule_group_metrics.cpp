#include "ruler/rules/rule_group_metrics.hpp"

#include "ruler/rules/alerting_rule.hpp"

namespace stackwatch::rules {
namespace {

const prometheus::Histogram::BucketBoundaries& duration_buckets() {
    static const prometheus::Histogram::BucketBoundaries kBuckets = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    60};
    return kBuckets;
}

prometheus::Labels with_state(prometheus::Labels labels, const char* state) {
    labels.emplace("state", state);
    return labels;
}

}  // namespace

RuleGroupMetrics::RuleGroupMetrics(prometheus::Registry& registry)
    : duration_(prometheus::BuildHistogram()
                    .Name("stackwatch_rule_group_duration_seconds")
                    .Help("Time one evaluation of a rule group took.")
                    .Register(registry)),
      last_duration_(prometheus::BuildGauge()
                         .Name("prometheus_rule_group_last_duration_seconds")
                         .Help("The duration of the last rule group evaluation.")
                         .Register(registry)),
      last_evaluation_(prometheus::BuildGauge()
                           .Name("prometheus_rule_group_last_evaluation_timestamp_seconds")
                           .Help("The timestamp of the last rule group evaluation in seconds.")
                           .Register(registry)),
      interval_(prometheus::BuildGauge()
                    .Name("prometheus_rule_group_interval_seconds")
                    .Help("The interval of a rule group.")
                    .Register(registry)),
      rules_(prometheus::BuildGauge()
                 .Name("prometheus_rule_group_rules")
                 .Help("The number of rules.")
                 .Register(registry)),
      evaluations_(prometheus::BuildCounter()
                       .Name("prometheus_rule_evaluations_total")
                       .Help("The total number of rule evaluations.")
                       .Register(registry)),
      failures_(prometheus::BuildCounter()
                    .Name("prometheus_rule_evaluation_failures_total")
                    .Help("The total number of rule evaluation failures.")
                    .Register(registry)),
      missed_(prometheus::BuildCounter()
                  .Name("prometheus_rule_group_iterations_missed_total")
                  .Help("The total number of rule group evaluations missed due to slow rule group "
                        "evaluation.")
                  .Register(registry)),
      alerts_(prometheus::BuildGauge()
                  .Name("stackwatch_rule_group_alerts")
                  .Help("Alerts of the group's alerting rules, by state (pending, firing).")
                  .Register(registry)) {}

RuleGroupMetrics::ForGroup RuleGroupMetrics::for_group(const Group& group) {
    return ForGroup(*this, {{"rule_group", group.file() + ";" + group.name()}}, group);
}

RuleGroupMetrics::ForGroup::ForGroup(RuleGroupMetrics& metrics, const prometheus::Labels& labels,
                                     const Group& group)
    : duration_(metrics.duration_.Add(labels, duration_buckets())),
      last_duration_(metrics.last_duration_.Add(labels)),
      last_evaluation_(metrics.last_evaluation_.Add(labels)),
      interval_(metrics.interval_.Add(labels)),
      rules_(metrics.rules_.Add(labels)),
      evaluations_(metrics.evaluations_.Add(labels)),
      failures_(metrics.failures_.Add(labels)),
      missed_(metrics.missed_.Add(labels)),
      pending_(metrics.alerts_.Add(with_state(labels, "pending"))),
      firing_(metrics.alerts_.Add(with_state(labels, "firing"))) {
    interval_.Set(std::chrono::duration<double>(group.interval()).count());
    rules_.Set(static_cast<double>(group.rules().size()));
}

void RuleGroupMetrics::ForGroup::evaluated(const Group& group, double seconds,
                                           promql::Timestamp t) {
    duration_.Observe(seconds);
    last_duration_.Set(seconds);
    last_evaluation_.Set(static_cast<double>(t) / 1000.0);
    for (const auto& rule : group.rules()) {
        evaluations_.Increment();
        if (rule->health() == RuleHealth::err) failures_.Increment();
    }
    std::int64_t missed_now = group.missed_iterations();
    if (missed_now > missed_before_)
        missed_.Increment(static_cast<double>(missed_now - missed_before_));
    missed_before_ = missed_now;
    double pending = 0, firing = 0;
    for (const AlertingRule* rule : group.alerting_rules())
        for (const Alert& alert : rule->active_alerts())
            (alert.state == AlertState::firing ? firing : pending) += 1;
    pending_.Set(pending);
    firing_.Set(firing);
}

}  // namespace stackwatch::rules
