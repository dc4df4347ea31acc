#pragma once
// INFO ALL turned into redis_exporter's families: the one-to-one fields, per-database keyspace,
// per-command stats and latency percentiles, error counts, replication links and instance info.

#include <string>
#include <string_view>
#include <unordered_map>

#include "exporter/metric_set.hpp"

namespace stackwatch::exporter::redis {

using InfoFields = std::unordered_map<std::string, std::string>;

// Every "key:value" line of an INFO reply, whatever its section.
InfoFields parse_info_fields(std::string_view info);

struct InfoMetricsInput {
    std::string_view info;
    int database_count = 16;  // from CONFIG GET databases; empty databases report 0 keys
    double now_seconds = 0;   // wall clock, for redis_start_time_seconds
};

struct InfoSummary {
    std::string role;
    // Microseconds spent per command name as INFO and LATENCY HISTOGRAM write it ("set",
    // "config|get"); a parent ("config") also holds the sum of its subcommands.
    std::unordered_map<std::string, double> command_usec;
};

InfoSummary emit_info_metrics(const InfoMetricsInput& input, MetricSet& out);

}  // namespace stackwatch::exporter::redis
