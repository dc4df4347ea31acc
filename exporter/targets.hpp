#pragma once
// Turns the configured specs into live targets (PostgreSQL, Redis, named processes).

#include <memory>
#include <vector>

#include "exporter/exporter_config.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter {

// Throws ConfigError when a spec is unusable (bad address scheme, unreadable queries file).
std::vector<std::shared_ptr<Target>> build_targets(const ExporterConfig& config);

// Collector names with their default state, for --[no-]collector.<name> flags and the help text.
struct CollectorFlag {
    std::string name;
    bool enabled_by_default;
    std::string help;
};
std::vector<CollectorFlag> collector_flags();

}  // namespace stackwatch::exporter
