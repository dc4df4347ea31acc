#pragma once
// Processes named in the configuration by their pid file (PostgreSQL's postmaster.pid, Redis'
// pidfile, an application's), each group being that process and all its descendants, so a
// PostgreSQL group counts the postmaster and its backends. Reported under process-exporter's
// namedprocess_namegroup_* names with {groupname}. CPU, I/O, page-fault and context-switch
// counters keep what exited members used, so they never go backwards when a backend ends.

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/procfs.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter::process {

using stackwatch::process::ProcessReads;
using stackwatch::process::ProcessSample;
using stackwatch::process::ProcFs;

struct ProcessGroupOptions {
    std::string name;                // the groupname label
    std::filesystem::path pid_file;  // its first line is the PID
};

struct NamedProcessesOptions {
    std::string name = "processes";  // the target's name
    std::vector<ProcessGroupOptions> groups;
    std::filesystem::path proc_root = "/proc";  // e.g. a host's /proc mounted elsewhere
    // memtype="proportionalResident"/"proportionalSwapped" (process-exporter's --gather-smaps,
    // on by default there too): a PostgreSQL group's true memory, as shared buffers are split
    // among the backends instead of counted in each. The kernel walks every member's page
    // tables for it, which costs milliseconds per scrape for large processes.
    bool proportional_memory = true;
};

class NamedProcesses : public Target {
  public:
    // Throws stackwatch::ConfigError on a group without name or pid file, or a repeated name.
    explicit NamedProcesses(NamedProcessesOptions options);

    const std::string& name() const override { return options_.name; }
    std::string kind() const override { return "process"; }
    // A group whose pid file is missing or whose process is gone reports num_procs 0; the
    // problem is logged once, until it changes.
    void collect(MetricSet& out, Deadline deadline, LatencyObserver& latency) override;
    // {"status": "ok"|"degraded"|"down", "groups": {name: {"pid", "num_procs",
    //  "resident_bytes", "error"}}}; degraded when some group has no process, down when all.
    nlohmann::json health(Deadline deadline, LatencyObserver& latency) override;

    struct Counters {
        double user_seconds = 0, system_seconds = 0;
        double minor_faults = 0, major_faults = 0;
        double voluntary_switches = 0, involuntary_switches = 0;
        double read_bytes = 0, write_bytes = 0;
        Counters& operator+=(const Counters& other);
    };

  private:
    struct Group {
        ProcessGroupOptions options;
        std::map<std::pair<pid_t, double>, Counters> live;  // by (pid, start time): pids get reused
        Counters exited;
        std::string problem;  // the last one logged; empty while the group is fine
    };
    struct Members {
        pid_t root = 0;
        std::vector<ProcessSample> processes;
        std::string problem;
    };

    // Every group's processes, from the (pid, parent) pairs of ProcFs::parents().
    std::vector<Members> sample_all(const std::vector<std::pair<pid_t, pid_t>>& parents,
                                    ProcessReads reads) const;
    Members sample(const Group& group, const std::multimap<pid_t, pid_t>& children,
                   ProcessReads reads) const;
    Counters account(Group& group, const Members& members);
    void note_problem(Group& group, const std::string& problem);
    void emit(const Group& group, const Members& members, const Counters& totals,
              MetricSet& out) const;

    NamedProcessesOptions options_;
    ProcFs proc_;
    std::vector<Group> groups_;
    double scrape_errors_ = 0;
    double partial_errors_ = 0;
};

}  // namespace stackwatch::exporter::process
