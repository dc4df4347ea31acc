#pragma once
// Checks of the machine the exporter runs on: its memory (and the cgroup's limit when it runs
// in a container) and the free space of configured paths.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "exporter/health/health_config.hpp"

namespace stackwatch::exporter::health {

struct CgroupMemory {
    std::uint64_t usage_bytes;
    std::optional<std::uint64_t> limit_bytes;  // none when unlimited
};

// cgroup v2 (memory.current / memory.max), else v1 (memory.usage_in_bytes / limit_in_bytes);
// nullopt outside a memory cgroup. `root` is the cgroup mount, a parameter so tests can point
// it at a directory of their own.
std::optional<CgroupMemory> read_cgroup_memory(const std::string& root = "/sys/fs/cgroup");

nlohmann::json check_memory(const HealthConfig& config, const std::string& cgroup_root = "/sys/fs/cgroup");
nlohmann::json check_disk(const DiskCheck& disk);

}  // namespace stackwatch::exporter::health
