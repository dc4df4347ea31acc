#pragma once
// What Linux' /proc says about one process: the facts behind both the exporter's own process_*
// families and the per-group namedprocess_* families.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace stackwatch::exporter::process {

struct ProcessSample {
    pid_t pid = 0;
    pid_t ppid = 0;
    char state = '?';  // R, S, D, Z, T, ... as in /proc/<pid>/stat
    double user_seconds = 0;
    double system_seconds = 0;
    double start_time_seconds = 0;  // unix time
    std::uint64_t virtual_bytes = 0;
    std::uint64_t resident_bytes = 0;
    std::uint64_t swapped_bytes = 0;
    std::uint64_t threads = 0;
    std::uint64_t minor_faults = 0;
    std::uint64_t major_faults = 0;
    std::uint64_t voluntary_switches = 0;
    std::uint64_t involuntary_switches = 0;
    // Only readable by the process' owner (or root); absent otherwise.
    std::optional<std::uint64_t> read_bytes;
    std::optional<std::uint64_t> write_bytes;
    std::optional<std::uint64_t> open_fds;
    // Resident and swapped memory shared out among the processes mapping it (smaps_rollup), so
    // a group's sum does not count PostgreSQL's shared buffers once per backend.
    std::optional<std::uint64_t> proportional_resident_bytes;
    std::optional<std::uint64_t> proportional_swapped_bytes;
    // Soft limits; "unlimited" reads as the largest uint64, as client_golang reports it.
    std::optional<std::uint64_t> max_fds;
    std::optional<std::uint64_t> max_virtual_bytes;

    // Some of the owner-only files could not be read.
    bool partial() const { return !read_bytes || !open_fds; }
};

class ProcFs {
  public:
    explicit ProcFs(std::filesystem::path root = "/proc");

    // Proportional memory makes the kernel walk the process' page tables (smaps_rollup), which
    // costs milliseconds for a large process, so it is read only on request.
    enum class Memory { basic, with_proportional };

    // nullopt when the process does not exist (or vanished while being read).
    std::optional<ProcessSample> read(pid_t pid, Memory memory = Memory::basic) const;
    // Every process' parent, from one pass over <root>/<pid>/stat.
    std::vector<std::pair<pid_t, pid_t>> parents() const;

  private:
    std::filesystem::path root_;
    double boot_time_ = 0;  // btime from <root>/stat
    double ticks_per_second_;
    std::uint64_t page_size_;
};

}  // namespace stackwatch::exporter::process
