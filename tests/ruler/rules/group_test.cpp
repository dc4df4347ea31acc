#include "ruler/rules/group.hpp"

#include <boost/test/unit_test.hpp>

#include "ruler/rules/recording_rule.hpp"
#include "common/xxhash.hpp"
#include "ruler/storage/memory_store.hpp"
#include "test_support.hpp"

using namespace stackwatch;
using namespace stackwatch::rules;
using rules::test::kMinute;

namespace {

RuleSpec recording(std::string name, std::string expr,
                   std::map<std::string, std::string> labels = {}) {
    return RuleSpec{
        .record = std::move(name), .expr = std::move(expr), .labels = std::move(labels)};
}

RuleSpec alerting(std::string name, std::string expr) {
    return RuleSpec{.alert = std::move(name), .expr = std::move(expr)};
}

// The newest sample of the one series matching `name` at or before t.
std::optional<promql::Sample> latest(const storage::MemoryStore& store, const std::string& name,
                                     promql::Timestamp t) {
    auto series = store.select({promql::Matcher(promql::MatchType::equal, "__name__", name)}, 0, t);
    if (series.size() != 1 || series[0].samples.empty()) return std::nullopt;
    return series[0].samples.back();
}

struct Fixture {
    storage::MemoryStore store;
    MemoryStoreAppender appender{store};
    datasource::EmbeddedDatasource data{store};

