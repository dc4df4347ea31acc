#pragma once
// A rule group's metrics under the names Prometheus's rule manager gives them, so dashboards and
// alerts written for Prometheus read the ruler too, and the group's alerts by state, which
// Prometheus leaves to the ALERTS series.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "ruler/rules/group.hpp"

namespace stackwatch::rules {

class RuleGroupMetrics {
  public:
    explicit RuleGroupMetrics(prometheus::Registry& registry);

    // One group's series, made when its thread starts.
    class ForGroup {
      public:
        // After each evaluation at `t` that took `seconds`.
        void evaluated(const Group& group, double seconds, promql::Timestamp t);

      private:
        friend class RuleGroupMetrics;
        ForGroup(RuleGroupMetrics& metrics, const prometheus::Labels& labels, const Group& group);

        prometheus::Histogram& duration_;
        prometheus::Gauge& last_duration_;
        prometheus::Gauge& last_evaluation_;
        prometheus::Gauge& interval_;
        prometheus::Gauge& rules_;
        prometheus::Counter& evaluations_;
        prometheus::Counter& failures_;
        prometheus::Counter& missed_;
        prometheus::Gauge& pending_;
        prometheus::Gauge& firing_;
        std::int64_t missed_before_ = 0;
    };
    ForGroup for_group(const Group& group);

  private:
    prometheus::Family<prometheus::Histogram>& duration_;
    prometheus::Family<prometheus::Gauge>& last_duration_;
    prometheus::Family<prometheus::Gauge>& last_evaluation_;
    prometheus::Family<prometheus::Gauge>& interval_;
    prometheus::Family<prometheus::Gauge>& rules_;
    prometheus::Family<prometheus::Counter>& evaluations_;
    prometheus::Family<prometheus::Counter>& failures_;
    prometheus::Family<prometheus::Counter>& missed_;
    prometheus::Family<prometheus::Gauge>& alerts_;
};

}  // namespace stackwatch::rules
