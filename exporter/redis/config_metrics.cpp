#include "exporter/redis/config_metrics.hpp"

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "exporter/redis/number_text.hpp"

namespace stackwatch::exporter::redis {
namespace {

// "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
void client_output_buffer_limits(const std::string& value, MetricSet& out) {
    std::istringstream words(value);
    std::string cls, hard, soft, seconds;
    while (words >> cls >> hard >> soft >> seconds) {
        if (auto v = parse_number(hard))
            out.gauge("redis_config_client_output_buffer_limit_bytes",
                      "The configured buffer limits per class", *v,
                      {{"class", cls}, {"limit", "hard"}});
        if (auto v = parse_number(soft))
            out.gauge("redis_config_client_output_buffer_limit_bytes",
                      "The configured buffer limits per class", *v,
                      {{"class", cls}, {"limit", "soft"}});
        if (auto v = parse_number(seconds))
            out.gauge(
                "redis_config_client_output_buffer_limit_overcome_seconds",
                "How long for buffer limits per class to be exceeded before replicas are dropped",
                *v, {{"class", cls}, {"limit", "soft"}});
    }
}

}  // namespace

Command config_command() {
    return {"CONFIG",     "GET",
            "maxclients", "maxmemory",
            "io-threads", "repl-backlog-size",
            "databases",  "client-output-buffer-limit"};
}

ConfigFacts emit_config_metrics(const redisReply& reply, MetricSet& out) {
    ConfigFacts facts;
    if (reply.type != REDIS_REPLY_ARRAY) return facts;
    for (std::size_t i = 0; i + 1 < reply.elements; i += 2) {
        auto key = reply_string(*reply.element[i]);
        auto value = reply_string(*reply.element[i + 1]);
        if (key == "client-output-buffer-limit") {
            client_output_buffer_limits(value, out);
            continue;
        }
        auto number = parse_number(value);
        if (!number) continue;
        if (key == "databases") {
            facts.databases = static_cast<int>(*number);
            continue;
        }
        if (key == "maxclients") facts.maxclients = *number;
        if (key == "maxmemory") facts.maxmemory = *number;
        std::string name = "config_" + key;
        for (auto& c : name)
            if (c == '-') c = '_';
        out.gauge("redis_" + name, name + " metric", *number);
    }
    return facts;
}

}  // namespace stackwatch::exporter::redis
