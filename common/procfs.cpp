#include "common/procfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <limits>
#include <string>
#include <string_view>

namespace stackwatch::process {
namespace {

// With read(2) rather than an ifstream: a scrape reads several /proc files per process, and a
// stream's set-up cost more than the reading.
std::optional<std::string> read_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    if (n < 0) return std::nullopt;
    return text;
}

std::uint64_t to_u64(std::string_view text) {
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// The fields after "pid (comm)" of /proc/<pid>/stat; comm may itself hold spaces and ')'.
std::vector<std::string_view> stat_fields(std::string_view stat) {
    std::vector<std::string_view> fields;
    auto close = stat.rfind(')');
    if (close == std::string_view::npos) return fields;
    auto rest = stat.substr(close + 1);
    while (!rest.empty()) {
        auto start = rest.find_first_not_of(" \n");
        if (start == std::string_view::npos) break;
        rest = rest.substr(start);
        auto end = rest.find_first_of(" \n");
        fields.push_back(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
    return fields;
}

// Field N of proc(5)'s numbering (1-based, state is 3) within stat_fields().
std::string_view stat_field(const std::vector<std::string_view>& fields, int number) {
    auto index = static_cast<std::size_t>(number - 3);
    return index < fields.size() ? fields[index] : std::string_view();
}

// "Key:   value unit" lines of /proc/<pid>/status and /proc/<pid>/io.
std::optional<std::uint64_t> keyed_value(std::string_view text, std::string_view key) {
    std::size_t at = 0;
    while ((at = text.find(key, at)) != std::string_view::npos) {
        bool line_start = at == 0 || text[at - 1] == '\n';
        if (line_start && at + key.size() < text.size() && text[at + key.size()] == ':') {
            auto value = text.substr(at + key.size() + 1);
            auto start = value.find_first_not_of(" \t");
            return start == std::string_view::npos ? 0 : to_u64(value.substr(start));
        }
        at += key.size();
    }
    return std::nullopt;
}

// "Max open files            1024                 1048576              files" -> soft limit.
std::optional<std::uint64_t> soft_limit(std::string_view limits, std::string_view name) {
    auto at = limits.find(name);
    if (at == std::string_view::npos) return std::nullopt;
    auto value = limits.substr(at + name.size());
    auto start = value.find_first_not_of(' ');
    if (start == std::string_view::npos) return std::nullopt;
    value = value.substr(start);
    if (value.starts_with("unlimited")) return std::numeric_limits<std::uint64_t>::max();
    return to_u64(value);
}

std::optional<std::uint64_t> count_entries(const std::filesystem::path& dir) {
    std::error_code error;
    std::filesystem::directory_iterator it(dir, error);
    if (error) return std::nullopt;
    std::uint64_t count = 0;
    for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
        if (error) return std::nullopt;
        ++count;
    }
    return count;
}

std::optional<pid_t> as_pid(const std::string& name) {
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc() || end != name.data() + name.size() || pid <= 0) return std::nullopt;
    return pid;
}

}  // namespace

ProcFs::ProcFs(std::filesystem::path root)
    : root_(std::move(root)),
      ticks_per_second_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_size_(static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE))) {
    // "btime 1700000000" in <root>/stat: the boot time start times count from.
    if (auto stat = read_file(root_ / "stat"))
        if (auto at = stat->find("\nbtime "); at != std::string::npos)
            boot_time_ = static_cast<double>(to_u64(std::string_view(*stat).substr(at + 7)));
}

std::optional<ProcessSample> ProcFs::read(pid_t pid, ProcessReads reads) const {
    auto dir = root_ / std::to_string(pid);
    auto stat = read_file(dir / "stat");
    if (!stat) return std::nullopt;
    auto fields = stat_fields(*stat);
    if (fields.size() < 22) return std::nullopt;
    ProcessSample sample;
    sample.pid = pid;
    sample.state = stat_field(fields, 3).empty() ? '?' : stat_field(fields, 3).front();
    sample.ppid = static_cast<pid_t>(to_u64(stat_field(fields, 4)));
    sample.minor_faults = to_u64(stat_field(fields, 10));
    sample.major_faults = to_u64(stat_field(fields, 12));
    sample.user_seconds = static_cast<double>(to_u64(stat_field(fields, 14))) / ticks_per_second_;
    sample.system_seconds = static_cast<double>(to_u64(stat_field(fields, 15))) / ticks_per_second_;
    sample.threads = to_u64(stat_field(fields, 20));
    sample.start_time_seconds =
        boot_time_ + static_cast<double>(to_u64(stat_field(fields, 22))) / ticks_per_second_;
    sample.virtual_bytes = to_u64(stat_field(fields, 23));
    sample.resident_bytes = to_u64(stat_field(fields, 24)) * page_size_;

    if (auto status = reads.status_and_io ? read_file(dir / "status") : std::nullopt) {
        sample.swapped_bytes = keyed_value(*status, "VmSwap").value_or(0) * 1024;
        sample.voluntary_switches = keyed_value(*status, "voluntary_ctxt_switches").value_or(0);
        sample.involuntary_switches =
            keyed_value(*status, "nonvoluntary_ctxt_switches").value_or(0);
    }
    if (auto io = reads.status_and_io ? read_file(dir / "io") : std::nullopt) {
        sample.read_bytes = keyed_value(*io, "read_bytes");
        sample.write_bytes = keyed_value(*io, "write_bytes");
    }
    if (auto rollup = reads.proportional_memory ? read_file(dir / "smaps_rollup") : std::nullopt) {
        auto kib = [&](std::string_view key) -> std::optional<std::uint64_t> {
            auto value = keyed_value(*rollup, key);
            return value ? std::optional(*value * 1024) : std::nullopt;
        };
        sample.proportional_resident_bytes = kib("Pss");
        sample.proportional_swapped_bytes = kib("SwapPss");
    }
    if (auto limits = read_file(dir / "limits")) {
        sample.max_fds = soft_limit(*limits, "Max open files");
        sample.max_virtual_bytes = soft_limit(*limits, "Max address space");
    }
    sample.open_fds = count_entries(dir / "fd");
    return sample;
}

std::vector<std::pair<pid_t, pid_t>> ProcFs::parents() const {
    std::vector<std::pair<pid_t, pid_t>> out;
    std::error_code error;
    for (std::filesystem::directory_iterator it(root_, error), end; !error && it != end;
         it.increment(error)) {
        auto pid = as_pid(it->path().filename().string());
        if (!pid) continue;
        auto stat = read_file(it->path() / "stat");
        if (!stat) continue;
        auto fields = stat_fields(*stat);
        if (fields.size() < 2) continue;
        out.emplace_back(*pid, static_cast<pid_t>(to_u64(stat_field(fields, 4))));
    }
    return out;
}

std::optional<ProcessSample> read_self_process() {
    static const ProcFs proc;
    return proc.read(::getpid(), {.status_and_io = false});
}

}  // namespace stackwatch::process
