#include <hiredis/hiredis.h>

#include <boost/test/unit_test.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/exporter/e2e/exporter_fixture.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/promtool.hpp"

using namespace stackwatch;
using namespace stackwatch::test;

namespace {

std::set<std::string> family_types(const std::string& text,
                                   std::map<std::string, std::string>* types = nullptr) {
    std::set<std::string> names;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("# TYPE ")) continue;
        std::istringstream fields(line.substr(7));
        std::string name, type;
        fields >> name >> type;
        names.insert(name);
        if (types) (*types)[name] = type;
    }
    return names;
}

// True once the shared Redis stops answering within 100 ms: DEBUG SLEEP has begun.
bool wait_until_redis_blocked() {
    for (int attempt = 0; attempt < 100; ++attempt) {
        timeval quick{0, 100000};
        redisContext* ctx = redisConnectWithTimeout("127.0.0.1", shared_redis().port(), quick);
        if (ctx == nullptr) continue;
        bool answered = false;
        if (!ctx->err) {
            redisSetTimeout(ctx, quick);
            auto* reply = static_cast<redisReply*>(redisCommand(ctx, "PING"));
            answered = reply != nullptr;
            if (reply) freeReplyObject(reply);
        }
        redisFree(ctx);
        if (!answered) return true;
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exporter_metrics)

BOOST_AUTO_TEST_CASE(every_family_from_every_target_in_one_scrape) {
    ExporterFixture fx;
    auto r = fx.get("/metrics");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    BOOST_TEST(r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8");
    std::map<std::string, std::string> types;
    auto families = family_types(r.body, &types);
    for (const char* name : {"pg_up",
                             "pg_static",
                             "pg_stat_database_xact_commit",
                             "pg_stat_bgwriter_buffers_alloc_total",
                             "pg_settings_max_connections",
                             "pg_locks_count",
                             "pg_stat_activity_count",
                             "pg_database_size_bytes",
                             "pg_postmaster_start_time_seconds",
                             "pg_exporter_scrapes_total",
                             "pg_scrape_collector_success",
                             "redis_up",
                             "redis_memory_used_bytes",
                             "redis_connected_clients",
                             "redis_commands_total",
                             "redis_exporter_scrapes_total",
                             "namedprocess_namegroup_num_procs",
                             "process_resident_memory_bytes",
                             "stackwatch_probe_duration_seconds",
                             "stackwatch_collector_duration_seconds",
                             "stackwatch_exporter_build_info"}) {
        BOOST_TEST(families.count(name) == 1u, "missing family " << name);
    }
    BOOST_TEST(types["stackwatch_probe_duration_seconds"] == "histogram");
    BOOST_TEST(types["pg_stat_database_xact_commit"] == "counter");
    BOOST_TEST(sample_value(r.body, "pg_up") == 1.0);
    BOOST_TEST(sample_value(r.body, "redis_up") == 1.0);
    BOOST_TEST(sample_value(r.body, "namedprocess_namegroup_num_procs{groupname=\"postgres\"}") >
               1.0);
    // Each probe round-trip landed in the histogram, per target.
    BOOST_TEST(
        sample_value(
            r.body,
            "stackwatch_probe_duration_seconds_count{kind=\"postgres\",target=\"main-db\"}") >=
        1.0);
    BOOST_TEST(
        sample_value(r.body,
                     "stackwatch_probe_duration_seconds_count{kind=\"redis\",target=\"cache\"}") >=
        1.0);
    // Passwords never appear, not even in labels.
    BOOST_TEST(r.body.find(shared_postgres().password()) == std::string::npos);
    BOOST_TEST(r.body.find(shared_redis().password()) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(promtool_finds_no_errors_in_real_output) {
    ExporterFixture fx;
    shared_postgres().query_value("SELECT count(*) FROM pg_class");
    auto r = fx.get("/metrics");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    // Lint findings are allowed only on the names kept for compatibility with postgres_exporter
    // redis_exporter and process-exporter (listed in docs/exporter.md); our own families are clean.
    for (const auto& problem : promtool_problems(r.body, {"pg_", "redis_", "namedprocess_"}))
        BOOST_TEST(false, "promtool: " << problem);
    // No duplicate series: every sample line (name and labels) is unique.
    std::set<std::string> series;
    std::istringstream in(r.body);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        auto key = line.substr(0, line.rfind(' '));
        BOOST_TEST(series.insert(key).second, "duplicate series " << key);
    }
}

BOOST_AUTO_TEST_CASE(values_move_with_activity) {
    ExporterFixture fx;
    auto commits = [&] {
        auto body = fx.get("/metrics").body;
        return sample_value(body, "pg_stat_database_xact_commit{datid=\"" +
                                      shared_postgres().query_value(
                                          "SELECT oid FROM pg_database WHERE datname='postgres'") +
                                      "\",datname=\"postgres\"}");
    };
    double before = commits();
    BOOST_REQUIRE(!std::isnan(before));
    const int n = 25;
    for (int i = 0; i < n; ++i) shared_postgres().query_value("SELECT " + std::to_string(i));
    // Statistics reach pg_stat_database when a backend reports them; new connections flush on exit.
    double after = before;
    eventually([&] { return (after = commits()) >= before + n; }, std::chrono::seconds(10),
               std::chrono::milliseconds(50));
    BOOST_TEST(after >= before + n);
}

BOOST_AUTO_TEST_CASE(probe_one_target_by_name) {
    ExporterFixture fx;
    auto r = fx.get("/probe?target=cache");
    BOOST_REQUIRE_EQUAL(r.status, 200);
    BOOST_TEST(sample_value(r.body, "redis_up") == 1.0);
    BOOST_TEST(r.body.find("pg_up") == std::string::npos);
    auto missing = fx.get("/probe?target=nope");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(nlohmann::json::parse(missing.body)["error"].get<std::string>().find("nope") !=
               std::string::npos);
    BOOST_TEST(fx.get("/probe").status == 400);
}

BOOST_AUTO_TEST_CASE(gzip_when_prometheus_asks) {
    ExporterFixture fx;
    http::ClientRequest request;
    request.url = fx.exporter->url("/metrics");
    request.accept_gzip = true;
    auto r = http::perform(request);
    BOOST_TEST(r.headers["content-encoding"] == "gzip");
    BOOST_TEST(r.body.find("# TYPE pg_up gauge") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_scrapes_hold_one_connection_per_target) {
    ExporterFixture fx;
    std::vector<std::future<int>> scrapes;
    for (int i = 0; i < 64; ++i)
        scrapes.push_back(
            std::async(std::launch::async, [&] { return fx.get("/metrics").status; }));
    for (auto& s : scrapes) BOOST_TEST(s.get() == 200);
    auto backends = shared_postgres().query_value(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stackwatch-exporter'");
    BOOST_TEST(backends == "1");
    auto clients = shared_redis().command({"CLIENT", "LIST"});
    size_t named = 0;
    for (size_t pos = 0; (pos = clients.find("name=stackwatch-exporter", pos)) != std::string::npos;
         ++pos)
        ++named;
    BOOST_TEST(named == 1u, clients);
}

BOOST_AUTO_TEST_CASE(a_down_target_answers_fast_and_recovers) {
    ExporterFixture fx;
    BOOST_REQUIRE(sample_value(fx.get("/metrics").body, "pg_up") == 1.0);
    shared_postgres().stop();
    auto started = std::chrono::steady_clock::now();
    auto down = fx.get("/metrics");
    auto took = std::chrono::steady_clock::now() - started;
    shared_postgres().start();
    BOOST_TEST(down.status == 200);
    BOOST_TEST(sample_value(down.body, "pg_up") == 0.0);
    BOOST_TEST(sample_value(down.body, "redis_up") == 1.0);
    BOOST_TEST_MESSAGE("scrape with PostgreSQL down took "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                       << " ms");
    BOOST_TEST(sample_value(fx.get("/metrics").body, "pg_up") == 1.0);

    shared_redis().stop();
    auto redis_down = fx.get("/metrics");
    shared_redis().start();
    BOOST_TEST(sample_value(redis_down.body, "redis_up") == 0.0);
    BOOST_TEST(sample_value(redis_down.body, "pg_up") == 1.0);
    BOOST_TEST(sample_value(fx.get("/metrics").body, "redis_up") == 1.0);
}

BOOST_AUTO_TEST_CASE(a_slow_target_does_not_hold_the_scrape_past_its_deadline) {
    ExporterFixture fx;
    BOOST_REQUIRE(sample_value(fx.get("/metrics").body, "redis_up") == 1.0);
    // DEBUG SLEEP blocks the whole Redis server; the scrape must still answer within its budget.
    auto sleeper = std::async(std::launch::async, [] {
        return shared_redis().command({"DEBUG", "SLEEP", "4"});
    });
    BOOST_REQUIRE(wait_until_redis_blocked());
    auto started = std::chrono::steady_clock::now();
    auto r = fx.get("/metrics", {{"X-Prometheus-Scrape-Timeout-Seconds", "2"}});
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    sleeper.get();
    BOOST_TEST(r.status == 200);
    BOOST_TEST(sample_value(r.body, "redis_up") == 0.0);
    BOOST_TEST(sample_value(r.body, "pg_up") == 1.0);
    BOOST_TEST(took < 2.0, "scrape took " << took << " s with a 2 s Prometheus timeout");
}

BOOST_AUTO_TEST_SUITE_END()
