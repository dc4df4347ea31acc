#include "exporter/process/named_processes.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "common/config.hpp"
#include "common/logging.hpp"
#include "tests/exporter/redis/metric_lookup.hpp"
#include "tests/exporter/redis/recording_latency.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/promtool.hpp"
#include "tests/support/redis_server.hpp"

using namespace std::chrono_literals;
using stackwatch::exporter::Deadline;
using stackwatch::exporter::MetricSet;
using stackwatch::exporter::process::NamedProcesses;
using stackwatch::exporter::process::NamedProcessesOptions;
using stackwatch::test::find_family;
using stackwatch::test::sample_value;
using stackwatch::test::type_name;

using stackwatch::test::eventually;

namespace {

MetricSet collect(NamedProcesses& target) {
    stackwatch::test::RecordingLatency latency;
    MetricSet out;
    target.collect(out, Deadline::in(5s), latency);
    return out;
}

double group_value(const MetricSet& out, const std::string& name, const std::string& group,
                   stackwatch::exporter::Labels extra = {}) {
    extra.insert(extra.begin(), {"groupname", group});
    auto value = sample_value(out, "namedprocess_namegroup_" + name, extra);
    BOOST_REQUIRE_MESSAGE(value, "no namedprocess_namegroup_" << name << " for " << group);
    return *value;
}

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A PID that certainly belonged to a process which has exited.
pid_t dead_pid() {
    pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    return child;
}

struct TempDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("stackwatch-proc-" + std::to_string(::getpid()));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() { std::filesystem::remove_all(path); }
};

// process-exporter's counters without the _total suffix promtool asks for.
const std::set<std::string> kCompatibilityNames = {"namedprocess_scrape_errors",
                                                   "namedprocess_scrape_partial_errors"};

}  // namespace

BOOST_AUTO_TEST_SUITE(named_processes)

BOOST_AUTO_TEST_CASE(redis_group_from_its_pid_file) {
    auto& redis = stackwatch::test::shared_redis();
    NamedProcesses target({.groups = {{"redis", redis.pid_file()}}});
    auto out = collect(target);
    BOOST_TEST(group_value(out, "num_procs", "redis") >= 1);
    BOOST_TEST(group_value(out, "memory_bytes", "redis", {{"memtype", "resident"}}) > 0);
    BOOST_TEST(group_value(out, "memory_bytes", "redis", {{"memtype", "virtual"}}) >=
               group_value(out, "memory_bytes", "redis", {{"memtype", "resident"}}));
    BOOST_TEST(group_value(out, "memory_bytes", "redis", {{"memtype", "swapped"}}) >= 0);
    BOOST_TEST(group_value(out, "open_filedesc", "redis") > 0);
    BOOST_TEST(group_value(out, "worst_fd_ratio", "redis") > 0);
    BOOST_TEST(group_value(out, "worst_fd_ratio", "redis") <= 1);
    BOOST_TEST(group_value(out, "num_threads", "redis") >= 1);
    BOOST_TEST(group_value(out, "oldest_start_time_seconds", "redis") <= now_seconds());
    BOOST_TEST(group_value(out, "oldest_start_time_seconds", "redis") > now_seconds() - 3600);
    BOOST_TEST(group_value(out, "cpu_seconds_total", "redis", {{"mode", "user"}}) >= 0);
}

