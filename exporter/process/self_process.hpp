#pragma once
// The exporter's own process facts from /proc, as client_golang's process collector reports
// them (prometheus-cpp has none), and as /monitoring/metrics shows them.

#include <cstdint>

#include "exporter/metric_set.hpp"

namespace stackwatch::exporter {

struct ProcessFacts {
    int pid = 0;
    double cpu_user_seconds = 0;
    double cpu_system_seconds = 0;
    std::uint64_t resident_memory_bytes = 0;
    std::uint64_t virtual_memory_bytes = 0;
    std::uint64_t virtual_memory_max_bytes = 0;  // RLIMIT_AS; 0 when unlimited
    double start_time_seconds = 0;               // Unix time
    int threads = 0;
    int open_fds = 0;
    std::uint64_t max_fds = 0;
};

// Reads /proc/<pid>/{stat,fd,limits}; pid 0 means this process.
ProcessFacts read_process(int pid = 0);
inline ProcessFacts read_self_process() { return read_process(0); }

// process_cpu_seconds_total, process_open_fds, process_max_fds, process_virtual_memory_bytes,
// process_virtual_memory_max_bytes, process_resident_memory_bytes, process_start_time_seconds,
// process_threads.
void add_self_process_metrics(MetricSet& out);

// Seconds since the epoch at which the machine booted, from /proc/stat's btime.
double boot_time_seconds();

}  // namespace stackwatch::exporter
