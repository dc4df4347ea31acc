#pragma once
// SLOWLOG LEN and SLOWLOG GET 1 replies as redis_exporter's slowlog families.

#include <hiredis/hiredis.h>

#include "exporter/metric_set.hpp"

namespace stackwatch::exporter::redis {

void emit_slowlog(const redisReply& length, const redisReply& latest, MetricSet& out);

}  // namespace stackwatch::exporter::redis
