#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "exporter/postgres/postgres_target.hpp"
#include "tests/exporter/postgres/postgres_fixture.hpp"
#include "tests/support/postgres_server.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using exporter::postgres::PostgresTarget;
using Clock = std::chrono::steady_clock;

BOOST_AUTO_TEST_SUITE(postgres_outage)

BOOST_AUTO_TEST_CASE(down_server_reports_pg_up_0_and_recovers) {
    auto& server = shared_postgres();
    PostgresTarget target(test_options());
    BOOST_TEST(value(collect(target), "pg_up") == 1);

    server.stop();
    constexpr auto kBudget = std::chrono::seconds(5);
    auto start = Clock::now();
    auto set = collect(target, kBudget);
    auto took = Clock::now() - start;
    RecordingLatency latency;
    auto health = target.health(exporter::Deadline::in(kBudget), latency);
    server.start();

    BOOST_TEST(took < kBudget);
    BOOST_TEST(value(set, "pg_up") == 0);
    BOOST_TEST(value(set, "pg_exporter_last_scrape_error") == 1);
    BOOST_TEST(value(set, "pg_exporter_scrapes_total") == 2);
    BOOST_TEST(family(set, "pg_scrape_collector_success") == nullptr);
    BOOST_TEST(health["status"] == "down");

    auto recovered = collect(target);
    BOOST_TEST(value(recovered, "pg_up") == 1);
    BOOST_TEST(value(recovered, "pg_exporter_last_scrape_error") == 0);
    BOOST_TEST(collector_success(recovered, "stat_database") == 1);
}

BOOST_AUTO_TEST_CASE(silent_server_is_given_up_on_within_the_connect_timeout) {
    // A socket that accepts TCP connections (the kernel completes them) but never answers the
    // startup packet: libpq alone would wait for it forever.
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    BOOST_TEST_REQUIRE(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    BOOST_TEST_REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
                       0);
    BOOST_TEST_REQUIRE(::listen(listener, 8) == 0);
    BOOST_TEST_REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) ==
                       0);

    auto options = test_options();
    options.dsn = "postgresql://postgres@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) +
                  "/postgres?sslmode=disable";
    options.connect_timeout = std::chrono::milliseconds(300);
    PostgresTarget target(options);
    constexpr auto kBudget = std::chrono::seconds(5);
    auto start = Clock::now();
    auto set = collect(target, kBudget);
    BOOST_TEST((Clock::now() - start < kBudget));
    ::close(listener);
    BOOST_TEST(value(set, "pg_up") == 0);
}

BOOST_AUTO_TEST_CASE(frozen_backend_is_cut_off_at_the_deadline) {
    auto& server = shared_postgres();
    PostgresTarget target(test_options());
    BOOST_TEST(value(collect(target), "pg_up") == 1);
    // A stopped backend never sees statement_timeout; only cutting the socket frees the scrape.
    pid_t backend = std::stoi(server.query_value(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'stackwatch-exporter'"));
    BOOST_TEST_REQUIRE(::kill(backend, SIGSTOP) == 0);
    constexpr auto kBudget = std::chrono::milliseconds(1500);
    auto start = Clock::now();
    auto set = collect(target, kBudget);
    auto took = Clock::now() - start;
    ::kill(backend, SIGCONT);

    BOOST_TEST((took < kBudget + std::chrono::seconds(1)));
    BOOST_TEST(value(set, "pg_up") == 0);
    auto recovered = collect(target);
    BOOST_TEST(value(recovered, "pg_up") == 1);
    BOOST_TEST(collector_success(recovered, "stat_database") == 1);
}

BOOST_AUTO_TEST_CASE(collector_blocked_by_a_lock_fails_alone) {
    auto& server = shared_postgres();
    server.query_value("CREATE TABLE IF NOT EXISTS locked_table (x int); SELECT 1");
    pqxx::connection holder(server.dsn());
    pqxx::work lock_tx(holder);
    lock_tx.exec("LOCK TABLE locked_table IN ACCESS EXCLUSIVE MODE");

    auto options = test_options();
    options.lock_timeout = std::chrono::milliseconds(300);
    options.custom_queries_file = write_temp_file("slow.yaml", R"(
pg_slow:
  query: "SELECT pg_sleep(30) AS slept"
  timeout: 300ms
  metrics:
    - slept: {usage: GAUGE, description: "never arrives"}
)");
    PostgresTarget target(options);
    constexpr auto kBudget = std::chrono::seconds(8);
    auto start = Clock::now();
    auto set = collect(target, kBudget);
    BOOST_TEST((Clock::now() - start < kBudget));
    lock_tx.abort();

    BOOST_TEST(value(set, "pg_up") == 1);
    BOOST_TEST(collector_success(set, "stat_user_tables") == 0);
    BOOST_TEST(collector_success(set, "custom:pg_slow") == 0);
    BOOST_TEST(family(set, "pg_slow_slept") == nullptr);
    BOOST_TEST(value(set, "pg_exporter_last_scrape_error") == 1);
    for (const char* healthy :
         {"stat_database", "locks", "stat_activity", "settings", "statio_user_tables"})
        BOOST_TEST_CONTEXT(healthy) {
            BOOST_TEST(collector_success(set, healthy) == 1);
        }
    BOOST_TEST(value(set, "pg_locks_count",
                     {{"datname", "postgres"}, {"mode", "accessexclusivelock"}}) >= 1);

    // The connection survives the cancelled statements.
    auto next = collect(target);
    BOOST_TEST(collector_success(next, "stat_user_tables") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
