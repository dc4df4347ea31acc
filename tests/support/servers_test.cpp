#include <signal.h>
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "tests/support/eventually.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

using namespace stackwatch::test;

BOOST_AUTO_TEST_SUITE(test_servers)

BOOST_AUTO_TEST_CASE(postgres_answers_queries_as_a_non_root_server) {
    auto& pg = shared_postgres();
    BOOST_TEST(pg.query_value("SELECT 40 + 2") == "42");
    BOOST_TEST(pg.query_value("SHOW server_version_num").substr(0, 2) == "15");
    BOOST_TEST(pg.query_value("SHOW fsync") == "off");
    BOOST_TEST(pg.query_value("SELECT inet_server_addr()::text") == "127.0.0.1/32");
    // The server process belongs to the postgres user, never root.
    BOOST_TEST(pg.query_value("SELECT current_setting('data_directory')") ==
               pg.data_dir().string());
    BOOST_CHECK_THROW(pqxx::connection(pg.dsn() + " password=wrong"), pqxx::broken_connection);
}

BOOST_AUTO_TEST_CASE(postgres_outage_can_be_simulated_and_recovered) {
    auto& pg = shared_postgres();
    pg.query_value("CREATE TABLE IF NOT EXISTS outage_probe(v int)");
    pg.query_value("INSERT INTO outage_probe VALUES (7)");
    pg.stop();
    BOOST_TEST(!pg.running());
    BOOST_CHECK_THROW(pg.query_value("SELECT 1"), pqxx::broken_connection);
    pg.start();
    BOOST_TEST(pg.query_value("SELECT max(v) FROM outage_probe") == "7");
}

BOOST_AUTO_TEST_CASE(a_postgres_replica_streams_from_its_primary) {
    PostgresServer primary;
    PostgresServer replica({.replica_of = &primary});
    BOOST_TEST(replica.query_value("SELECT pg_is_in_recovery()") == "t");
    BOOST_TEST(primary.query_value("SELECT pg_is_in_recovery()") == "f");
    primary.query_value("CREATE TABLE replicated(v int)");
    primary.query_value("INSERT INTO replicated VALUES (41)");
    BOOST_TEST(eventually([&] {
        return replica.query_value("SELECT to_regclass('replicated') IS NOT NULL") == "t" &&
               replica.query_value("SELECT max(v) FROM replicated") == "41";
    }));
    BOOST_TEST(primary.query_value("SELECT state FROM pg_stat_replication") == "streaming");
}

BOOST_AUTO_TEST_CASE(a_postgres_server_takes_its_connection_limit) {
    PostgresServer small({.max_connections = 12});
    BOOST_TEST(small.query_value("SHOW max_connections") == "12");
}

BOOST_AUTO_TEST_CASE(a_redis_replica_follows_its_primary) {
    RedisServer primary;
    RedisServer replica(&primary);
    primary.command({"SET", "replicated", "yes"});
    BOOST_TEST(eventually([&] { return replica.command({"GET", "replicated"}) == "yes"; }));
    BOOST_TEST(replica.command({"ROLE"}).substr(0, 5) == "slave");
    BOOST_TEST(primary.command({"INFO", "replication"}).find("connected_slaves:1") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(redis_requires_its_password_and_answers_ping) {
    auto& redis = shared_redis();
    BOOST_TEST(redis.command({"PING"}) == "PONG");
    BOOST_TEST(redis.command({"SET", "k", "v"}) == "OK");
    BOOST_TEST(redis.command({"GET", "k"}) == "v");
    BOOST_TEST(redis.command({"CONFIG", "GET", "requirepass"}).find(redis.password()) !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(redis_outage_can_be_simulated_and_recovered) {
    auto& redis = shared_redis();
    redis.stop();
    BOOST_CHECK_THROW(redis.command({"PING"}), std::runtime_error);
    redis.start();
    BOOST_TEST(redis.command({"PING"}) == "PONG");
}

BOOST_AUTO_TEST_CASE(temp_dirs_are_removed_even_when_the_test_binary_is_killed) {
    // A child test process creates a dir through the guardian and is SIGKILLed; the guardian
    // (not any destructor) must then remove the dir.
    int fds[2];
    BOOST_REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        auto dir = make_temp_dir("stackwatch-guardian-test");
        std::string path = dir.string() + "\n";
        if (write(fds[1], path.data(), path.size()) < 0) _exit(1);
        pause();
        _exit(0);
    }
    close(fds[1]);
    std::string path;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') path += c;
    close(fds[0]);
    BOOST_REQUIRE(std::filesystem::exists(path));
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    bool removed = false;
    for (int i = 0; i < 1000 && !removed; ++i) {
        removed = !std::filesystem::exists(path);
        if (!removed) usleep(10000);
    }
    BOOST_TEST(removed, "guardian did not remove " << path);
}

BOOST_AUTO_TEST_SUITE_END()
