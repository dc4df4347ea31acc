#include "exporter/postgres/custom_queries.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <set>

#include "common/config.hpp"
#include "exporter/postgres/postgres_target.hpp"
#include "tests/exporter/postgres/postgres_fixture.hpp"
#include "tests/support/postgres_server.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace stackwatch::exporter::postgres;

namespace {

std::string error_of(const std::string& yaml) {
    try {
        parse_custom_queries(yaml, "queries.yaml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

const char* kGoodQueries = R"(
pg_custom_counts:
  query: "SELECT 'a' AS kind, 3 AS total, 1.5 AS level, 'up' AS state, '1m30s' AS age, true AS flag, 7 AS extra"
  cache_seconds: 30
  master: true
  metrics:
    - kind: {usage: LABEL, description: "kind"}
    - total: {usage: COUNTER, description: "a counter"}
    - level: {usage: GAUGE, description: "a gauge"}
    - state: {usage: MAPPEDMETRIC, description: "mapped", metric_mapping: {up: 1, down: 0}}
    - age: {usage: DURATION, description: "a duration"}
    - flag: {usage: GAUGE, description: "a bool"}
pg_custom_hist:
  query: "SELECT ARRAY[0.1, 1, 10] AS latency, ARRAY[1, 3, 4] AS latency_bucket, 12.5 AS latency_sum, 5 AS latency_count;"
  runonserver: ">=10.0.0"
  metrics:
    - latency: {usage: HISTOGRAM, description: "a histogram"}
pg_custom_never:
  query: "SELECT 1 AS one"
  runonserver: "<9.0.0 || >=99.0.0"
  metrics:
    - one: {usage: GAUGE, description: "never runs"}
pg_custom_broken:
  query: "SELECT no_such_column FROM no_such_table"
  metrics:
    - no_such_column: {usage: GAUGE, description: "broken"}
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(custom_queries)

BOOST_AUTO_TEST_CASE(parses_the_postgres_exporter_format) {
    auto queries = parse_custom_queries(kGoodQueries, "queries.yaml");
    BOOST_TEST_REQUIRE(queries.size() == 4u);
    BOOST_TEST(queries[0].name == "pg_custom_counts");
    BOOST_TEST(queries[0].cache.count() == 30000);
    BOOST_TEST(queries[0].master);
    BOOST_TEST(queries[0].columns.size() == 6u);
    BOOST_TEST((queries[0].columns[3].second.usage == ColumnUsage::mapped_metric));
    BOOST_TEST(queries[0].columns[3].second.mapping.at("up") == 1);
    BOOST_TEST(queries[2].run_on_server.contains(150004) == false);
    BOOST_TEST(queries[1].run_on_server.contains(150004));
    BOOST_TEST(VersionRange::parse("<10.0.0").contains(90624));
    BOOST_TEST(!VersionRange::parse("<10.0.0").contains(100001));
}

BOOST_AUTO_TEST_CASE(errors_name_file_line_and_key) {
    std::string unknown_key =
        error_of("pg_x:\n  query: SELECT 1\n  metrics: []\n  cache_secs: 3\n");
    BOOST_TEST(unknown_key.find("queries.yaml:4:") != std::string::npos, unknown_key);
    BOOST_TEST(unknown_key.find("cache_secs") != std::string::npos, unknown_key);

    std::string bad_usage =
        error_of("pg_x:\n  query: SELECT 1\n  metrics:\n    - a: {usage: GAUGES}\n");
    BOOST_TEST(bad_usage.find("queries.yaml:4:") != std::string::npos, bad_usage);
    BOOST_TEST(bad_usage.find("GAUGES") != std::string::npos, bad_usage);

    std::string no_query = error_of("pg_x:\n  metrics: []\n");
    BOOST_TEST(no_query.find("queries.yaml:") != std::string::npos, no_query);
    BOOST_TEST(no_query.find("query") != std::string::npos, no_query);

    std::string bad_range =
        error_of("pg_x:\n  query: SELECT 1\n  runonserver: \"~>banana\"\n  metrics: []\n");
    BOOST_TEST(bad_range.find("queries.yaml:3:") != std::string::npos, bad_range);

    std::string bad_timeout =
        error_of("pg_x:\n  query: SELECT 1\n  timeout: soon\n  metrics: []\n");
    BOOST_TEST(bad_timeout.find("queries.yaml:3:") != std::string::npos, bad_timeout);

    std::string bad_name = error_of("pg-x:\n  query: SELECT 1\n  metrics: []\n");
    BOOST_TEST(bad_name.find("pg-x") != std::string::npos, bad_name);

    std::string unmapped =
        error_of("pg_x:\n  query: SELECT 1\n  metrics:\n    - a: {usage: MAPPEDMETRIC}\n");
    BOOST_TEST(unmapped.find("metric_mapping") != std::string::npos, unmapped);
}

BOOST_AUTO_TEST_CASE(bad_file_is_rejected_when_the_target_is_built) {
    auto options = test_options();
    options.custom_queries_file = write_temp_file(
        "bad.yaml", "pg_x:\n  query: SELECT 1\n  metrics:\n    - a: {usage: NOPE}\n");
    try {
        PostgresTarget target(options);
        BOOST_FAIL("a bad queries file was accepted");
    } catch (const ConfigError& e) {
        BOOST_TEST(
            std::string(e.what()).find(options.custom_queries_file + ":4:") != std::string::npos,
            e.what());
    }
}

BOOST_AUTO_TEST_CASE(timestamps_become_unix_seconds) {
    BOOST_TEST(*parse_timestamp_seconds("1970-01-02") == 86400);
    BOOST_TEST(*parse_timestamp_seconds("2024-01-02 03:04:05") == 1704164645);
    BOOST_TEST(*parse_timestamp_seconds("2024-01-02 03:04:05.25+00") == 1704164645.25);
    BOOST_TEST(*parse_timestamp_seconds("2024-01-02 04:34:05+01:30") == 1704164645);
    BOOST_TEST(*parse_timestamp_seconds("2024-01-01 22:04:05-05") == 1704164645);
    BOOST_TEST(!parse_timestamp_seconds("yesterday").has_value());
    BOOST_TEST(!parse_timestamp_seconds("2024-01-02 03:04:05 BC").has_value());
}

BOOST_AUTO_TEST_CASE(postgres_exporter_sample_file_runs_beside_the_collectors) {
    const std::string sample = "/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml";
    if (!std::filesystem::exists(sample)) {
        BOOST_TEST_MESSAGE(
            "prometheus-postgres-exporter's sample queries.yaml is not installed; skipping");
        return;
    }
    shared_postgres().query_value("CREATE TABLE IF NOT EXISTS sample_probe (x int); SELECT 1");
    auto options = test_options();
    options.custom_queries_file = sample;
    PostgresTarget target(options);
    auto set = collect(target);
    BOOST_TEST(collector_success(set, "custom:pg_replication") == 1);
    BOOST_TEST(value(set, "pg_replication_lag") == 0);
    // Its pg_postmaster and pg_stat_user_tables repeat collectors of ours: one copy of each.
    BOOST_TEST(family(set, "pg_postmaster_start_time_seconds")->metric.size() == 1u);
    auto& tables = family(set, "pg_stat_user_tables_seq_scan")->metric;
    std::set<std::string> seen;
    for (const auto& metric : tables) {
        std::string key;
        for (const auto& label : metric.label) key += label.name + "=" + label.value + ",";
        BOOST_TEST(seen.insert(key).second, "duplicate series " << key);
    }
}

BOOST_AUTO_TEST_CASE(go_durations) {
    BOOST_TEST(*parse_go_duration_ms("1m30s") == 90000);
    BOOST_TEST(*parse_go_duration_ms("1.5h") == 5400000);
    BOOST_TEST(*parse_go_duration_ms("250ms") == 250);
    BOOST_TEST(*parse_go_duration_ms("0") == 0);
    BOOST_TEST(!parse_go_duration_ms("00:01:30").has_value());
    BOOST_TEST(!parse_go_duration_ms("5").has_value());
}

BOOST_AUTO_TEST_CASE(queries_run_and_a_broken_one_hides_nothing_else) {
    auto options = test_options();
    options.custom_queries_file = write_temp_file("good.yaml", kGoodQueries);
    PostgresTarget target(options);
    auto set = collect(target);

    BOOST_TEST(value(set, "pg_up") == 1);
    BOOST_TEST(collector_success(set, "custom:pg_custom_counts") == 1);
    BOOST_TEST(collector_success(set, "custom:pg_custom_hist") == 1);
    BOOST_TEST(collector_success(set, "custom:pg_custom_broken") == 0);
    BOOST_TEST(collector_success(set, "stat_database") == 1);
    BOOST_TEST(value(set, "pg_exporter_last_scrape_error") == 1);

    BOOST_TEST(value(set, "pg_custom_counts_total", {{"kind", "a"}}) == 3);
    BOOST_TEST((family(set, "pg_custom_counts_total")->type == prometheus::MetricType::Counter));
    BOOST_TEST(value(set, "pg_custom_counts_level", {{"kind", "a"}}) == 1.5);
    BOOST_TEST((family(set, "pg_custom_counts_level")->type == prometheus::MetricType::Gauge));
    BOOST_TEST(value(set, "pg_custom_counts_state", {{"kind", "a"}}) == 1);
    BOOST_TEST(value(set, "pg_custom_counts_age_milliseconds", {{"kind", "a"}}) == 90000);
    BOOST_TEST(value(set, "pg_custom_counts_flag", {{"kind", "a"}}) == 1);
    BOOST_TEST(value(set, "pg_custom_counts_extra", {{"kind", "a"}}) == 7);
    BOOST_TEST((family(set, "pg_custom_counts_extra")->type == prometheus::MetricType::Untyped));
    BOOST_TEST(family(set, "pg_custom_counts_kind") == nullptr);
    BOOST_TEST(family(set, "pg_custom_never_one") == nullptr);
    BOOST_TEST(family(set, "pg_custom_broken_no_such_column") == nullptr);

    const auto* histogram = family(set, "pg_custom_hist_latency");
    BOOST_TEST_REQUIRE(histogram != nullptr);
    BOOST_TEST((histogram->type == prometheus::MetricType::Histogram));
    const auto& h = histogram->metric.at(0).histogram;
    BOOST_TEST(h.sample_count == 5u);
    BOOST_TEST(h.sample_sum == 12.5);
    BOOST_TEST_REQUIRE(h.bucket.size() == 4u);
    BOOST_TEST(h.bucket[1].cumulative_count == 3u);
    BOOST_TEST(h.bucket[1].upper_bound == 1);
    BOOST_TEST(family(set, "pg_custom_hist_latency_sum") == nullptr);

    // A second scrape still runs them; the broken one keeps failing on its own.
    auto again = collect(target);
    BOOST_TEST(value(again, "pg_custom_counts_total", {{"kind", "a"}}) == 3);
    BOOST_TEST(collector_success(again, "custom:pg_custom_broken") == 0);
}

BOOST_AUTO_TEST_CASE(a_cached_query_answers_from_its_last_result) {
    // A sequence moves on every run of the query: equal values mean the query did not run.
    shared_postgres().query_value("CREATE SEQUENCE IF NOT EXISTS custom_cache_probe; SELECT 1");
    auto options = test_options();
    options.custom_queries_file = write_temp_file(
        "cached.yaml",
        "pg_cached:\n  query: SELECT nextval('custom_cache_probe')::float8 AS n\n"
        "  cache_seconds: 3600\n  metrics:\n    - n: {usage: GAUGE, description: next}\n"
        "pg_uncached:\n  query: SELECT nextval('custom_cache_probe')::float8 AS n\n"
        "  metrics:\n    - n: {usage: GAUGE, description: next}\n");
    PostgresTarget target(options);
    auto first = collect(target);
    auto second = collect(target);
    BOOST_TEST(collector_success(second, "custom:pg_cached") == 1);
    BOOST_TEST(value(second, "pg_cached_n") == value(first, "pg_cached_n"));
    BOOST_TEST(value(second, "pg_uncached_n") > value(first, "pg_uncached_n"));
}

BOOST_AUTO_TEST_SUITE_END()
