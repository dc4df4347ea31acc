#include "exporter/process/self_process.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>

#include "tests/exporter/redis/metric_lookup.hpp"
#include "tests/support/promtool.hpp"

using stackwatch::exporter::MetricSet;
using stackwatch::exporter::process::collect_self_process;
using stackwatch::exporter::process::read_self_process;
using stackwatch::test::find_family;
using stackwatch::test::sample_value;
using stackwatch::test::type_name;

namespace {

double cpu_seconds() {
    MetricSet out;
    collect_self_process(out);
    return sample_value(out, "process_cpu_seconds_total").value_or(-1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(self_process)

BOOST_AUTO_TEST_CASE(families_named_and_described_as_client_golang) {
    MetricSet out;
    collect_self_process(out);
    struct Want {
        const char *name, *type, *help;
    };
    for (const Want& want : {
             Want{"process_cpu_seconds_total", "counter",
                  "Total user and system CPU time spent in seconds."},
             Want{"process_open_fds", "gauge", "Number of open file descriptors."},
             Want{"process_max_fds", "gauge", "Maximum number of open file descriptors."},
             Want{"process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes."},
             Want{"process_virtual_memory_max_bytes", "gauge",
                  "Maximum amount of virtual memory available in bytes."},
             Want{"process_resident_memory_bytes", "gauge", "Resident memory size in bytes."},
             Want{"process_start_time_seconds", "gauge",
                  "Start time of the process since unix epoch in seconds."},
             Want{"process_threads", "gauge", "Number of OS threads in the process."},
         }) {
        BOOST_TEST_CONTEXT(want.name) {
            const auto* family = find_family(out, want.name);
            BOOST_REQUIRE(family);
            BOOST_TEST(type_name(family->type) == want.type);
            BOOST_TEST(family->help == want.help);
            BOOST_TEST(family->metric.size() == 1u);
        }
    }
    if (std::filesystem::exists(stackwatch::test::kPromtool))
        BOOST_TEST(stackwatch::test::promtool_problems(out.serialize()).empty());
}

BOOST_AUTO_TEST_CASE(values_are_plausible) {
    MetricSet out;
    collect_self_process(out);
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    BOOST_TEST(*sample_value(out, "process_resident_memory_bytes") > 0);
    BOOST_TEST(*sample_value(out, "process_virtual_memory_bytes") >=
               *sample_value(out, "process_resident_memory_bytes"));
    BOOST_TEST(*sample_value(out, "process_start_time_seconds") <= now);
    BOOST_TEST(*sample_value(out, "process_open_fds") >= 3);
    BOOST_TEST(*sample_value(out, "process_max_fds") >= *sample_value(out, "process_open_fds"));
    BOOST_TEST(*sample_value(out, "process_threads") >= 1);
    auto facts = read_self_process();
    BOOST_REQUIRE(facts);
    BOOST_TEST(facts->pid == ::getpid());
}

BOOST_AUTO_TEST_CASE(cpu_grows_after_burning_cycles) {
    double before = cpu_seconds();
    BOOST_REQUIRE(before >= 0);
    // Burn until the kernel's tick accounting shows it, bounded so a broken reading fails.
    volatile double sink = 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    double after = before;
    while (after <= before && std::chrono::steady_clock::now() < until) {
        for (int i = 0; i < 2'000'000; ++i) sink = sink + std::sqrt(static_cast<double>(i));
        after = cpu_seconds();
    }
    BOOST_TEST(after > before);
}

BOOST_AUTO_TEST_SUITE_END()
