// The replication families are real: PostgreSQL streams to a hot standby and Redis has a
// replica, and Prometheus 2.42 scraping the exporter sees both sides of each, with the values
// the servers themselves report.

#include <boost/test/unit_test.hpp>

#include "ruler/scrape/http_client_config.hpp"
#include "tests/live/live_stack.hpp"
#include "tests/support/eventually.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;

namespace {

// The value of the single series `query` selects, or NaN while there is none.
double single_value(const LiveStack& stack, const std::string& query) {
    auto result =
        stack.prometheus_api("/api/v1/query?" + scrape::encode_query({{"query", query}}))["result"];
    if (result.size() != 1) return std::nan("");
    return std::stod(result[0]["value"][1].get<std::string>());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replication_live)

BOOST_AUTO_TEST_CASE(both_sides_of_postgresql_and_redis_replication_are_reported) {
    LiveStack stack;
    stack.start_load();
    auto shows = [&](const std::string& query, double wanted) {
        double got = std::nan("");
        bool ok =
            eventually([&] { return (got = single_value(stack, query)) == wanted; }, 60s, 200ms);
        BOOST_TEST(ok, query << " is " << got << ", not " << wanted);
    };
    shows(R"(pg_replication_is_replica{target="replica"})", 1);
    shows(R"(pg_replication_is_replica{target="primary"})", 0);
    // The primary has one standby streaming, with its lag in bytes reported per standby.
    shows(R"(count(pg_stat_replication_pg_wal_lsn_diff{target="primary"}))", 1);
    shows(R"(absent(pg_stat_replication_pg_wal_lsn_diff{target="replica"}))", 1);
    shows(R"(count(pg_replication_lag_seconds{target="replica"} >= 0))", 1);
    shows(R"(redis_connected_slaves{target="cache"})", 1);
    shows(R"(redis_connected_slaves{target="cache-replica"})", 0);
    shows(R"(count(redis_instance_info{target="cache", role="master"}))", 1);
    shows(R"(count(redis_instance_info{target="cache-replica", role="slave"}))", 1);
    shows(R"(count(redis_slave_repl_offset{target="cache-replica"} > 0))", 1);
}

BOOST_AUTO_TEST_SUITE_END()
