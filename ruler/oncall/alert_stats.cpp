#include "ruler/oncall/alert_stats.hpp"

namespace stackwatch::oncall {
namespace {

double seconds_between(TimePoint a, TimePoint b) {
    return std::chrono::duration<double>(b - a).count();
}

}  // namespace

AlertStats compute_stats(const std::vector<HistoryRow>& rows, TimePoint from, TimePoint to,
                         const std::function<bool(const std::string&)>& acknowledged_now,
                         const ReceiversFor& receivers_for) {
    AlertStats stats{.from = from, .to = to};
    for (const char* state : {"firing", "acknowledged", "resolved"}) stats.by_state[state] = 0;
    double to_ack = 0, to_resolve = 0;
    std::size_t resolved = 0;
    for (const auto& row : rows) {
        ++stats.total;
        const char* state = row.resolved_at                  ? "resolved"
                            : acknowledged_now(row.alert_id) ? "acknowledged"
                                                             : "firing";
        ++stats.by_state[state];
        auto severity = row.labels.get("severity");
        ++stats.by_severity[severity.empty() ? "none" : severity];
        ++stats.by_rule[row.labels.get("alertname")];
        for (const auto& receiver : receivers_for(row.labels)) ++stats.by_receiver[receiver];
        stats.escalations += static_cast<std::size_t>(row.escalations);
        if (row.acknowledged_at) {
            ++stats.acknowledged;
            to_ack += seconds_between(row.started_at, *row.acknowledged_at);
        }
        if (row.resolved_at) {
            ++resolved;
            to_resolve += seconds_between(row.started_at, *row.resolved_at);
            if (!row.resolved_by.empty()) ++stats.resolved_by_hand;
        }
    }
    if (stats.acknowledged > 0)
        stats.mean_time_to_acknowledge_seconds = to_ack / static_cast<double>(stats.acknowledged);
    if (resolved > 0)
        stats.mean_time_to_resolve_seconds = to_resolve / static_cast<double>(resolved);
    return stats;
}

}  // namespace stackwatch::oncall
