#pragma once
// The runbook's alert statistics over a time range: counts by state, severity, receiver and
// rule, how many were acknowledged or resolved by hand, and the mean times to acknowledge and to
// resolve, from the firings that started in the range.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ruler/oncall/oncall_store.hpp"

namespace stackwatch::oncall {

struct AlertStats {
    TimePoint from{}, to{};
    std::size_t total = 0;
    std::map<std::string, std::size_t> by_state;  // firing, acknowledged, resolved
    std::map<std::string, std::size_t> by_severity;
    std::map<std::string, std::size_t> by_receiver;
    std::map<std::string, std::size_t> by_rule;
    std::size_t acknowledged = 0;  // ever acknowledged
    std::size_t resolved_by_hand = 0;
    std::size_t escalations = 0;
    std::optional<double> mean_time_to_acknowledge_seconds;
    std::optional<double> mean_time_to_resolve_seconds;
};

using ReceiversFor = std::function<std::vector<std::string>(const promql::Labels&)>;

// `acknowledged_now` tells which unresolved firings hold an acknowledgement in force.
AlertStats compute_stats(const std::vector<HistoryRow>& rows, TimePoint from, TimePoint to,
                         const std::function<bool(const std::string&)>& acknowledged_now,
                         const ReceiversFor& receivers_for);

}  // namespace stackwatch::oncall
