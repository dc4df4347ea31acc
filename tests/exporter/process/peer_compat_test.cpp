#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "exporter/process/named_processes.hpp"
#include "tests/exporter/redis/peer_exporter.hpp"
#include "tests/exporter/redis/recording_latency.hpp"
#include "tests/support/redis_server.hpp"

using namespace std::chrono_literals;

namespace {

constexpr const char* kPeerExporter = "/usr/bin/prometheus-process-exporter";

}  // namespace

BOOST_AUTO_TEST_SUITE(process_peer)

BOOST_AUTO_TEST_CASE(families_and_types_match_process_exporter) {
    if (!std::filesystem::exists(kPeerExporter)) {
        BOOST_TEST_MESSAGE("skipped: "
                           << kPeerExporter
                           << " is not installed (apt-get install prometheus-process-exporter)");
        return;
    }
    // process-exporter groups by name; every redis-server here, the test one among them.
    stackwatch::test::PeerExporter peer(
        {kPeerExporter, "-procnames", "redis-server", "-threads=false"});
    auto theirs = stackwatch::test::family_types(peer.metrics());

    stackwatch::exporter::process::NamedProcesses target(
        {.groups = {{"redis-server", stackwatch::test::shared_redis().pid_file()}}});
    stackwatch::test::RecordingLatency latency;
    stackwatch::exporter::MetricSet out;
    target.collect(out, stackwatch::exporter::Deadline::in(5s), latency);
    auto ours = stackwatch::test::family_types(out.serialize());

    BOOST_REQUIRE(theirs.count("namedprocess_namegroup_num_procs") == 1u);
    std::size_t compared = 0;
    for (const auto& [name, type] : theirs) {
        // Per-thread detail is not collected; a read error of a vanishing process is just an exit
        // here.
        if (!name.starts_with("namedprocess_") ||
            name.starts_with("namedprocess_namegroup_thread") ||
            name == "namedprocess_namegroup_threads_wchan" ||
            name == "namedprocess_scrape_procread_errors")
            continue;
        BOOST_TEST_CONTEXT("family " << name) {
            BOOST_TEST(ours.count(name) == 1u);
            if (ours.count(name)) BOOST_TEST(ours.at(name) == type);
        }
        ++compared;
    }
    BOOST_TEST(compared >= 15u);
}

BOOST_AUTO_TEST_SUITE_END()
