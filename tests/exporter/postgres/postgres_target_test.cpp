#include "exporter/postgres/postgres_target.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "tests/exporter/postgres/postgres_fixture.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/promtool.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using exporter::postgres::PostgresTarget;
using prometheus::MetricType;

namespace {

struct Expected {
    MetricType type;
    std::set<std::string> labels;
};

const std::set<std::string> kDb{"datid", "datname"};
const std::set<std::string> kTable{"datname", "schemaname", "relname"};
const std::set<std::string> kStatement{"user", "datname", "queryid"};

std::map<std::string, Expected> expected_families() {
    std::map<std::string, Expected> expected = {
        {"pg_up", {MetricType::Gauge, {}}},
        {"pg_static", {MetricType::Untyped, {"version", "short_version"}}},
        {"pg_exporter_scrapes_total", {MetricType::Counter, {}}},
        {"pg_exporter_last_scrape_error", {MetricType::Gauge, {}}},
        {"pg_exporter_last_scrape_duration_seconds", {MetricType::Gauge, {}}},
        {"pg_scrape_collector_duration_seconds", {MetricType::Gauge, {"collector"}}},
        {"pg_scrape_collector_success", {MetricType::Gauge, {"collector"}}},
        {"pg_stat_database_numbackends", {MetricType::Gauge, kDb}},
        {"pg_stat_database_active_time_seconds_total", {MetricType::Counter, kDb}},
        {"pg_stat_bgwriter_buffers_alloc_total", {MetricType::Counter, {}}},
        {"pg_stat_bgwriter_stats_reset_total", {MetricType::Counter, {}}},
        {"pg_stat_archiver_archived_count", {MetricType::Counter, {}}},
        {"pg_stat_archiver_failed_count", {MetricType::Counter, {}}},
        {"pg_settings_max_connections", {MetricType::Gauge, {}}},
        {"pg_settings_shared_buffers_bytes", {MetricType::Gauge, {}}},
        {"pg_settings_statement_timeout_seconds", {MetricType::Gauge, {}}},
        {"pg_settings_fsync", {MetricType::Gauge, {}}},
        {"pg_locks_count", {MetricType::Gauge, {"datname", "mode"}}},
        {"pg_stat_activity_count", {MetricType::Gauge, {"datname", "state"}}},
        {"pg_stat_activity_max_tx_duration", {MetricType::Gauge, {"datname", "state"}}},
        {"pg_database_size_bytes", {MetricType::Gauge, {"datname"}}},
        {"pg_database_connection_limit", {MetricType::Gauge, {"datname"}}},
        {"pg_replication_lag_seconds", {MetricType::Gauge, {}}},
        {"pg_replication_is_replica", {MetricType::Gauge, {}}},
        {"pg_replication_last_replay_seconds", {MetricType::Gauge, {}}},
        {"pg_replication_slots_active", {MetricType::Gauge, {"slot_name", "database"}}},
        {"pg_replication_slots_pg_wal_lsn_diff", {MetricType::Gauge, {"slot_name", "database"}}},
        {"pg_replication_slots_slot_current_wal_lsn",
         {MetricType::Gauge, {"slot_name", "slot_type"}}},
        {"pg_replication_slots_slot_is_active", {MetricType::Gauge, {"slot_name", "slot_type"}}},
        {"pg_replication_slots_wal_status",
         {MetricType::Gauge, {"slot_name", "slot_type", "wal_status"}}},
        {"pg_postmaster_start_time_seconds", {MetricType::Gauge, {}}},
    };
    for (const char* counter : {"xact_commit",
                                "xact_rollback",
                                "blks_read",
                                "blks_hit",
                                "tup_returned",
                                "tup_fetched",
                                "tup_inserted",
                                "tup_updated",
                                "tup_deleted",
                                "conflicts",
                                "temp_files",
                                "temp_bytes",
                                "deadlocks",
                                "blk_read_time",
                                "blk_write_time",
                                "stats_reset",
                                "conflicts_confl_tablespace",
                                "conflicts_confl_lock",
                                "conflicts_confl_snapshot",
                                "conflicts_confl_bufferpin",
                                "conflicts_confl_deadlock"})
        expected[std::string("pg_stat_database_") + counter] = {MetricType::Counter, kDb};
    for (const char* untyped : {"checksum_failures", "checksum_last_failure", "session_time",
                                "active_time", "idle_in_transaction_time", "sessions",
                                "sessions_abandoned", "sessions_fatal", "sessions_killed"})
        expected[std::string("pg_stat_database_") + untyped] = {MetricType::Untyped, kDb};
    for (const char* counter : {"checkpoints_timed", "checkpoints_req", "checkpoint_write_time",
                                "checkpoint_sync_time", "buffers_checkpoint", "buffers_clean",
                                "maxwritten_clean", "buffers_backend", "buffers_backend_fsync"})
        expected[std::string("pg_stat_bgwriter_") + counter + "_total"] = {MetricType::Counter, {}};
    for (const char* counter :
         {"seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins", "n_tup_upd",
          "n_tup_del", "n_tup_hot_upd", "vacuum_count", "autovacuum_count", "analyze_count",
          "autoanalyze_count"})
        expected[std::string("pg_stat_user_tables_") + counter] = {MetricType::Counter, kTable};
    for (const char* gauge :
         {"n_live_tup", "n_dead_tup", "n_mod_since_analyze", "last_vacuum", "last_autovacuum",
          "last_analyze", "last_autoanalyze", "index_size_bytes", "table_size_bytes"})
        expected[std::string("pg_stat_user_tables_") + gauge] = {MetricType::Gauge, kTable};
    for (const char* counter :
         {"heap_blocks_read", "heap_blocks_hit", "idx_blocks_read", "idx_blocks_hit",
          "toast_blocks_read", "toast_blocks_hit", "tidx_blocks_read", "tidx_blocks_hit"})
        expected[std::string("pg_statio_user_tables_") + counter] = {MetricType::Counter, kTable};
    for (const char* counter : {"calls_total", "seconds_total", "rows_total",
                                "block_read_seconds_total", "block_write_seconds_total"})
        expected[std::string("pg_stat_statements_") + counter] = {MetricType::Counter, kStatement};
    return expected;
}

void prepare_server_objects() {
    auto& server = shared_postgres();
    server.query_value("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    server.query_value(
        "CREATE TABLE IF NOT EXISTS activity_probe (id serial PRIMARY KEY, note text); "
        "INSERT INTO activity_probe (note) VALUES ('x'); SELECT count(*) FROM activity_probe");
    server.query_value(
        "SELECT pg_create_physical_replication_slot('stackwatch_test_slot', true) WHERE NOT EXISTS "
        "(SELECT 1 FROM pg_replication_slots WHERE slot_name = 'stackwatch_test_slot')");
}

std::set<std::string> all_collectors() {
    std::set<std::string> names;
    for (const auto& info : exporter::postgres::postgres_collectors()) names.insert(info.name);
    return names;
}

int exporter_backends() {
    return std::stoi(shared_postgres().query_value(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stackwatch-exporter'"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_target)

BOOST_AUTO_TEST_CASE(every_family_is_present_typed_and_labelled) {
    prepare_server_objects();
    auto options = test_options();
    options.enabled_collectors = all_collectors();
    PostgresTarget target(options);
    auto set = collect(target);

    BOOST_TEST(value(set, "pg_up") == 1);
    BOOST_TEST(value(set, "pg_exporter_last_scrape_error") == 0);
    for (const auto& name : all_collectors()) BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(collector_success(set, name) == 1);
        }
    for (const auto& [name, expected] : expected_families()) {
        BOOST_TEST_CONTEXT(name) {
            const auto* f = family(set, name);
            BOOST_TEST_REQUIRE(f != nullptr);
            BOOST_TEST(static_cast<int>(f->type) == static_cast<int>(expected.type));
            BOOST_TEST(!f->metric.empty());
            for (const auto& metric : f->metric) {
                std::set<std::string> labels;
                for (const auto& pair : metric.label) labels.insert(pair.name);
                BOOST_TEST(labels == expected.labels, boost::test_tools::per_element());
            }
        }
    }
    BOOST_TEST(value(set, "pg_stat_user_tables_n_tup_ins", {{"relname", "activity_probe"}}) >= 1);
    BOOST_TEST(value(set, "pg_locks_count", {{"datname", "template0"}, {"mode", "sireadlock"}}) ==
               0);
    BOOST_TEST(value(set, "pg_settings_max_connections") == 200);
    BOOST_TEST(value(set, "pg_replication_is_replica") == 0);
}

BOOST_AUTO_TEST_CASE(settings_units_are_normalised_like_postgres_exporter) {
    auto options = test_options();
    options.enabled_collectors = std::set<std::string>{"settings"};
    PostgresTarget target(options);
    auto set = collect(target);
    auto& server = shared_postgres();
    // shared_buffers is counted in 8kB pages, statement_timeout in ms, authentication_timeout in s.
    double pages = std::stod(
        server.query_value("SELECT setting FROM pg_settings WHERE name = 'shared_buffers'"));
    BOOST_TEST(value(set, "pg_settings_shared_buffers_bytes") == pages * 8192);
    double auth = std::stod(server.query_value(
        "SELECT setting FROM pg_settings WHERE name = 'authentication_timeout'"));
    BOOST_TEST(value(set, "pg_settings_authentication_timeout_seconds") == auth);
    double checkpoint_ms = std::stod(
        server.query_value("SELECT setting FROM pg_settings WHERE name = 'checkpoint_timeout'"));
    BOOST_TEST(value(set, "pg_settings_checkpoint_timeout_seconds") == checkpoint_ms);
    BOOST_TEST(family(set, "pg_settings_checkpoint_timeout_seconds")->help ==
               "Server Parameter: checkpoint_timeout [Units converted to seconds.]");
}

BOOST_AUTO_TEST_CASE(values_move_with_activity) {
    PostgresTarget target(test_options());
    auto before = value(collect(target), "pg_stat_database_xact_commit", {{"datname", "postgres"}});
    BOOST_TEST_REQUIRE(!std::isnan(before));
    constexpr int kCommits = 25;
    {
        pqxx::connection conn(shared_postgres().dsn());
        for (int i = 0; i < kCommits; ++i) {
            pqxx::work tx(conn);
            tx.exec("SELECT 1");
            tx.commit();
        }
    }
    // A backend flushes its counters when it exits, which happens after the client has gone.
    double after = before;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (after < before + kCommits && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        after = value(collect(target), "pg_stat_database_xact_commit", {{"datname", "postgres"}});
    }
    BOOST_TEST(after >= before + kCommits);
}

BOOST_AUTO_TEST_CASE(one_reused_connection) {
    PostgresTarget target(test_options());
    for (int i = 0; i < 30; ++i) BOOST_TEST(value(collect(target), "pg_up") == 1);
    BOOST_TEST(exporter_backends() == 1);
    BOOST_TEST(value(collect(target), "pg_exporter_scrapes_total") == 31);
}

BOOST_AUTO_TEST_CASE(collectors_are_enabled_by_name) {
    auto options = test_options();
    options.enabled_collectors = std::set<std::string>{"locks"};
    PostgresTarget target(options);
    auto set = collect(target);
    BOOST_TEST(collector_success(set, "locks") == 1);
    BOOST_TEST(family(set, "pg_scrape_collector_success")->metric.size() == 1u);
    BOOST_TEST(family(set, "pg_stat_database_xact_commit") == nullptr);

    options.enabled_collectors = std::set<std::string>{"locks", "no_such_collector"};
    BOOST_CHECK_THROW(PostgresTarget{options}, std::invalid_argument);

    auto resolved =
        exporter::postgres::resolve_collectors({{"settings", false}, {"stat_statements", true}});
    BOOST_TEST(resolved.count("settings") == 0u);
    BOOST_TEST(resolved.count("stat_statements") == 1u);
    BOOST_TEST(resolved.count("stat_database") == 1u);
    BOOST_CHECK_THROW(exporter::postgres::resolve_collectors({{"bogus", true}}),
                      std::invalid_argument);

    std::set<std::string> defaults;
    for (const auto& info : exporter::postgres::postgres_collectors())
        if (info.enabled_by_default) defaults.insert(info.name);
    BOOST_TEST(defaults.count("stat_database") == 1u);
    BOOST_TEST(defaults.count("stat_statements") == 0u);
    PostgresTarget default_target(test_options());
    auto default_set = collect(default_target);
    BOOST_TEST(family(default_set, "pg_scrape_collector_success")->metric.size() ==
               defaults.size());
    BOOST_TEST(family(default_set, "pg_stat_statements_calls_total") == nullptr);
}

BOOST_AUTO_TEST_CASE(table_and_statement_metrics_are_bounded) {
    prepare_server_objects();
    auto& server = shared_postgres();
    server.query_value(
        "CREATE TABLE IF NOT EXISTS bound_a (x int); CREATE TABLE IF NOT EXISTS bound_b (x int); "
        "INSERT INTO bound_a SELECT generate_series(1, 50); SELECT 1");
    auto options = test_options();
    options.enabled_collectors =
        std::set<std::string>{"stat_user_tables", "statio_user_tables", "stat_statements"};
    options.max_tables = 1;
    options.max_statements = 2;
    PostgresTarget target(options);
    auto set = collect(target);
    BOOST_TEST(family(set, "pg_stat_user_tables_seq_scan")->metric.size() == 1u);
    BOOST_TEST(family(set, "pg_statio_user_tables_heap_blocks_hit")->metric.size() == 1u);
    BOOST_TEST(family(set, "pg_stat_statements_calls_total")->metric.size() == 2u);
    BOOST_TEST(family(set, "pg_stat_statements_query_id") == nullptr);
}

BOOST_AUTO_TEST_CASE(statement_timeout_bounds_every_statement) {
    auto options = test_options();
    options.statement_timeout = std::chrono::milliseconds(200);
    options.enabled_collectors = std::set<std::string>{"locks"};
    options.custom_queries_file = write_temp_file("sleep.yaml", R"(
pg_sleepy:
  query: "SELECT pg_sleep(5) IS NULL AS slept"
  metrics:
    - slept: {usage: GAUGE, description: "cut short"}
pg_patient:
  query: "SELECT pg_sleep(0.4) IS NULL AS slept"
  timeout: 3s
  metrics:
    - slept: {usage: GAUGE, description: "allowed longer"}
)");
    PostgresTarget target(options);
    auto set = collect(target);
    BOOST_TEST(collector_success(set, "locks") == 1);
    BOOST_TEST(collector_success(set, "custom:pg_sleepy") == 0);
    BOOST_TEST(collector_success(set, "custom:pg_patient") == 1);
}

BOOST_AUTO_TEST_CASE(slow_facts_are_cached_for_their_ttl) {
    auto& server = shared_postgres();
    server.query_value("DROP DATABASE IF EXISTS cache_probe");
    auto options = test_options();
    options.enabled_collectors = std::set<std::string>{"database", "settings"};
    options.slow_facts_ttl = std::chrono::hours(1);
    PostgresTarget cached(options);
    options.slow_facts_ttl = std::chrono::milliseconds(0);
    PostgresTarget uncached(options);
    collect(cached);
    collect(uncached);

    server.query_value("CREATE DATABASE cache_probe");
    auto from_cache = collect(cached);
    auto fresh = collect(uncached);
    server.query_value("DROP DATABASE cache_probe");

    BOOST_TEST(
        std::isnan(value(from_cache, "pg_database_size_bytes", {{"datname", "cache_probe"}})));
    BOOST_TEST(value(fresh, "pg_database_size_bytes", {{"datname", "cache_probe"}}) > 0);
    BOOST_TEST(collector_success(from_cache, "database") == 1);
    BOOST_TEST(value(from_cache, "pg_settings_max_connections") == 200);
}

BOOST_AUTO_TEST_CASE(health_waits_for_a_scrape_only_until_its_deadline) {
    auto options = test_options();
    options.enabled_collectors = std::set<std::string>{"locks"};
    options.custom_queries_file = write_temp_file("hold.yaml", R"(
pg_hold:
  query: "SELECT pg_sleep(2) IS NULL AS held"
  metrics:
    - held: {usage: GAUGE, description: "keeps the connection busy"}
)");
    PostgresTarget target(options);
    collect(target);
    std::thread scrape([&] { collect(target); });
    // Wait until the scrape's statement is running, so the health check meets a busy connection.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (shared_postgres().query_value("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                                         "'SELECT pg_sleep(2)%' AND state = 'active'") != "1" &&
           std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    RecordingLatency latency;
    auto health = target.health(exporter::Deadline::in(std::chrono::milliseconds(200)), latency);
    scrape.join();
    BOOST_TEST(health["status"] == "degraded");
    BOOST_TEST(!health["error"].is_null());
    BOOST_TEST(latency.probes.empty());
    BOOST_TEST(target.health(exporter::Deadline::in(std::chrono::seconds(5)), latency)["status"] ==
               "ok");
}

BOOST_AUTO_TEST_CASE(health_reports_the_server) {
    PostgresTarget target(test_options());
    RecordingLatency latency;
    auto health = target.health(exporter::Deadline::in(std::chrono::seconds(5)), latency);
    BOOST_TEST(health["status"] == "ok");
    BOOST_TEST(health["connections"]["max"].get<double>() == 200);
    BOOST_TEST(health["connections"]["in_use"].get<double>() >= 1);
    BOOST_TEST(health["is_replica"] == false);
    BOOST_TEST(health["replication_lag_seconds"].is_null());
    BOOST_TEST(health["version"].get<std::string>().rfind("15.", 0) == 0u);
    BOOST_TEST(health["latency_ms"].get<double>() >= 0);
    BOOST_TEST(health["error"].is_null());
    BOOST_TEST(latency.probes.size() == 1u);
}

BOOST_AUTO_TEST_CASE(password_never_appears) {
    auto& server = shared_postgres();
    // In the DSN itself, with a wrong password, so that the server rejects it.
    auto options = test_options();
    options.password.reset();
    options.dsn =
        "postgresql://postgres:wrong-secret-123@127.0.0.1:" + std::to_string(server.port()) +
        "/postgres";
    PostgresTarget rejected(options);
    auto set = collect(rejected);
    BOOST_TEST(value(set, "pg_up") == 0);
    RecordingLatency latency;
    auto health = rejected.health(exporter::Deadline::in(std::chrono::seconds(5)), latency);
    BOOST_TEST(health["status"] == "down");
    BOOST_TEST(!health["error"].is_null());
    BOOST_TEST(health.dump().find("wrong-secret-123") == std::string::npos);
    BOOST_TEST(set.serialize().find("wrong-secret-123") == std::string::npos);

    PostgresTarget accepted(test_options());
    BOOST_TEST(collect(accepted).serialize().find(server.password()) == std::string::npos);

    options.dsn = "host=127.0.0.1 password=bad-dsn-secret port=notaport";
    try {
        PostgresTarget broken(options);
        BOOST_TEST(collect(broken).serialize().find("bad-dsn-secret") == std::string::npos);
    } catch (const std::exception& e) {
        BOOST_TEST(std::string(e.what()).find("bad-dsn-secret") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(promtool_accepts_the_output) {
    if (!std::filesystem::exists(kPromtool)) {
        BOOST_TEST_MESSAGE("promtool not installed; skipping");
        return;
    }
    prepare_server_objects();
    auto options = test_options();
    options.enabled_collectors = all_collectors();
    options.statements_include_query = true;
    PostgresTarget target(options);
    // Names kept as postgres_exporter has them; promtool's naming lint complains about them.
    const std::set<std::string> kept_for_compatibility = {
        "pg_stat_database_blk_read_time",
        "pg_stat_database_blk_write_time",
        "pg_stat_database_blks_hit",
        "pg_stat_database_blks_read",
        "pg_stat_database_conflicts",
        "pg_stat_database_conflicts_confl_",
        "pg_stat_database_deadlocks",
        "pg_stat_database_stats_reset",
        "pg_stat_database_temp_bytes",
        "pg_stat_database_temp_files",
        "pg_stat_database_tup_",
        "pg_stat_database_xact_",
        "pg_stat_archiver_archived_count",
        "pg_stat_archiver_failed_count",
        "pg_stat_user_tables_",
        "pg_statio_user_tables_",
        "pg_stat_statements_query_id",
        "pg_stat_bgwriter_checkpoint_write_time_total",
        "pg_stat_bgwriter_checkpoint_sync_time_total",
        "pg_stat_bgwriter_stats_reset_total",
        "pg_settings_",
        "pg_stat_database_active_time",
        "pg_locks_count",
        "pg_stat_activity_count",
        "pg_stat_database_session_time",
        "pg_stat_database_idle_in_transaction_time",
    };
    for (const auto& problem :
         promtool_problems(collect(target).serialize(), kept_for_compatibility))
        BOOST_TEST(false, "promtool: " << problem);
}

BOOST_AUTO_TEST_SUITE_END()
