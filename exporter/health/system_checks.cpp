#include "exporter/health/system_checks.hpp"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "exporter/process/self_process.hpp"

namespace stackwatch::exporter::health {
namespace {

std::optional<std::string> read_word(const std::string& path) {
    std::ifstream in(path);
    std::string word;
    if (!(in >> word)) return std::nullopt;
    return word;
}

std::optional<std::uint64_t> read_number(const std::string& path) {
    auto word = read_word(path);
    if (!word) return std::nullopt;
    try {
        return std::stoull(*word);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

std::optional<CgroupMemory> read_cgroup_memory(const std::string& root) {
    if (auto usage = read_number(root + "/memory.current")) {
        CgroupMemory memory{*usage, std::nullopt};
        auto limit = read_word(root + "/memory.max");
        if (limit && *limit != "max") memory.limit_bytes = read_number(root + "/memory.max");
        return memory;
    }
    if (auto usage = read_number(root + "/memory/memory.usage_in_bytes")) {
        CgroupMemory memory{*usage, std::nullopt};
        auto limit = read_number(root + "/memory/memory.limit_in_bytes");
        // v1 reports "no limit" as a huge page-aligned number near 2^63.
        if (limit && *limit < (1ULL << 62)) memory.limit_bytes = limit;
        return memory;
    }
    return std::nullopt;
}

nlohmann::json check_memory(const HealthConfig& config, const std::string& cgroup_root) {
    auto facts = process::read_self_process().value_or(process::ProcessSample{});
    nlohmann::json result = {{"status", "ok"}, {"rss_bytes", facts.resident_bytes},
                             {"virtual_bytes", facts.virtual_bytes}};
    if (config.max_rss_bytes && facts.resident_bytes > *config.max_rss_bytes) {
        result["status"] = "degraded";
        result["reason"] = "RSS above " + std::to_string(*config.max_rss_bytes) + " bytes";
    }
    if (auto cgroup = read_cgroup_memory(cgroup_root)) {
        result["cgroup"] = {{"usage_bytes", cgroup->usage_bytes}};
        if (cgroup->limit_bytes) {
            double ratio = static_cast<double>(cgroup->usage_bytes) / static_cast<double>(*cgroup->limit_bytes);
            result["cgroup"]["limit_bytes"] = *cgroup->limit_bytes;
            result["cgroup"]["usage_ratio"] = ratio;
            if (ratio > config.memory_ratio) {
                result["status"] = "degraded";
                result["reason"] = "cgroup memory usage above " + std::to_string(config.memory_ratio) + " of the limit";
            }
        }
    }
    return result;
}

nlohmann::json check_disk(const DiskCheck& disk) {
    struct statvfs fs {};
    if (statvfs(disk.path.c_str(), &fs) != 0)
        return {{"path", disk.path}, {"status", "down"}, {"error", std::strerror(errno)}};
    auto total = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
    auto free = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    double ratio = total == 0 ? 0 : static_cast<double>(free) / static_cast<double>(total);
    return {{"path", disk.path},
            {"status", ratio < disk.min_free_ratio ? "degraded" : "ok"},
            {"free_bytes", free},
            {"total_bytes", total},
            {"free_ratio", ratio},
            {"min_free_ratio", disk.min_free_ratio}};
}

}  // namespace stackwatch::exporter::health
