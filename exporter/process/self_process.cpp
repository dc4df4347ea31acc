#include "exporter/process/self_process.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stackwatch::exporter {
namespace {

std::string proc_path(int pid, const char* file) {
    return "/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/" + file;
}

std::uint64_t limit_value(int pid, const std::string& name) {
    std::ifstream in(proc_path(pid, "limits"));
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with(name)) continue;
        std::istringstream fields(line.substr(name.size()));
        std::string soft;
        fields >> soft;
        if (soft == "unlimited") return 0;
        try {
            return std::stoull(soft);
        } catch (const std::exception&) {
            return 0;
        }
    }
    return 0;
}

}  // namespace

double boot_time_seconds() {
    static const double boot = [] {
        std::ifstream in("/proc/stat");
        for (std::string line; std::getline(in, line);)
            if (line.starts_with("btime ")) return std::stod(line.substr(6));
        return 0.0;
    }();
    return boot;
}

ProcessFacts read_process(int pid) {
    ProcessFacts facts;
    std::ifstream in(proc_path(pid, "stat"));
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos) return facts;
    facts.pid = std::stoi(stat.substr(0, stat.find(' ')));
    std::istringstream rest(stat.substr(close + 2));
    std::vector<std::string> fields;
    for (std::string f; rest >> f;) fields.push_back(f);
    // Field numbers from proc(5), minus 3 for pid, comm and the state we start at.
    auto field = [&](int number) { return fields.size() > size_t(number - 3) ? fields[number - 3] : "0"; };
    static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    static const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    facts.cpu_user_seconds = std::stod(field(14)) / ticks;
    facts.cpu_system_seconds = std::stod(field(15)) / ticks;
    facts.threads = std::stoi(field(20));
    facts.start_time_seconds = boot_time_seconds() + std::stod(field(22)) / ticks;
    facts.virtual_memory_bytes = std::stoull(field(23));
    facts.resident_memory_bytes = static_cast<std::uint64_t>(std::stod(field(24)) * page);
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(proc_path(pid, "fd"), ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++facts.open_fds;
    facts.max_fds = limit_value(pid, "Max open files");
    facts.virtual_memory_max_bytes = limit_value(pid, "Max address space");
    return facts;
}

void add_self_process_metrics(MetricSet& out) {
    auto facts = read_self_process();
    out.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                facts.cpu_user_seconds + facts.cpu_system_seconds);
    out.gauge("process_open_fds", "Number of open file descriptors.", facts.open_fds);
    out.gauge("process_max_fds", "Maximum number of open file descriptors.", static_cast<double>(facts.max_fds));
    out.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
              static_cast<double>(facts.virtual_memory_bytes));
    out.gauge("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.",
              facts.virtual_memory_max_bytes == 0 ? -1 : static_cast<double>(facts.virtual_memory_max_bytes));
    out.gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
              static_cast<double>(facts.resident_memory_bytes));
    out.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
              facts.start_time_seconds);
    out.gauge("process_threads", "Number of OS threads in the process.", facts.threads);
}

}  // namespace stackwatch::exporter
