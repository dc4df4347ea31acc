#pragma once
// The exporter's own process_* families, named and described as client_golang's process
// collector writes them (prometheus-cpp has none), read from /proc/self.

#include <optional>

#include "exporter/metric_set.hpp"
#include "common/procfs.hpp"

namespace stackwatch::exporter::process {

using stackwatch::process::ProcessSample;
using stackwatch::process::read_self_process;

// process_cpu_seconds_total, process_open_fds, process_max_fds, process_virtual_memory_bytes,
// process_virtual_memory_max_bytes, process_resident_memory_bytes, process_start_time_seconds
// and process_threads.
void collect_self_process(MetricSet& out);

}  // namespace stackwatch::exporter::process
