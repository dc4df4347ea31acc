// A real stackwatch-ruler writing a recording rule's results to a remote that is down, killed
// with SIGKILL, and started again once the remote is back: every sample that had been batched
// before the kill reaches the remote, in order.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>

#include "common/http_client.hpp"
#include "tests/ruler/remote_write/decode.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/program.hpp"

using namespace stackwatch;
using namespace std::chrono_literals;

namespace {

// The ruler's own figure `name` from its /metrics, or -1.
double ruler_metric(const test::Program& ruler, const std::string& name) {
    auto body = http::get(ruler.url("/metrics")).body;
    auto at = body.find("\n" + name + "{");
    if (at == std::string::npos) return -1;
    auto end = body.find('\n', at + 1);
    auto line = body.substr(at + 1, end - at - 1);
    return std::stod(line.substr(line.rfind(' ') + 1));
}

// Timestamps of every sample the receiver took with a 2xx, in arrival order.
std::vector<std::int64_t> delivered_timestamps(const test::HttpReceiver& receiver) {
    std::vector<std::int64_t> out;
    for (const auto& request : receiver.requests()) {
        if (request.status / 100 != 2) continue;
        auto decoded = test::decode_write_request(request.body);
        for (const auto& ts : decoded.timeseries())
            for (const auto& s : ts.samples()) out.push_back(s.timestamp());
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(remote_write_kill)

BOOST_AUTO_TEST_CASE(batches_buffered_during_an_outage_survive_a_sigkill) {
    auto dir = test::make_temp_dir("stackwatch-remote-write-kill");
    test::HttpReceiver receiver;
    receiver.always(503);
    std::ofstream(dir / "rules.yml") << "groups:\n- name: written\n  interval: 200ms\n  rules:\n"
                                        "  - {record: 'written:one', expr: vector(1)}\n";
    std::ofstream(dir / "ruler.yml")
        << "global: {evaluation_interval: 200ms}\n"
           "rule_files: [rules.yml]\n"
           "remote_write:\n"
           "  - url: '"
        << receiver.url("/api/v1/write")
        << "'\n"
           "    queue_config: {batch_send_deadline: 100ms, min_backoff: 10ms, max_backoff: "
           "50ms}\n";
    std::vector<std::string> argv = {"stackwatch-ruler",
                                     "--config.file=" + (dir / "ruler.yml").string(),
                                     "--storage.state-path=" + (dir / "state.db").string()};
    double pending_at_kill = 0;
    std::int64_t killed_at_ms = 0;
    {
        test::Program ruler(argv);
        ruler.wait_until_serving("/-/healthy");
        // Twenty evaluations refused by the remote, all of them older than a batch deadline.
        BOOST_REQUIRE(test::eventually(
            [&] { return ruler_metric(ruler, "prometheus_remote_storage_samples_pending") >= 20; },
            30s));
        pending_at_kill = ruler_metric(ruler, "prometheus_remote_storage_samples_pending");
        killed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
        ruler.kill_hard();
    }
    BOOST_TEST(delivered_timestamps(receiver).empty());

    receiver.always(0);
    test::Program ruler(argv);
    ruler.wait_until_serving("/-/healthy");
    // What was pending at the kill, less at most the newest batch still in memory, and the
    // evaluations of the restarted ruler after it.
    BOOST_TEST(test::eventually(
        [&] { return delivered_timestamps(receiver).size() >= pending_at_kill + 5; }, 30s));
    auto timestamps = delivered_timestamps(receiver);
    std::set<std::int64_t> distinct(timestamps.begin(), timestamps.end());
    BOOST_TEST(distinct.size() == timestamps.size(), "no sample sent twice");
    BOOST_TEST(std::is_sorted(timestamps.begin(), timestamps.end()), "in order");
    // Everything made before the kill arrived but the one batch that may still have been in
    // memory.
    auto before_kill = std::count_if(timestamps.begin(), timestamps.end(),
                                     [&](std::int64_t t) { return t < killed_at_ms; });
    BOOST_TEST(before_kill >= pending_at_kill - 1, before_kill << " of " << pending_at_kill);
    test::remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
