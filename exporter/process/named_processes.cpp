#include "exporter/process/named_processes.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <set>
#include <variant>

#include "common/config.hpp"
#include "common/logging.hpp"

namespace stackwatch::exporter::process {
namespace {

// process-exporter's buckets for /proc/<pid>/stat states.
const char* state_name(char state) {
    switch (state) {
        case 'R':
            return "Running";
        case 'S':
            return "Sleeping";
        case 'D':
            return "Waiting";
        case 'Z':
            return "Zombie";
        default:
            return "Other";
    }
}

NamedProcesses::Counters counters_of(const ProcessSample& sample) {
    return {.user_seconds = sample.user_seconds,
            .system_seconds = sample.system_seconds,
            .minor_faults = static_cast<double>(sample.minor_faults),
            .major_faults = static_cast<double>(sample.major_faults),
            .voluntary_switches = static_cast<double>(sample.voluntary_switches),
            .involuntary_switches = static_cast<double>(sample.involuntary_switches),
            .read_bytes = static_cast<double>(sample.read_bytes.value_or(0)),
            .write_bytes = static_cast<double>(sample.write_bytes.value_or(0))};
}

// The PID on the first line; an error message when there is none.
std::variant<pid_t, std::string> read_pid_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return "cannot read pid file " + path.string();
    std::string line;
    std::getline(in, line);
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), pid);
    if (ec != std::errc() || pid <= 0 ||
        (end != line.data() + line.size() && *end != ' ' && *end != '\r'))
        return "no PID on the first line of " + path.string();
    return pid;
}

// A group's point-in-time values: sums over its members, and the worst or oldest of them.
struct GroupGauges {
    double resident = 0, virtual_bytes = 0, swapped = 0;
    double proportional_resident = 0, proportional_swapped = 0;
    double open_fds = 0, worst_fd_ratio = 0, threads = 0, oldest_start = 0;
    std::map<std::string, double> states{
        {"Running", 0}, {"Sleeping", 0}, {"Waiting", 0}, {"Zombie", 0}, {"Other", 0}};
};

GroupGauges summarize(const std::vector<ProcessSample>& processes) {
    GroupGauges g;
    for (const auto& process : processes) {
        g.resident += static_cast<double>(process.resident_bytes);
        g.virtual_bytes += static_cast<double>(process.virtual_bytes);
        g.swapped += static_cast<double>(process.swapped_bytes);
        g.proportional_resident +=
            static_cast<double>(process.proportional_resident_bytes.value_or(0));
        g.proportional_swapped +=
            static_cast<double>(process.proportional_swapped_bytes.value_or(0));
        g.threads += static_cast<double>(process.threads);
        if (process.open_fds) g.open_fds += static_cast<double>(*process.open_fds);
        if (process.open_fds && process.max_fds && *process.max_fds > 0)
            g.worst_fd_ratio =
                std::max(g.worst_fd_ratio, static_cast<double>(*process.open_fds) /
                                               static_cast<double>(*process.max_fds));
        if (g.oldest_start == 0 || process.start_time_seconds < g.oldest_start)
            g.oldest_start = process.start_time_seconds;
        g.states[state_name(process.state)] += 1;
    }
    return g;
}

// A process writes its pid file after it starts; one that started later only shares the PID
// with the process that wrote it. The slack covers clock-tick rounding of start times.
bool started_after(const ProcessSample& process, const std::filesystem::path& pid_file) {
    struct stat info {};
    if (::stat(pid_file.c_str(), &info) != 0) return false;
    double written = static_cast<double>(info.st_mtim.tv_sec) + info.st_mtim.tv_nsec / 1e9;
    return process.start_time_seconds > written + 2.0;
}

}  // namespace

NamedProcesses::Counters& NamedProcesses::Counters::operator+=(const Counters& other) {
    user_seconds += other.user_seconds;
    system_seconds += other.system_seconds;
    minor_faults += other.minor_faults;
    major_faults += other.major_faults;
    voluntary_switches += other.voluntary_switches;
    involuntary_switches += other.involuntary_switches;
    read_bytes += other.read_bytes;
    write_bytes += other.write_bytes;
    return *this;
}

