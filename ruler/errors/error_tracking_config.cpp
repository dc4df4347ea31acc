#include "ruler/errors/error_tracking_config.hpp"

#include <filesystem>

namespace stackwatch::errors {

ErrorTrackingConfig parse_error_tracking(const ConfigNode& node) {
    ErrorTrackingConfig config;
    if (!node.defined()) return config;
    node.require_map();
    node.allow_keys({"retention", "max_events_per_fingerprint", "max_store_bytes", "ingest_rate",
                     "ingest_burst", "fingerprint_rules", "sentry_projects", "log_files"});
    config.retention = node.get_duration("retention", config.retention);
    if (config.retention.count() <= 0) node["retention"].fail("must be positive");
    auto cap = node.get_int("max_events_per_fingerprint",
                            static_cast<std::int64_t>(config.limits.max_events_per_group));
    if (cap < 1) node["max_events_per_fingerprint"].fail("must be at least 1");
    config.limits.max_events_per_group = static_cast<std::size_t>(cap);
    auto max_bytes = node.get_int("max_store_bytes", 0);
    if (max_bytes < 0) node["max_store_bytes"].fail("must not be negative");
    config.limits.max_bytes = static_cast<std::size_t>(max_bytes);
    config.ingest.events_per_second =
        node.get_double("ingest_rate", config.ingest.events_per_second);
    if (config.ingest.events_per_second < 0) node["ingest_rate"].fail("must not be negative");
    config.ingest.burst = node.get_double("ingest_burst", 10 * config.ingest.events_per_second);
    if (config.ingest.events_per_second > 0 && config.ingest.burst < 1)
        node["ingest_burst"].fail("must be at least 1");
    config.rules = FingerprintRules::parse(node["fingerprint_rules"]);
    config.sentry_projects = parse_sentry_projects(node["sentry_projects"]);
    config.log_files = parse_log_files(node["log_files"]);
    auto base = std::filesystem::path(node.file()).parent_path();
    for (auto& file : config.log_files)
        if (std::filesystem::path(file.path).is_relative()) file.path = (base / file.path).string();
    return config;
}

}  // namespace stackwatch::errors
