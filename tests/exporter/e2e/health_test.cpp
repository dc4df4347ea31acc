#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <condition_variable>

#include "common/http_server.hpp"
#include "tests/exporter/e2e/exporter_fixture.hpp"

using namespace stackwatch;
using namespace stackwatch::test;

namespace {

nlohmann::json get_json(const ExporterFixture& fx, const std::string& path, int expected_status = 200) {
    auto r = fx.get(path);
    BOOST_TEST(r.status == expected_status, path << " answered " << r.status << ": " << r.body);
    return nlohmann::json::parse(r.body);
}

// The exporter evaluates its health once as it starts (for the health metrics), and a request
// joins an evaluation in flight. An outage staged while that first evaluation still runs (a
// sanitizer build starts slowly) would go unseen by the next request, so tests that stage one
// wait for it first.
void wait_for_startup_evaluation(const ExporterFixture& fx) {
    fx.get("/health/ready");
}

// A local dependency for the external checks: /ok answers 200, /fail 500, /hang never (until the
// test ends and releases it).
struct Dependency {
    http::Server server{{.listen_addresses = {"127.0.0.1:0"}, .threads = 8}};
    std::mutex mutex;
    std::condition_variable cv;
    bool released = false;
    Dependency() {
        server.route("GET", "/ok", [](const http::Request&) { return http::Response::text("fine"); });
        server.route("GET", "/fail", [](const http::Request&) { return http::Response::text("broken", 500); });
        server.route("GET", "/hang", [this](const http::Request&) {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return released; });
            return http::Response::text("late");
        });
        server.start();
    }
    ~Dependency() {
        {
            std::lock_guard lock(mutex);
            released = true;
        }
        cv.notify_all();
        server.stop();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(server.ports()[0]) + path;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(basic_live_and_ready_when_all_is_well) {
    ExporterFixture fx;
    auto basic = get_json(fx, "/health");
    BOOST_TEST(basic["status"] == "ok");
    std::string ts = basic["timestamp"];
    BOOST_TEST(ts.size() == 24u);
    BOOST_TEST(ts.back() == 'Z');
    BOOST_TEST(get_json(fx, "/health/live")["status"] == "ok");
    BOOST_TEST(get_json(fx, "/health/ready")["status"] == "ready");
}

BOOST_AUTO_TEST_CASE(detailed_reports_every_dependency) {
    ExporterFixture fx("health:\n  cache: 0s\n  disk:\n    - {path: /, min_free_ratio: 0.0}\n");
    auto detailed = get_json(fx, "/health/detailed");
    BOOST_TEST(detailed["status"] == "ok", detailed.dump());
    auto db = detailed["checks"]["database"]["main-db"];
    BOOST_TEST(db["status"] == "ok", db.dump());
    BOOST_TEST(db["latency_ms"].get<double>() >= 0);
    BOOST_TEST(db["connections"]["max"].get<double>() == 200);
    BOOST_TEST(db["connections"]["in_use"].get<double>() >= 1);
    BOOST_TEST(db["version"].get<std::string>().find("15") != std::string::npos);
    BOOST_TEST(db["is_replica"] == false);
    auto redis = detailed["checks"]["redis"]["cache"];
    BOOST_TEST(redis["status"] == "ok", redis.dump());
    BOOST_TEST(redis["role"] == "master");
    BOOST_TEST(redis["used_memory"].get<double>() > 0);
    BOOST_TEST(redis["connected_clients"].get<double>() >= 1);
    BOOST_TEST(redis["maxclients"].get<double>() > 0);
    BOOST_TEST(detailed["checks"]["memory"]["rss_bytes"].get<double>() > 0);
    auto disk = detailed["checks"]["disk"][0];
    BOOST_TEST(disk["total_bytes"].get<double>() > 0);
    BOOST_TEST(disk["free_bytes"].get<double>() <= disk["total_bytes"].get<double>());
}

BOOST_AUTO_TEST_CASE(postgres_outage_makes_ready_fail_and_recovers) {
    ExporterFixture fx("health:\n  cache: 0s\n");
    wait_for_startup_evaluation(fx);
    shared_postgres().stop();
    auto ready = fx.get("/health/ready");
    auto detailed = get_json(fx, "/health/detailed");
    auto live = fx.get("/health/live");
    shared_postgres().start();
    BOOST_TEST(ready.status == 503);
    auto body = nlohmann::json::parse(ready.body);
    BOOST_TEST(body["status"] == "not_ready");
    BOOST_TEST(body["failing"][0]["check"] == "database:main-db", body.dump());
    BOOST_TEST(detailed["status"] == "down");
    BOOST_TEST(detailed["checks"]["database"]["main-db"]["status"] == "down");
    BOOST_TEST(detailed["checks"]["redis"]["cache"]["status"] == "ok");
    BOOST_TEST(live.status == 200);
    BOOST_TEST(fx.get("/health/ready").status == 200);
    BOOST_TEST(get_json(fx, "/health/detailed")["checks"]["database"]["main-db"]["status"] == "ok");
}

BOOST_AUTO_TEST_CASE(redis_outage_makes_ready_fail_and_recovers) {
    ExporterFixture fx("health:\n  cache: 0s\n");
    wait_for_startup_evaluation(fx);
    shared_redis().stop();
    auto ready = fx.get("/health/ready");
    auto detailed = get_json(fx, "/health/detailed");
    auto live = fx.get("/health/live");
    shared_redis().start();
    BOOST_TEST(ready.status == 503);
    BOOST_TEST(nlohmann::json::parse(ready.body)["failing"][0]["check"] == "redis:cache");
    BOOST_TEST(detailed["checks"]["redis"]["cache"]["status"] == "down");
    BOOST_TEST(live.status == 200);
    BOOST_TEST(fx.get("/health/ready").status == 200);
}

BOOST_AUTO_TEST_CASE(optional_targets_do_not_gate_readiness) {
    ExporterFixture fx("health:\n  cache: 0s\n  optional_targets: [cache]\n");
    wait_for_startup_evaluation(fx);
    shared_redis().stop();
    auto ready = fx.get("/health/ready");
    auto detailed = get_json(fx, "/health/detailed");
    shared_redis().start();
    BOOST_TEST(ready.status == 200);
    BOOST_TEST(detailed["status"] == "degraded");
}

BOOST_AUTO_TEST_CASE(external_checks_ok_failing_and_timing_out) {
    Dependency dep;
    ExporterFixture fx("health:\n  cache: 0s\n  timeout: 5s\n  external:\n"
                       "    - {name: ok, url: " + dep.url("/ok") + "}\n"
                       "    - {name: fail, url: " + dep.url("/fail") + "}\n"
                       "    - {name: hang, url: " + dep.url("/hang") + ", timeout: 300ms, required: true}\n");
    auto detailed = get_json(fx, "/health/detailed");
    auto external = detailed["checks"]["external"];
    BOOST_REQUIRE_EQUAL(external.size(), 3u);
    BOOST_TEST(external[0]["status"] == "ok");
    BOOST_TEST(external[0]["http_status"] == 200);
    BOOST_TEST(external[1]["status"] == "down");
    BOOST_TEST(external[1]["http_status"] == 500);
    BOOST_TEST(external[1]["error"].get<std::string>().find("expected HTTP 200, got 500") != std::string::npos);
    BOOST_TEST(external[2]["status"] == "down");
    BOOST_TEST(external[2]["error"].get<std::string>().find("imeout") != std::string::npos, external[2].dump());
    BOOST_TEST(detailed["status"] == "down");  // the hanging one is required
    auto ready = fx.get("/health/ready");
    BOOST_TEST(ready.status == 503);
    BOOST_TEST(ready.body.find("external:hang") != std::string::npos, ready.body);
}

BOOST_AUTO_TEST_CASE(disk_threshold_turns_the_check_degraded) {
    ExporterFixture fx("health:\n  cache: 0s\n  disk:\n    - {path: /, min_free_ratio: 1.0}\n"
                       "    - {path: /nonexistent-stackwatch, required: true}\n");
    auto detailed = get_json(fx, "/health/detailed");
    BOOST_TEST(detailed["checks"]["disk"][0]["status"] == "degraded");
    BOOST_TEST(detailed["checks"]["disk"][1]["status"] == "down");
    BOOST_TEST(detailed["status"] == "down");
    BOOST_TEST(fx.get("/health/ready").status == 503);
}

BOOST_AUTO_TEST_CASE(results_are_cached_briefly) {
    ExporterFixture fx("health:\n  cache: 1h\n");
    auto first = get_json(fx, "/health/detailed");
    auto second = get_json(fx, "/health/detailed");
    BOOST_TEST(first["timestamp"] == second["timestamp"]);
}

BOOST_AUTO_TEST_CASE(health_checks_are_metrics_too) {
    ExporterFixture fx("health:\n  cache: 0s\n");
    get_json(fx, "/health/detailed");
    auto body = fx.get("/metrics").body;
    BOOST_TEST(sample_value(body, "stackwatch_health_check_up{check=\"database:main-db\"}") == 1.0, body.substr(0, 200));
    BOOST_TEST(sample_value(body, "stackwatch_health_check_up{check=\"redis:cache\"}") == 1.0);
    BOOST_TEST(sample_value(body, "stackwatch_health_check_duration_seconds_count{check=\"memory\"}") >= 1.0);
}

BOOST_AUTO_TEST_CASE(process_report_for_monitoring_metrics) {
    ExporterFixture fx;
    auto report = get_json(fx, "/monitoring/metrics");
    BOOST_TEST(report["memory"]["rss_bytes"].get<double>() > 0);
    BOOST_TEST(report["memory"]["heap_bytes"].get<double>() > 0);
    BOOST_TEST(report["process"]["pid"] == fx.exporter->pid());
    BOOST_TEST(report["process"]["threads"].get<int>() > 1);
    BOOST_TEST(report["process"]["open_fds"].get<int>() > 0);
    BOOST_TEST(report["cpu"]["user_seconds"].get<double>() >= 0);
    BOOST_TEST(report["uptime_seconds"].get<double>() >= 0);
}

BOOST_AUTO_TEST_SUITE_END()