NamedProcesses::NamedProcesses(NamedProcessesOptions options)
    : options_(std::move(options)), proc_(options_.proc_root) {
    std::set<std::string> names;
    for (const auto& group : options_.groups) {
        if (group.name.empty()) throw ConfigError("process group without a name");
        if (group.pid_file.empty())
            throw ConfigError("process group \"" + group.name + "\" has no pid file");
        if (!names.insert(group.name).second)
            throw ConfigError("process group \"" + group.name + "\" named twice");
        groups_.push_back({group});
    }
}

NamedProcesses::Members NamedProcesses::sample(const Group& group,
                                               const std::multimap<pid_t, pid_t>& children,
                                               ProcessReads reads) const {
    Members members;
    const auto& pid_file = group.options.pid_file;
    auto pid = read_pid_file(pid_file);
    if (auto* error = std::get_if<std::string>(&pid)) {
        members.problem = *error;
        return members;
    }
    members.root = std::get<pid_t>(pid);
    auto root = proc_.read(members.root, reads);
    if (!root) {
        members.problem = "process " + std::to_string(members.root) + " from " + pid_file.string() +
                          " is not running";
        return members;
    }
    if (started_after(*root, pid_file)) {
        members.problem = "process " + std::to_string(members.root) + " started after " +
                          pid_file.string() + " was written: a stale pid file, its PID reused";
        return members;
    }
    std::vector<pid_t> pending{members.root};
    while (!pending.empty()) {
        pid_t next = pending.back();
        pending.pop_back();
        auto sample = next == members.root ? root : proc_.read(next, reads);
        if (!sample) continue;  // exited meanwhile
        members.processes.push_back(*sample);
        auto [first, last] = children.equal_range(next);
        for (auto it = first; it != last; ++it) pending.push_back(it->second);
    }
    return members;
}

std::vector<NamedProcesses::Members> NamedProcesses::sample_all(
    const std::vector<std::pair<pid_t, pid_t>>& parents, ProcessReads reads) const {
    std::multimap<pid_t, pid_t> children;
    for (const auto& [pid, parent] : parents) children.emplace(parent, pid);
    std::vector<Members> all;
    for (const auto& group : groups_) all.push_back(sample(group, children, reads));
    return all;
}

NamedProcesses::Counters NamedProcesses::account(Group& group, const Members& members) {
    std::map<std::pair<pid_t, double>, Counters> live;
    for (const auto& process : members.processes)
        live.emplace(std::pair{process.pid, process.start_time_seconds}, counters_of(process));
    for (const auto& [key, last] : group.live)
        if (!live.count(key)) group.exited += last;
    group.live = std::move(live);
    Counters totals = group.exited;
    for (const auto& [key, counters] : group.live) totals += counters;
    return totals;
}

void NamedProcesses::note_problem(Group& group, const std::string& problem) {
    if (problem == group.problem) return;
    log::Context context{{"target", options_.name}, {"group", group.options.name}};
    if (problem.empty()) {
        log::info("process group is running again", context);
    } else {
        context["error"] = problem;
        log::warn("process group has no process", context);
    }
    group.problem = problem;
}

