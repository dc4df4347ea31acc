#include "exporter/health/health_config.hpp"

namespace stackwatch::exporter::health {

HealthConfig parse_health_config(const std::optional<ConfigNode>& node) {
    HealthConfig config;
    if (!node || !node->defined()) return config;
    const ConfigNode& root = *node;
    root.allow_keys({"cache", "timeout", "refresh_interval", "thresholds", "disk", "external",
                     "optional_targets"});
    config.cache_for = root.get_duration("cache", config.cache_for);
    config.timeout = root.get_duration("timeout", config.timeout);
    config.refresh_interval = root.get_duration("refresh_interval", config.refresh_interval);
    auto thresholds = root["thresholds"];
    thresholds.allow_keys({"database_latency_ms", "redis_latency_ms", "connections_ratio",
                           "memory_ratio", "max_rss_bytes"});
    config.database_latency_ms = thresholds.get_double("database_latency_ms", config.database_latency_ms);
    config.redis_latency_ms = thresholds.get_double("redis_latency_ms", config.redis_latency_ms);
    config.connections_ratio = thresholds.get_double("connections_ratio", config.connections_ratio);
    config.memory_ratio = thresholds.get_double("memory_ratio", config.memory_ratio);
    if (thresholds.has("max_rss_bytes"))
        config.max_rss_bytes = static_cast<std::uint64_t>(thresholds["max_rss_bytes"].as_int());
    for (const auto& item : root["disk"].items()) {
        item.allow_keys({"path", "min_free_ratio", "required"});
        DiskCheck disk;
        disk.path = item.require_string("path");
        disk.min_free_ratio = item.get_double("min_free_ratio", disk.min_free_ratio);
        if (disk.min_free_ratio < 0 || disk.min_free_ratio > 1)
            item["min_free_ratio"].fail("must be between 0 and 1");
        disk.required = item.get_bool("required", disk.required);
        config.disks.push_back(disk);
    }
    for (const auto& item : root["external"].items()) {
        item.allow_keys({"name", "url", "expected_status", "timeout", "required", "insecure_skip_verify"});
        ExternalCheck check;
        check.url = item.require_string("url");
        if (!check.url.starts_with("http://") && !check.url.starts_with("https://"))
            item["url"].fail("must start with http:// or https://");
        check.name = item.get_string("name", check.url);
        check.expected_status = static_cast<int>(item.get_int("expected_status", check.expected_status));
        check.timeout = item.get_duration("timeout", check.timeout);
        check.required = item.get_bool("required", check.required);
        check.verify_tls = !item.get_bool("insecure_skip_verify", false);
        config.external.push_back(check);
    }
    for (const auto& name : root["optional_targets"].as_string_list()) config.optional_targets.insert(name);
    return config;
}

}  // namespace stackwatch::exporter::health
