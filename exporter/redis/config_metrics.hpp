#pragma once
// The few CONFIG GET settings redis_exporter reports as redis_config_* families.

#include <hiredis/hiredis.h>

#include "exporter/metric_set.hpp"
#include "exporter/redis/redis_connection.hpp"

namespace stackwatch::exporter::redis {

// What to ask for: one CONFIG GET with several patterns (Redis 7; older servers answer with an
// error and the config families are left out).
Command config_command();

struct ConfigFacts {
    int databases = 0;  // 0 when the server did not say
    double maxclients = 0;
    double maxmemory = 0;
};

ConfigFacts emit_config_metrics(const redisReply& reply, MetricSet& out);

}  // namespace stackwatch::exporter::redis
