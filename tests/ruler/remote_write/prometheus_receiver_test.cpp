// The written series read back from a real Prometheus 2.42 (Debian's) that takes remote writes:
// the same labels, timestamps and values, staleness markers as gaps.

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "common/http_client.hpp"
#include "ruler/remote_write/write_queue.hpp"
#include "ruler/scrape/http_client_config.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/prometheus_server.hpp"

using namespace stackwatch;
using namespace std::chrono_literals;

namespace {

nlohmann::json query_range(const std::string& prometheus, const std::string& query,
                           std::int64_t start_ms, std::int64_t end_ms) {
    auto url = prometheus + "/api/v1/query_range?" +
               scrape::encode_query({{"query", query},
                                     {"start", std::to_string(start_ms / 1000.0)},
                                     {"end", std::to_string(end_ms / 1000.0)},
                                     {"step", "1"}});
    auto response = http::get(url);
    if (!response.ok()) return nlohmann::json::array();
    return nlohmann::json::parse(response.body)["data"]["result"];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prometheus_receiver)

BOOST_AUTO_TEST_CASE(written_samples_read_back_from_prometheus_unchanged) {
    test::PrometheusServer prometheus("127.0.0.1:1");
    prometheus::Registry registry;
    remote_write::WriteMetrics metrics(registry);
    remote_write::RemoteWriteConfig config;
    config.url = prometheus.url() + "/api/v1/write";
    config.name = "prometheus";
    config.queue.max_samples_per_send = 7;  // several requests
    config.queue.batch_send_deadline = 50ms;

    // Whole seconds a minute ago, so the step-1s range query lands on every sample.
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::int64_t start = (now - 60) * 1000;
    {
        remote_write::WriteQueue queue(config, metrics,
                                       std::make_shared<remote_write::WriteBuffer>(":memory:"));
        for (int i = 0; i < 20; ++i) {
            queue.append(promql::Labels{{"__name__", "job:requests:rate5m"}, {"job", "api"}},
                         start + i * 1000, i * 0.25);
            queue.append(
                promql::Labels{
                    {"__name__", "ALERTS"}, {"alertname", "HighLatency"}, {"alertstate", "firing"}},
                start + i * 1000, 1);
        }
    }
    nlohmann::json result;
    BOOST_TEST(test::eventually([&] {
        result = query_range(prometheus.url(), "job:requests:rate5m", start, start + 19'000);
        return result.size() == 1 && result[0]["values"].size() == 20;
    }));
    BOOST_TEST_REQUIRE(result.size() == 1u);
    BOOST_TEST(result[0]["metric"]["job"] == "api");
    for (int i = 0; i < 20; ++i) {
        const auto& point = result[0]["values"][i];
        BOOST_TEST(point[0].get<double>() * 1000 == static_cast<double>(start + i * 1000));
        BOOST_TEST(std::stod(point[1].get<std::string>()) == i * 0.25);
    }
    auto alerts =
        query_range(prometheus.url(), "ALERTS{alertstate=\"firing\"}", start, start + 19'000);
    BOOST_TEST_REQUIRE(alerts.size() == 1u);
    BOOST_TEST(alerts[0]["metric"]["alertname"] == "HighLatency");
    BOOST_TEST(alerts[0]["values"].size() == 20u);
}

BOOST_AUTO_TEST_SUITE_END()
