#include "ruler/scrape/scrape_manager.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "tests/ruler/scrape/fake_exporter.hpp"
#include "tests/ruler/scrape/store_reader.hpp"

using namespace stackwatch;
using namespace stackwatch::scrape;
using namespace std::chrono_literals;
using test::eventually;
using test::FakeExporter;
using test::latest;
using test::series_of;

namespace {

struct ManagerFixture {
    storage::MemoryStore store;
    ScrapeManager manager{store};

    void apply(const std::string& scrape_configs) {
        manager.apply(parse_scrape_configs(
            ConfigNode::load_string("scrape_configs:\n" + scrape_configs, "test.yml")));
    }
    // The job's latest `up` value, when there is one.
    std::optional<double> up(const std::string& job, const std::string& instance) {
        auto sample = latest(store, "up", {{"job", job}, {"instance", instance}});
        return sample ? std::optional(sample->v) : std::nullopt;
    }
    bool stale(const std::string& name,
               const std::vector<std::pair<std::string, std::string>>& labels) {
        auto sample = latest(store, name, labels);
        return sample && promql::is_stale_marker(sample->v);
    }
};

std::string job(const std::string& name, const std::string& address,
                const std::string& extra = "    scrape_interval: 100ms\n") {
    return "  - job_name: " + name + "\n" + extra + "    static_configs: [{targets: ['" + address +
           "']}]\n";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(scrape_manager, ManagerFixture)

BOOST_AUTO_TEST_CASE(scrapes_into_the_store_with_target_labels_and_report_series) {
    // Over 1 KiB, so the endpoint compresses it for a client that accepts gzip.
    std::string body = "# TYPE t gauge\nt{kind=\"a\"} 42\nt{kind=\"b\"} 7\n";
    for (int i = 0; i < 100; ++i)
        body += "pad{i=\"" + std::to_string(i) + "\"} " + std::to_string(i) + "\n";
    FakeExporter exporter(body);
    apply(
        "  - job_name: app\n"
        "    scrape_interval: 100ms\n"
        "    params: {format: [text]}\n"
        "    basic_auth: {username: scraper, password: pw}\n"
        "    static_configs: [{targets: ['" +
        exporter.address() + "'], labels: {env: test}}]\n");
    BOOST_REQUIRE(eventually([&] { return up("app", exporter.address()) == 1.0; }));

    auto a = series_of(store, "t", {{"kind", "a"}});
    BOOST_REQUIRE(a.size() == 1u);
    BOOST_TEST(a[0].labels.to_string() ==
               "t{env=\"test\", instance=\"" + exporter.address() + "\", job=\"app\", kind=\"a\"}");
    BOOST_TEST(a[0].samples.front().v == 42);
    BOOST_TEST(latest(store, "pad", {{"i", "99"}})->v == 99);
    BOOST_TEST(latest(store, "scrape_samples_scraped", {{"job", "app"}})->v == 102);
    BOOST_TEST(latest(store, "scrape_samples_post_metric_relabeling", {{"job", "app"}})->v == 102);
    BOOST_TEST(series_of(store, "scrape_series_added", {{"job", "app"}})[0].samples.front().v ==
               102);
    BOOST_TEST(latest(store, "scrape_duration_seconds", {{"env", "test"}})->v >= 0);

    BOOST_TEST(exporter.header("accept").find("application/openmetrics-text;version=1.0.0") == 0u);
    BOOST_TEST(exporter.header("x-prometheus-scrape-timeout-seconds") == "0.1");
    BOOST_TEST(exporter.header("accept-encoding").find("gzip") != std::string::npos);
    BOOST_TEST(exporter.header("authorization") == "Basic c2NyYXBlcjpwdw==");
    BOOST_TEST(exporter.query() == "format=text");

    auto targets = manager.targets_json();
    BOOST_REQUIRE(targets["activeTargets"].size() == 1u);
    const auto& target = targets["activeTargets"][0];
    BOOST_TEST(target["health"] == "up");
    BOOST_TEST(target["lastError"] == "");
    BOOST_TEST(target["scrapePool"] == "app");
    BOOST_TEST(target["scrapeUrl"] == "http://" + exporter.address() + "/metrics?format=text");
    BOOST_TEST(target["labels"]["instance"] == exporter.address());
    BOOST_TEST(target["discoveredLabels"]["__address__"] == exporter.address());
    BOOST_TEST(target["scrapeInterval"] == "100ms");
    BOOST_TEST(target["lastScrape"] != "0001-01-01T00:00:00Z");
    BOOST_TEST(targets["droppedTargets"].empty());
}

BOOST_AUTO_TEST_CASE(failing_target_is_down_and_its_series_go_stale) {
    FakeExporter exporter("t{kind=\"a\"} 1\nt{kind=\"b\"} 2\n");
    apply(job("app", exporter.address()));
    BOOST_REQUIRE(eventually([&] { return up("app", exporter.address()) == 1.0; }));

    // A series that disappears between scrapes ends; the others go on.
    exporter.serve("t{kind=\"a\"} 1\n");
    BOOST_REQUIRE(eventually([&] { return stale("t", {{"kind", "b"}}); }));
    BOOST_TEST(!stale("t", {{"kind", "a"}}));

    exporter.serve("oops", 500);
    BOOST_REQUIRE(eventually([&] { return up("app", exporter.address()) == 0.0; }));
    BOOST_TEST(stale("t", {{"kind", "a"}}));
    auto status = manager.targets().at(0);
    BOOST_TEST(status.health == "down");
    BOOST_TEST(status.last_error == "server returned HTTP status 500");

    exporter.serve("t{kind=\"a\"} 3\n");
    BOOST_REQUIRE(eventually([&] { return up("app", exporter.address()) == 1.0; }));
    BOOST_TEST(latest(store, "t", {{"kind", "a"}})->v == 3);

    exporter.serve("t{kind=\"a\"} 3\nbroken{\n");
    BOOST_REQUIRE(eventually([&] { return up("app", exporter.address()) == 0.0; }));
    BOOST_TEST(manager.targets().at(0).last_error == "line 2: unterminated label set");

    exporter.stop();
    BOOST_REQUIRE(eventually(
        [&] { return manager.targets().at(0).last_error.find("onnect") != std::string::npos; }));
    BOOST_TEST((up("app", exporter.address()) == 0.0));
}

BOOST_AUTO_TEST_CASE(reads_openmetrics_when_the_target_serves_it) {
    const std::string openmetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    FakeExporter exporter;
    exporter.serve("# TYPE jobs counter\njobs_total 5\njobs_created 1.7e9\n# EOF\n", 200,
                   openmetrics);
    apply(job("om", exporter.address()));
    BOOST_REQUIRE(eventually([&] { return up("om", exporter.address()) == 1.0; }));
    BOOST_TEST(latest(store, "jobs_total")->v == 5);
    BOOST_TEST(series_of(store, "jobs_created").empty());
    BOOST_TEST(latest(store, "scrape_samples_scraped", {{"job", "om"}})->v == 1);

    // The same body without its terminator is not valid OpenMetrics.
    exporter.serve("# TYPE jobs counter\njobs_total 6\n", 200, openmetrics);
    BOOST_REQUIRE(eventually([&] { return up("om", exporter.address()) == 0.0; }));
    BOOST_TEST(manager.targets().at(0).last_error == "line 2: data does not end with # EOF");
}

BOOST_AUTO_TEST_CASE(slow_target_does_not_delay_another) {
    FakeExporter slow("s 1\n");
    FakeExporter fast("f 1\n");
    slow.hold();
    apply(job("slow", slow.address(), "    scrape_interval: 5s\n    scrape_timeout: 5s\n") +
          job("fast", fast.address()));
    BOOST_REQUIRE(slow.wait_for_requests(1));
    const int before = fast.requests();
    // While the slow target's first scrape hangs, the fast one keeps its own schedule.
    BOOST_REQUIRE(fast.wait_for_requests(before + 3));
    BOOST_TEST(!up("slow", slow.address()).has_value());
    BOOST_TEST(manager.targets().at(1).health == "unknown");

    slow.release();
    BOOST_REQUIRE(eventually([&] { return up("slow", slow.address()) == 1.0; }));
}

BOOST_AUTO_TEST_CASE(reload_keeps_unchanged_targets_and_ends_removed_ones) {
    FakeExporter kept("k 1\n");
    FakeExporter removed("r 1\n");
    apply(job("kept", kept.address()) + job("removed", removed.address()));
    BOOST_REQUIRE(eventually([&] {
        return up("kept", kept.address()) == 1.0 && up("removed", removed.address()) == 1.0;
    }));
    const int kept_requests = kept.requests();

    apply(job("kept", kept.address()));
    // The removed target's series and report series end as soon as apply() returns.
    BOOST_TEST(stale("r", {}));
    BOOST_TEST(stale("up", {{"job", "removed"}}));
    BOOST_TEST(stale("scrape_duration_seconds", {{"job", "removed"}}));
    BOOST_TEST(!stale("k", {}));
    BOOST_REQUIRE(manager.targets().size() == 1u);
    BOOST_TEST(manager.targets()[0].target.config->job_name == "kept");
    BOOST_TEST(kept.wait_for_requests(kept_requests + 2));
    BOOST_TEST(!stale("k", {}));

    // Changed job settings restart the loop with them.
    apply(job("kept", kept.address(), "    scrape_interval: 200ms\n"));
    auto samples = series_of(store, "k").at(0).samples;
    BOOST_TEST(
        std::ranges::any_of(samples, [](const auto& s) { return promql::is_stale_marker(s.v); }));
    BOOST_TEST(manager.targets().at(0).target.config->scrape_interval.count() == 200);
    BOOST_TEST(eventually([&] { return !stale("k", {}); }));
}

BOOST_AUTO_TEST_CASE(truncates_the_store_to_the_window_asked_for) {
    FakeExporter exporter("t 1\n");
    apply(job("app", exporter.address()));
    BOOST_REQUIRE(eventually([&] { return up("app", exporter.address()) == 1.0; }));
    manager.stop();
    const auto samples = store.sample_count();
    manager.truncate(1h);
    BOOST_TEST(store.sample_count() == samples);
    manager.truncate(0ms);
    BOOST_TEST(store.sample_count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
