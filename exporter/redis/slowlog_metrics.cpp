#include "exporter/redis/slowlog_metrics.hpp"

namespace stackwatch::exporter::redis {

void emit_slowlog(const redisReply& length, const redisReply& latest, MetricSet& out) {
    if (length.type == REDIS_REPLY_INTEGER)
        out.gauge("redis_slowlog_length", "Total slowlog", static_cast<double>(length.integer));
    if (latest.type != REDIS_REPLY_ARRAY) return;
    // An entry is [id, unix_time, duration_usec, args, ...]; an empty log reports zeros.
    double last_id = 0;
    double last_duration = 0;
    if (latest.elements > 0 && latest.element[0]->type == REDIS_REPLY_ARRAY) {
        const redisReply& entry = *latest.element[0];
        if (entry.elements > 0 && entry.element[0]->type == REDIS_REPLY_INTEGER)
            last_id = static_cast<double>(entry.element[0]->integer);
        if (entry.elements > 2 && entry.element[2]->type == REDIS_REPLY_INTEGER)
            last_duration = static_cast<double>(entry.element[2]->integer) / 1e6;
    }
    out.gauge("redis_slowlog_last_id", "Last id of slowlog", last_id);
    out.gauge("redis_last_slow_execution_duration_seconds",
              "The amount of time needed for last slow execution, in seconds", last_duration);
}

}  // namespace stackwatch::exporter::redis