    void up(promql::Timestamp t, double instance1, double instance2) {
        store.append(promql::Labels{{"__name__", "up"}, {"job", "a"}, {"instance", "1"}}, t,
                     instance1);
        store.append(promql::Labels{{"__name__", "up"}, {"job", "a"}, {"instance", "2"}}, t,
                     instance2);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(rule_group, Fixture)

BOOST_AUTO_TEST_CASE(recording_results_feed_later_rules_at_the_same_timestamp) {
    RuleGroupSpec spec{
        .name = "g",
        .labels = {{"team", "db"}},
        .rules = {recording("job:up:sum", "sum by (job) (up)"),
                  recording("job:up:sum:doubled", "job:up:sum * 2", {{"team", "sre"}}),
                  alerting("JobDown", "job:up:sum < 1")}};
    Group group("file.yml", spec, GroupOptions{});
    up(kMinute, 1, 0);
    group.evaluate(kMinute, data, appender);

    BOOST_TEST(latest(store, "job:up:sum", kMinute)->v == 1.0);
    auto doubled = store.select(
        {promql::Matcher(promql::MatchType::equal, "__name__", "job:up:sum:doubled")}, 0, kMinute);
    BOOST_REQUIRE(doubled.size() == 1u);
    BOOST_TEST(doubled[0].samples.back().v == 2.0);
    BOOST_TEST(doubled[0].samples.back().t == kMinute);
    // Group labels apply to every rule; the rule's own label wins.
    BOOST_TEST(doubled[0].labels.get("team") == "sre");
    BOOST_TEST(!latest(store, "ALERTS", kMinute).has_value());

    up(2 * kMinute, 0, 0);
    group.evaluate(2 * kMinute, data, appender);
    auto alerts = store.select({promql::Matcher(promql::MatchType::equal, "__name__", "ALERTS")}, 0,
                               2 * kMinute);
    BOOST_REQUIRE(alerts.size() == 1u);
    BOOST_TEST(alerts[0].labels.get("alertstate") == "firing");
    BOOST_TEST(alerts[0].labels.get("team") == "db");
    for (const auto& rule : group.rules()) BOOST_TEST(rule->health() == RuleHealth::ok);
}

BOOST_AUTO_TEST_CASE(vanished_series_get_a_staleness_marker) {
    RuleGroupSpec spec{.name = "g", .rules = {recording("up:positive", "up > 0")}};
    Group group("file.yml", spec, GroupOptions{});
    up(kMinute, 1, 0);
    group.evaluate(kMinute, data, appender);
    up(2 * kMinute, 0, 0);
    group.evaluate(2 * kMinute, data, appender);
    auto last = latest(store, "up:positive", 2 * kMinute);
    BOOST_REQUIRE(last.has_value());
    BOOST_TEST(last->t == 2 * kMinute);
    BOOST_TEST(promql::is_stale_marker(last->v));
}

BOOST_AUTO_TEST_CASE(failing_rule_is_unhealthy_and_the_group_carries_on) {
    RuleGroupSpec spec{
        .name = "g",
        .rules = {recording("bad", "up + on(job) up"), recording("good", "count(up)")}};
    Group group("file.yml", spec, GroupOptions{.log_failures = false});
    BOOST_TEST(group.rules()[0]->health() == RuleHealth::unknown);
    up(kMinute, 1, 1);
    group.evaluate(kMinute, data, appender);
    BOOST_TEST(group.rules()[0]->health() == RuleHealth::err);
    BOOST_TEST(group.rules()[0]->last_error().value_or("").find("many-to-many") !=
               std::string::npos);
    BOOST_TEST(group.rules()[1]->health() == RuleHealth::ok);
    BOOST_TEST(latest(store, "good", kMinute)->v == 2.0);

    auto json = group.to_json();
    BOOST_TEST(json["name"] == "g");
    BOOST_TEST(json["file"] == "file.yml");
    BOOST_TEST(json["interval"] == 60.0);
    // Wall-clock time of the run (not the 1970 slot evaluated here), as Prometheus reports it.
    BOOST_TEST(json["lastEvaluation"].get<std::string>().substr(0, 2) == "20");
    BOOST_TEST(json["rules"][1]["lastEvaluation"].get<std::string>().substr(0, 2) == "20");
    BOOST_TEST(json["rules"][0]["health"] == "err");
    BOOST_TEST(json["rules"][0].contains("lastError"));
    BOOST_TEST(json["rules"][1]["type"] == "recording");
    BOOST_TEST(!json["rules"][1].contains("lastError"));
}

BOOST_AUTO_TEST_CASE(recording_rule_limit_and_duplicates) {
    up(kMinute, 1, 1);
    RecordingRule limited("r", "up", {});
    BOOST_CHECK_EXCEPTION(limited.eval(kMinute, data, 1), RuleError, [](const RuleError& e) {
        return std::string(e.what()) == "exceeded limit of 1 with 2 series";
    });
    RecordingRule collapsing("r", "up", promql::Labels{{"instance", "same"}});
    BOOST_CHECK_EXCEPTION(collapsing.eval(kMinute, data, 0), RuleError, [](const RuleError& e) {
        return std::string(e.what()) ==
               "vector contains metrics with the same labelset after applying rule labels";
    });
}

BOOST_AUTO_TEST_CASE(slots_are_aligned_and_missed_iterations_counted) {
    Group group("file.yml", RuleGroupSpec{.name = "g", .interval = std::chrono::seconds(30)},
                GroupOptions{});
    const promql::Timestamp now = 1'700'000'012'345;
    promql::Timestamp slot = group.eval_timestamp(now);
    BOOST_TEST(slot <= now);
    BOOST_TEST(now - slot < 30'000);
    BOOST_TEST(group.eval_timestamp(now + 30'000) == slot + 30'000);
    BOOST_TEST(group.eval_timestamp(slot) == slot);
    // Prometheus's phase: xxhash of {file="file.yml", name="g"} modulo the interval in nanoseconds.
    std::uint64_t offset_ns = xxhash64(
                                  "file\xff"
                                  "file.yml\xffname\xffg\xff") %
                              30'000'000'000ULL;
    BOOST_TEST(slot % 30'000 == static_cast<promql::Timestamp>(offset_ns / 1'000'000));

    BOOST_TEST(group.next_evaluation(now) == slot + 30'000);
    group.evaluate(slot + 30'000, data, appender);
    BOOST_TEST(group.next_evaluation(slot + 30'500) == slot + 60'000);
    BOOST_TEST(group.missed_iterations() == 0);
    // Finishing three and a half intervals late skips the slots already gone.
    BOOST_TEST(group.next_evaluation(slot + 30'000 + 105'000) == slot + 30'000 + 90'000);
    BOOST_TEST(group.missed_iterations() == 2);
}

BOOST_AUTO_TEST_CASE(notifications_follow_firing_and_resolution) {
    std::vector<std::pair<std::string, std::vector<Alert>>> sent;
    RuleGroupSpec spec{.name = "g", .rules = {alerting("Down", "up == 0")}};
    Group group(
        "file.yml", spec,
        GroupOptions{.notify = [&sent](const std::string& expr, const std::vector<Alert>& a) {
            sent.emplace_back(expr, a);
        }});
    up(kMinute, 0, 1);
    group.evaluate(kMinute, data, appender);
    BOOST_REQUIRE(sent.size() == 1u);
    BOOST_TEST(sent[0].first == "up == 0");
    BOOST_TEST(sent[0].second.size() == 1u);
    BOOST_TEST(*sent[0].second[0].valid_until == kMinute + 4 * kMinute);
    BOOST_TEST(group.active_alerts_json().size() == 1u);

    up(2 * kMinute, 1, 1);
    group.evaluate(2 * kMinute, data, appender);
    BOOST_REQUIRE(sent.size() == 2u);
    BOOST_TEST(sent[1].second[0].state == AlertState::inactive);
    BOOST_TEST(group.active_alerts_json().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(rule_group_reload, Fixture)

BOOST_AUTO_TEST_CASE(reload_keeps_alerts_and_marks_removed_rules_stale) {
    RuleGroupSpec before{
        .name = "g", .rules = {alerting("Down", "up == 0"), recording("old:count", "count(up)")}};
    Group old_group("file.yml", before, GroupOptions{});
    up(kMinute, 0, 1);
    old_group.evaluate(kMinute, data, appender);
    BOOST_REQUIRE(old_group.alerting_rules()[0]->active_alerts().size() == 1u);

    RuleGroupSpec after{.name = "g", .rules = {alerting("Down", "up == 0")}};
    Group new_group("file.yml", after, GroupOptions{});
    new_group.copy_state_from(old_group);
    auto alerts = new_group.alerting_rules()[0]->active_alerts();
    BOOST_REQUIRE(alerts.size() == 1u);
    BOOST_TEST(alerts[0].active_at == kMinute);

    up(2 * kMinute, 0, 1);
    new_group.evaluate(2 * kMinute, data, appender);
    auto removed = latest(store, "old:count", 2 * kMinute);
    BOOST_REQUIRE(removed.has_value());
    BOOST_TEST(promql::is_stale_marker(removed->v));
    BOOST_TEST(new_group.alerting_rules()[0]->active_alerts()[0].active_at == kMinute);
}

BOOST_AUTO_TEST_SUITE_END()
