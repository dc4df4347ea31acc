#pragma once
// The runbook's conditions as PromQL. A condition is either "METRIC OP NUMBER[%|ms|s]" over the
// rule's timeWindow, with METRIC one of the names below, or a PromQL expression (which, when it
// has no comparison at the top and a threshold is given, is compared with `> threshold`).
//
//   error_rate          100 * 5xx share of http_requests_total, rate over the window    (%)
//   latency_p95, _p99   histogram_quantile of http_request_duration_seconds             (s)
//   availability        100 * avg_over_time(up) over the window                         (%)
//   cpu_usage           100 * rate(process_cpu_seconds_total) over the window           (%)
//   db_connections      100 * backends / max_connections, held for the window           (%)
//   redis_memory_usage  100 * used / maxmemory, held for the window                     (%)

#include <optional>
#include <string>

#include "ruler/managed/api_rule.hpp"

namespace stackwatch::managed {

struct AlertExpression {
    std::string expr;
    std::string for_duration;  // "" or a Prometheus duration, "15m"
};

// Throws InvalidRule naming the field (condition, threshold) when it cannot be read.
AlertExpression condition_to_promql(const ApiRule& rule);

}  // namespace stackwatch::managed
