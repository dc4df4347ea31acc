#include "exporter/process/self_process.hpp"

namespace stackwatch::exporter::process {

void collect_self_process(MetricSet& out) {
    auto self = read_self_process();
    if (!self) return;
    out.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                self->user_seconds + self->system_seconds);
    if (self->open_fds)
        out.gauge("process_open_fds", "Number of open file descriptors.",
                  static_cast<double>(*self->open_fds));
    if (self->max_fds)
        out.gauge("process_max_fds", "Maximum number of open file descriptors.",
                  static_cast<double>(*self->max_fds));
    out.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
              static_cast<double>(self->virtual_bytes));
    if (self->max_virtual_bytes)
        out.gauge("process_virtual_memory_max_bytes",
                  "Maximum amount of virtual memory available in bytes.",
                  static_cast<double>(*self->max_virtual_bytes));
    out.gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
              static_cast<double>(self->resident_bytes));
    out.gauge("process_start_time_seconds",
              "Start time of the process since unix epoch in seconds.", self->start_time_seconds);
    // Not in client_golang; named and described as the Rust client names it.
    out.gauge("process_threads", "Number of OS threads in the process.",
              static_cast<double>(self->threads));
}

}  // namespace stackwatch::exporter::process
