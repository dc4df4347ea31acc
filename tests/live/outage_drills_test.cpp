// The shipped rules on real outages: each drill breaks a real server the way production breaks,
// and the alert must fire in stackwatch-ruler, be delivered through its notification pipeline,
// fire in a real Prometheus 2.42 running the same rules, and resolve when the server recovers.
// The rules' `for:` durations are shortened to 1s (and the long-transaction threshold to 5s),
// nothing else.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <pqxx/pqxx>
#include <regex>

#include "tests/live/live_events.hpp"
#include "tests/live/live_stack.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;

namespace {

// The shipped rule files with the drill's overrides, in a directory of their own.
struct DrillRules {
    std::filesystem::path dir = make_temp_dir("stackwatch-drill-rules");

    DrillRules() {
        for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "rules")) {
            if (entry.path().extension() != ".yml") continue;
            std::ifstream in(entry.path());
            std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
            text = std::regex_replace(text, std::regex(R"(\bfor: \S+)"), "for: 1s");
            text = std::regex_replace(
                text, std::regex(R"((pg_stat_activity_max_tx_duration\{state!="idle"\}) > 600)"),
                "$1 > 5");
            std::ofstream(dir / entry.path().filename()) << text;
        }
    }
    ~DrillRules() { remove_dir(dir); }
};

// The one stack all drills run on, one after the other; 20 connections so the connection drill
// can reach the limit.
struct DrillStack {
    DrillRules rules;
    LiveStack stack{{.rules_dir = rules.dir, .postgres_max_connections = 20}};
    DrillStack() { stack.start_load(); }
};

bool has_prefix(const std::set<std::string>& keys, const std::string& prefix) {
    for (const auto& key : keys)
        if (key.starts_with(prefix)) return true;
    return false;
}

// "alertname instance target": the alert must fire in the ruler, reach the receiver, and fire
// in Prometheus.
void expect_fires(LiveStack& stack, const std::string& alertname, const std::string& target) {
    std::string key = alertname + " " + stack.exporter_address() + " " + target;
    auto listed = [](const std::set<std::string>& keys) {
        std::string all;
        for (const auto& k : keys) all += k + "; ";
        return all;
    };
    BOOST_TEST_CONTEXT(key) {
        bool in_ruler = eventually([&] { return stack.firing_in_ruler().count(key) > 0; }, 60s);
        BOOST_TEST(in_ruler, "the ruler fires " << listed(stack.firing_in_ruler()));
        bool delivered = eventually(
            [&] {
                auto statuses = stack.receiver.statuses(alertname);
                return std::find(statuses.begin(), statuses.end(), "firing") != statuses.end();
            },
            30s);
        BOOST_TEST(delivered, "not delivered");
        bool in_prometheus =
            eventually([&] { return stack.firing_in_prometheus().count(key) > 0; }, 60s);
        BOOST_TEST(in_prometheus, "Prometheus fires " << listed(stack.firing_in_prometheus()));
    }
}

// ...and once the cause is gone it stops firing in both and the resolution is delivered.
void expect_resolves(LiveStack& stack, const std::string& alertname) {
    BOOST_TEST_CONTEXT(alertname) {
        BOOST_TEST(
            eventually([&] { return !has_prefix(stack.firing_in_ruler(), alertname + " "); }, 60s));
        BOOST_TEST(eventually(
            [&] { return !has_prefix(stack.firing_in_prometheus(), alertname + " "); }, 60s));
        BOOST_TEST(eventually(
            [&] {
                auto statuses = stack.receiver.statuses(alertname);
                return !statuses.empty() && statuses.back() == "resolved";
            },
            30s));
    }
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(outage_drills, DrillStack)

BOOST_AUTO_TEST_CASE(postgresql_stopped_fires_postgresql_down_and_started_resolves_it) {
    stack.primary.stop();
    expect_fires(stack, "PostgreSQLDown", "primary");
    stack.primary.start();
    expect_resolves(stack, "PostgreSQLDown");
}

BOOST_AUTO_TEST_CASE(redis_filled_past_maxmemory_fires_the_eviction_alert) {
    make_evictions(stack.redis);
    expect_fires(stack, "RedisEvictingKeys", "cache");
}

BOOST_AUTO_TEST_CASE(connections_near_the_limit_fire_the_connections_alert_until_closed) {
    // 80% of the 17 slots ordinary roles may use is 13.6, 95% is 16.15. 16 client connections
    // are between the two as the exporter counts them: it leaves out its own one or two.
    std::vector<std::unique_ptr<pqxx::connection>> held;
    auto clients = [&] {
        return std::stoi(stack.primary.query_value(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"));
    };
    while (clients() < 16) held.push_back(std::make_unique<pqxx::connection>(stack.primary.dsn()));
    expect_fires(stack, "PostgreSQLTooManyConnections", "primary");
    held.clear();
    expect_resolves(stack, "PostgreSQLTooManyConnections");
}

BOOST_AUTO_TEST_CASE(a_transaction_left_open_fires_the_long_transaction_alert_until_it_ends) {
    {
        OpenTransaction open(stack.primary);
        expect_fires(stack, "PostgreSQLLongRunningTransaction", "primary");
    }
    expect_resolves(stack, "PostgreSQLLongRunningTransaction");
}

BOOST_AUTO_TEST_SUITE_END()
