#pragma once
// LATENCY HISTOGRAM (Redis 7) and LATENCY LATEST replies as metrics.

#include <hiredis/hiredis.h>

#include "exporter/metric_set.hpp"
#include "exporter/redis/info_metrics.hpp"

namespace stackwatch::exporter::redis {

// redis_commands_latencies_usec{cmd} with Redis' own bounds, as redis_exporter reports it, and
// stackwatch_redis_command_latency_seconds{cmd} on a fixed bucket layout in seconds. An error
// reply (servers before 7.0) adds nothing.
void emit_latency_histograms(const redisReply& reply, const InfoSummary& info, MetricSet& out);

// redis_latency_spike_last{event_name} and redis_latency_spike_duration_seconds{event_name}.
void emit_latency_spikes(const redisReply& reply, MetricSet& out);

}  // namespace stackwatch::exporter::redis