BOOST_AUTO_TEST_CASE(families_typed_and_labelled_as_process_exporter) {
    NamedProcesses target({.groups = {{"redis", stackwatch::test::shared_redis().pid_file()}}});
    auto out = collect(target);
    struct Want {
        const char* name;
        const char* type;
        std::vector<std::string> labels;
    };
    for (const Want& want : {
             Want{"num_procs", "gauge", {"groupname"}},
             Want{"cpu_seconds_total", "counter", {"groupname", "mode"}},
             Want{"read_bytes_total", "counter", {"groupname"}},
             Want{"write_bytes_total", "counter", {"groupname"}},
             Want{"major_page_faults_total", "counter", {"groupname"}},
             Want{"minor_page_faults_total", "counter", {"groupname"}},
             Want{"context_switches_total", "counter", {"groupname", "ctxswitchtype"}},
             Want{"memory_bytes", "gauge", {"groupname", "memtype"}},
             Want{"open_filedesc", "gauge", {"groupname"}},
             Want{"worst_fd_ratio", "gauge", {"groupname"}},
             Want{"oldest_start_time_seconds", "gauge", {"groupname"}},
             Want{"num_threads", "gauge", {"groupname"}},
             Want{"states", "gauge", {"groupname", "state"}},
         }) {
        std::string name = std::string("namedprocess_namegroup_") + want.name;
        BOOST_TEST_CONTEXT(name) {
            const auto* family = find_family(out, name);
            BOOST_REQUIRE(family);
            BOOST_TEST(type_name(family->type) == want.type);
            for (const auto& metric : family->metric) {
                std::vector<std::string> names;
                for (const auto& label : metric.label) names.push_back(label.name);
                BOOST_TEST(names == want.labels, boost::test_tools::per_element());
            }
        }
    }
    for (const char* memtype :
         {"resident", "virtual", "swapped", "proportionalResident", "proportionalSwapped"})
        BOOST_TEST(sample_value(out, "namedprocess_namegroup_memory_bytes",
                                {{"groupname", "redis"}, {"memtype", memtype}})
                       .has_value(),
                   memtype);
    BOOST_TEST(group_value(out, "memory_bytes", "redis", {{"memtype", "proportionalResident"}}) >
               0);
    BOOST_TEST(*sample_value(out, "namedprocess_scrape_errors") == 0);
    double states = 0;
    for (const auto& metric : find_family(out, "namedprocess_namegroup_states")->metric)
        states += metric.gauge.value;
    BOOST_TEST(states == group_value(out, "num_procs", "redis"));
    if (std::filesystem::exists(stackwatch::test::kPromtool)) {
        auto problems = stackwatch::test::promtool_problems(out.serialize(), kCompatibilityNames);
        BOOST_TEST(problems.empty(), "promtool: " << (problems.empty() ? "" : problems.front()));
    }
}

BOOST_AUTO_TEST_CASE(proportional_memory_can_be_turned_off) {
    NamedProcesses target({.groups = {{"redis", stackwatch::test::shared_redis().pid_file()}},
                           .proportional_memory = false});
    auto out = collect(target);
    BOOST_TEST(group_value(out, "memory_bytes", "redis", {{"memtype", "resident"}}) > 0);
    BOOST_TEST(!sample_value(out, "namedprocess_namegroup_memory_bytes",
                             {{"groupname", "redis"}, {"memtype", "proportionalResident"}}));
}

BOOST_AUTO_TEST_CASE(postgres_group_counts_the_postmaster_and_its_children) {
    auto& postgres = stackwatch::test::shared_postgres();
    NamedProcesses target({.groups = {{"postgres", postgres.pid_file()}}});
    auto idle = collect(target);
    BOOST_TEST(group_value(idle, "num_procs", "postgres") > 1);
    BOOST_TEST(group_value(idle, "oldest_start_time_seconds", "postgres") <= now_seconds());

    pid_t backend = 0;
    double cpu_with_backend = 0;
    {
        pqxx::connection connection(postgres.dsn());
        pqxx::nontransaction work(connection);
        backend = work.exec1("SELECT pg_backend_pid()")[0].as<pid_t>();
        work.exec("SELECT count(*) FROM generate_series(1, 3000000)");
        // Every server process PostgreSQL lists, our backend among them, plus the postmaster
        // (workers come and go, hence the polling).
        BOOST_TEST(eventually([&] {
            double listed = work.exec1("SELECT count(*) FROM pg_stat_activity")[0].as<double>();
            return group_value(collect(target), "num_procs", "postgres") >= listed + 1;
        }));
        auto busy = collect(target);
        cpu_with_backend = group_value(busy, "cpu_seconds_total", "postgres", {{"mode", "user"}}) +
                           group_value(busy, "cpu_seconds_total", "postgres", {{"mode", "system"}});
    }
    // Once the backend has exited, its CPU time stays in the group's counter.
    BOOST_REQUIRE(eventually([&] { return ::kill(backend, 0) != 0; }));
    auto after = collect(target);
    double cpu_after = group_value(after, "cpu_seconds_total", "postgres", {{"mode", "user"}}) +
                       group_value(after, "cpu_seconds_total", "postgres", {{"mode", "system"}});
    BOOST_TEST(cpu_after >= cpu_with_backend);
}

