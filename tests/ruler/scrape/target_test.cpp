#include "ruler/scrape/target.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch;
using namespace stackwatch::scrape;

BOOST_AUTO_TEST_SUITE(target)

BOOST_AUTO_TEST_CASE(derives_target_labels_and_url) {
    auto configs = parse_scrape_configs(ConfigNode::load_string(R"(
scrape_configs:
  - job_name: node
    scrape_interval: 15s
    params: {module: [a b]}
    static_configs:
      - targets: ["h1:9100", "h2:9100", "h1:9100"]
        labels: {env: prod}
      - targets: ["h3:9100"]
        labels: {job: custom, instance: named}
)",
                                                                "ruler.yml"));
    auto config = std::make_shared<const ScrapeConfig>(configs[0]);
    auto targets = targets_of(config);
    BOOST_REQUIRE(targets.size() == 3u);  // the repeated h1 is one target
    BOOST_TEST(targets[0].url == "http://h1:9100/metrics?module=a%20b");
    BOOST_TEST(targets[0].labels.to_string() ==
               "{env=\"prod\", instance=\"h1:9100\", job=\"node\"}");
    BOOST_TEST(targets[0].discovered_labels.get("__address__") == "h1:9100");
    BOOST_TEST(targets[0].discovered_labels.get("__scrape_interval__") == "15s");
    BOOST_TEST(targets[0].discovered_labels.get("__param_module") == "a b");
    // Static labels override the job name and the address as instance, as in Prometheus.
    BOOST_TEST(targets[2].labels.to_string() == "{instance=\"named\", job=\"custom\"}");

    auto now = std::chrono::system_clock::now();
    for (const auto& target : targets) {
        auto delay = first_scrape_delay(target, now);
        BOOST_TEST(delay.count() >= 0);
        BOOST_TEST(delay.count() <= 15000);
        BOOST_TEST(delay == first_scrape_delay(target, now));  // a fixed slot, not a random one
    }
}

BOOST_AUTO_TEST_SUITE_END()
