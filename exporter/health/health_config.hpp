#pragma once
// The health: section of the exporter config: thresholds that turn a check degraded, which
// checks are required for readiness, disk paths and external HTTP(S) checks.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace stackwatch::exporter::health {

struct DiskCheck {
    std::string path;
    double min_free_ratio = 0.1;  // below: degraded
    bool required = false;
};

struct ExternalCheck {
    std::string name;
    std::string url;
    int expected_status = 200;
    std::chrono::milliseconds timeout{2000};
    bool required = false;
    bool verify_tls = true;
};

struct HealthConfig {
    std::chrono::milliseconds cache_for{1000};
    std::chrono::milliseconds timeout{3000};
    std::chrono::milliseconds refresh_interval{30000};  // background evaluation for the metrics
    double database_latency_ms = 500;   // above: degraded
    double redis_latency_ms = 200;
    double connections_ratio = 0.9;     // connections in use / max above this: degraded
    double memory_ratio = 0.9;          // cgroup usage / limit above this: degraded
    std::optional<std::uint64_t> max_rss_bytes;
    std::vector<DiskCheck> disks;
    std::vector<ExternalCheck> external;
    // Target names that readiness does not wait for (every target is required by default).
    std::set<std::string> optional_targets;
};

// Throws ConfigError naming file:line:column and the key.
HealthConfig parse_health_config(const std::optional<ConfigNode>& node);

}  // namespace stackwatch::exporter::health