BOOST_AUTO_TEST_CASE(missing_pid_file_and_dead_pid_report_zero_and_log_once) {
    TempDir dir;
    auto dead_file = dir.path / "dead.pid";
    std::ofstream(dead_file) << dead_pid() << "\n";
    auto log_dir = dir.path / "logs";
    stackwatch::log::init({.dir = log_dir.string(), .to_stdout = false});
    NamedProcesses target({.groups = {{"missing", dir.path / "absent.pid"},
                                      {"dead", dead_file},
                                      {"redis", stackwatch::test::shared_redis().pid_file()}}});
    MetricSet out;
    for (int i = 0; i < 3; ++i) out = collect(target);
    stackwatch::log::flush();
    stackwatch::log::init({});

    BOOST_TEST(group_value(out, "num_procs", "missing") == 0);
    BOOST_TEST(group_value(out, "num_procs", "dead") == 0);
    BOOST_TEST(group_value(out, "memory_bytes", "dead", {{"memtype", "resident"}}) == 0);
    BOOST_TEST(group_value(out, "num_procs", "redis") >= 1);

    std::ifstream log(log_dir / "combined.log");
    int missing_lines = 0, dead_lines = 0;
    for (std::string line; std::getline(log, line);) {
        if (line.find("process group has no process") == std::string::npos) continue;
        missing_lines += line.find("\"missing\"") != std::string::npos;
        dead_lines += line.find("\"dead\"") != std::string::npos;
    }
    BOOST_TEST(missing_lines == 1);
    BOOST_TEST(dead_lines == 1);

    stackwatch::test::RecordingLatency latency;
    auto health = target.health(Deadline::in(1s), latency);
    BOOST_TEST(health["status"] == "degraded");
    BOOST_TEST(health["groups"]["missing"]["num_procs"] == 0);
    BOOST_TEST(health["groups"]["missing"]["error"].get<std::string>().find("absent.pid") !=
               std::string::npos);
    BOOST_TEST(health["groups"]["redis"]["error"].is_null());
    BOOST_TEST(health["groups"]["redis"]["pid"] == stackwatch::test::shared_redis().pid());
}

BOOST_AUTO_TEST_CASE(stale_pid_file_with_a_reused_pid_is_not_followed) {
    TempDir dir;
    auto stale = dir.path / "stale.pid";
    std::ofstream(stale) << ::getpid() << "\n";  // a live PID, but this process started later
    std::filesystem::last_write_time(stale, std::filesystem::file_time_type::clock::now() - 24h);
    auto fresh = dir.path / "fresh.pid";
    std::ofstream(fresh) << ::getpid() << "\n";
    NamedProcesses target({.groups = {{"stale", stale}, {"fresh", fresh}}});
    auto out = collect(target);
    BOOST_TEST(group_value(out, "num_procs", "stale") == 0);
    BOOST_TEST(group_value(out, "num_procs", "fresh") >= 1);
    stackwatch::test::RecordingLatency latency;
    auto health = target.health(Deadline::in(1s), latency);
    BOOST_TEST(health["groups"]["stale"]["error"].get<std::string>().find("stale pid file") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_configuration_is_refused) {
    BOOST_CHECK_THROW(NamedProcesses({.groups = {{"", "/run/x.pid"}}}), stackwatch::ConfigError);
    BOOST_CHECK_THROW(NamedProcesses({.groups = {{"app", ""}}}), stackwatch::ConfigError);
    BOOST_CHECK_THROW(NamedProcesses({.groups = {{"app", "/a.pid"}, {"app", "/b.pid"}}}),
                      stackwatch::ConfigError);
}

BOOST_AUTO_TEST_SUITE_END()