void NamedProcesses::emit(const Group& group, const Members& members, const Counters& totals,
                          MetricSet& out) const {
    const std::string prefix = "namedprocess_namegroup_";
    const std::string& name = group.options.name;
    Labels labels{{"groupname", name}};
    auto with = [&](const char* key, const char* value) {
        return Labels{{"groupname", name}, {key, value}};
    };

    auto gauges = summarize(members.processes);
    out.gauge(prefix + "num_procs", "number of processes in this group",
              static_cast<double>(members.processes.size()), labels);
    out.counter(prefix + "cpu_seconds_total", "Cpu user usage in seconds", totals.user_seconds,
                with("mode", "user"));
    out.counter(prefix + "cpu_seconds_total", "Cpu user usage in seconds", totals.system_seconds,
                with("mode", "system"));
    out.counter(prefix + "read_bytes_total", "number of bytes read by this group",
                totals.read_bytes, labels);
    out.counter(prefix + "write_bytes_total", "number of bytes written by this group",
                totals.write_bytes, labels);
    out.counter(prefix + "major_page_faults_total", "Major page faults", totals.major_faults,
                labels);
    out.counter(prefix + "minor_page_faults_total", "Minor page faults", totals.minor_faults,
                labels);
    out.counter(prefix + "context_switches_total", "Context switches", totals.voluntary_switches,
                with("ctxswitchtype", "voluntary"));
    out.counter(prefix + "context_switches_total", "Context switches", totals.involuntary_switches,
                with("ctxswitchtype", "nonvoluntary"));
    const char* memory_help = "number of bytes of memory in use";
    out.gauge(prefix + "memory_bytes", memory_help, gauges.resident, with("memtype", "resident"));
    out.gauge(prefix + "memory_bytes", memory_help, gauges.virtual_bytes,
              with("memtype", "virtual"));
    out.gauge(prefix + "memory_bytes", memory_help, gauges.swapped, with("memtype", "swapped"));
    if (options_.proportional_memory) {
        out.gauge(prefix + "memory_bytes", memory_help, gauges.proportional_resident,
                  with("memtype", "proportionalResident"));
        out.gauge(prefix + "memory_bytes", memory_help, gauges.proportional_swapped,
                  with("memtype", "proportionalSwapped"));
    }
    out.gauge(prefix + "open_filedesc", "number of open file descriptors for this group",
              gauges.open_fds, labels);
    out.gauge(
        prefix + "worst_fd_ratio",
        "the worst (closest to 1) ratio between open fds and max fds among all procs in this group",
        gauges.worst_fd_ratio, labels);
    out.gauge(prefix + "oldest_start_time_seconds",
              "start time in seconds since 1970/01/01 of oldest process in group",
              gauges.oldest_start, labels);
    out.gauge(prefix + "num_threads", "Number of threads", gauges.threads, labels);
    for (const auto& [state, count] : gauges.states)
        out.gauge(prefix + "states",
                  "Number of processes in states Running, Sleeping, Waiting, Zombie, or Other",
                  count, with("state", state.c_str()));
}

void NamedProcesses::collect(MetricSet& out, Deadline, LatencyObserver& latency) {
    auto start = std::chrono::steady_clock::now();
    auto parents = proc_.parents();
    if (parents.empty()) ++scrape_errors_;  // no /proc to read at all
    auto all = sample_all(parents, {.proportional_memory = options_.proportional_memory});
    for (const auto& members : all)
        for (const auto& process : members.processes)
            partial_errors_ += process.partial() || (options_.proportional_memory &&
                                                     !process.proportional_resident_bytes);
    for (std::size_t i = 0; i < groups_.size(); ++i) {
        note_problem(groups_[i], all[i].problem);
        emit(groups_[i], all[i], account(groups_[i], all[i]), out);
    }
    out.counter("namedprocess_scrape_errors",
                "general scrape errors: no proc metrics collected during a cycle", scrape_errors_);
    out.counter("namedprocess_scrape_partial_errors",
                "incremented each time a tracked proc's metrics collection fails partially, e.g. "
                "unreadable I/O stats",
                partial_errors_);
    latency.collector(
        options_.name, "process",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

nlohmann::json NamedProcesses::health(Deadline, LatencyObserver&) {
    // Resident memory is all the check reports: no proportional memory (smaps_rollup walks each
    // process' page tables), and no error counting, which is the scrapes' business.
    auto all = sample_all(proc_.parents(), {});
    nlohmann::json groups = nlohmann::json::object();
    std::size_t running = 0;
    for (std::size_t i = 0; i < groups_.size(); ++i) {
        const auto& members = all[i];
        double resident = summarize(members.processes).resident;
        groups[groups_[i].options.name] = {
            {"pid", members.root > 0 ? nlohmann::json(members.root) : nlohmann::json(nullptr)},
            {"num_procs", members.processes.size()},
            {"resident_bytes", resident},
            {"error",
             members.problem.empty() ? nlohmann::json(nullptr) : nlohmann::json(members.problem)}};
        if (!members.processes.empty()) ++running;
    }
    const char* status = running == groups_.size() ? "ok" : running == 0 ? "down" : "degraded";
    return {{"status", status}, {"groups", groups}};
}

}  // namespace stackwatch::exporter::process
