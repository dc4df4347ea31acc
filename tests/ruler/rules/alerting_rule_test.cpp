#include "ruler/rules/alerting_rule.hpp"

#include <boost/test/unit_test.hpp>

#include "ruler/storage/memory_store.hpp"
#include "test_support.hpp"

using namespace stackwatch;
using namespace stackwatch::rules;
using rules::test::kMinute;
using std::chrono::minutes;

namespace {

const std::string kExpr = "load > 1";

AlertingRule make_rule(minutes hold, minutes keep_firing = minutes(0), bool restored = true) {
    return AlertingRule("HighLoad", kExpr, hold, keep_firing,
                        promql::Labels{{"severity", "page"}, {"host", "{{ $labels.instance }}"}},
                        Annotations{{"summary", "{{ $labels.instance }} at {{ $value }}"}},
                        AlertContext{promql::Labels{{"cluster", "c1"}}, "http://ruler"}, restored);
}

promql::VectorSample load_sample(const std::string& instance, double v) {
    return {.labels = promql::Labels{{"__name__", "load"}, {"instance", instance}}, .t = 0, .v = v};
}

const promql::VectorSample* find_series(const promql::Vector& v, const std::string& name,
                                        const std::string& state = "") {
    for (const auto& s : v)
        if (s.labels.get("__name__") == name &&
            (state.empty() || s.labels.get("alertstate") == state))
            return &s;
    return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(alerting_rule)

BOOST_AUTO_TEST_CASE(pending_then_firing_then_resolved_and_kept_fifteen_minutes) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2)};
    auto rule = make_rule(minutes(5));

    auto out = rule.eval(0, data, 0);
    BOOST_TEST(rule.state() == AlertState::pending);
    BOOST_REQUIRE(find_series(out, "ALERTS", "pending") != nullptr);
    const auto* for_state = find_series(out, "ALERTS_FOR_STATE");
    BOOST_REQUIRE(for_state != nullptr);
    BOOST_TEST(for_state->v == 0.0);
    BOOST_TEST(for_state->labels.get("severity") == "page");
    BOOST_TEST(!for_state->labels.has("alertstate"));

    auto alerts = rule.active_alerts();
    BOOST_REQUIRE(alerts.size() == 1u);
    BOOST_TEST(
        alerts[0].labels ==
        (promql::Labels{
            {"alertname", "HighLoad"}, {"host", "a"}, {"instance", "a"}, {"severity", "page"}}));
    BOOST_TEST(alerts[0].annotations.at("summary") == "a at 2");

    rule.eval(4 * kMinute, data, 0);
    BOOST_TEST(rule.state() == AlertState::pending);
    data.results[kExpr] = {load_sample("a", 3)};
    out = rule.eval(5 * kMinute, data, 0);
    BOOST_TEST(rule.state() == AlertState::firing);
    BOOST_TEST(find_series(out, "ALERTS", "firing") != nullptr);
    BOOST_TEST(rule.active_alerts()[0].annotations.at("summary") == "a at 3");
    BOOST_TEST(*rule.active_alerts()[0].fired_at == 5 * kMinute);

    data.results[kExpr] = {};
    out = rule.eval(6 * kMinute, data, 0);
    BOOST_TEST(out.empty());
    BOOST_TEST(rule.state() == AlertState::inactive);
    BOOST_TEST(rule.active_alerts().empty());
    BOOST_REQUIRE(rule.current_alerts().size() == 1u);
    BOOST_TEST(*rule.current_alerts()[0].resolved_at == 6 * kMinute);

    rule.eval(21 * kMinute, data, 0);  // exactly 15 minutes after resolution: still kept
    BOOST_TEST(rule.current_alerts().size() == 1u);
    rule.eval(22 * kMinute, data, 0);
    BOOST_TEST(rule.current_alerts().empty());
}

BOOST_AUTO_TEST_CASE(pending_alert_vanishes_when_condition_clears) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2)};
    auto rule = make_rule(minutes(5));
    rule.eval(0, data, 0);
    data.results[kExpr] = {};
    rule.eval(kMinute, data, 0);
    BOOST_TEST(rule.current_alerts().empty());
}

BOOST_AUTO_TEST_CASE(keep_firing_for_holds_a_cleared_alert) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2)};
    auto rule = make_rule(minutes(0), minutes(10));
    rule.eval(0, data, 0);
    BOOST_TEST(rule.state() == AlertState::firing);

    data.results[kExpr] = {};
    auto out = rule.eval(kMinute, data, 0);
    BOOST_TEST(rule.state() == AlertState::firing);
    BOOST_TEST(find_series(out, "ALERTS", "firing") != nullptr);
    BOOST_TEST(*rule.active_alerts()[0].keep_firing_since == kMinute);
    rule.eval(10 * kMinute, data, 0);
    BOOST_TEST(rule.state() == AlertState::firing);
    rule.eval(11 * kMinute, data, 0);
    BOOST_TEST(rule.state() == AlertState::inactive);

    // A condition that returns while kept firing resets the countdown.
    auto again = make_rule(minutes(0), minutes(10));
    data.results[kExpr] = {load_sample("a", 2)};
    again.eval(0, data, 0);
    data.results[kExpr] = {};
    again.eval(kMinute, data, 0);
    data.results[kExpr] = {load_sample("a", 2)};
    again.eval(2 * kMinute, data, 0);
    BOOST_TEST(!again.active_alerts()[0].keep_firing_since.has_value());
}

BOOST_AUTO_TEST_CASE(limit_and_duplicate_label_sets_are_errors) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2), load_sample("b", 2)};
    auto rule = make_rule(minutes(0));
    BOOST_CHECK_EXCEPTION(rule.eval(0, data, 1), RuleError, [](const RuleError& e) {
        return std::string(e.what()) == "exceeded limit of 1 with 2 alerts";
    });
    BOOST_TEST(rule.current_alerts().empty());
    BOOST_CHECK_NO_THROW(rule.eval(kMinute, data, 2));

    data.results[kExpr] = {
        {.labels = promql::Labels{{"__name__", "x"}, {"instance", "a"}}, .t = 0, .v = 1},
        {.labels = promql::Labels{{"__name__", "y"}, {"instance", "a"}}, .t = 0, .v = 1}};
    BOOST_CHECK_EXCEPTION(rule.eval(2 * kMinute, data, 0), RuleError, [](const RuleError& e) {
        return std::string(e.what()) ==
               "vector contains metrics with the same labelset after applying alert labels";
    });
}

BOOST_AUTO_TEST_CASE(broken_template_keeps_the_alert) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2)};
    AlertingRule rule("Broken", kExpr, minutes(0), minutes(0), {},
                      Annotations{{"summary", "{{ .Nope }}"}}, {}, true);
    rule.eval(0, data, 0);
    BOOST_REQUIRE(rule.active_alerts().size() == 1u);
    BOOST_TEST(rule.active_alerts()[0].annotations.at("summary").starts_with(
        "<error expanding template: "));
}

BOOST_AUTO_TEST_CASE(templates_can_query) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2)};
    data.results["max(load)"] = {{.labels = {}, .t = 0, .v = 7}};
    AlertingRule rule(
        "Q", kExpr, minutes(0), minutes(0), {},
        Annotations{{"max", "{{ with query \"max(load)\" }}{{ . | first | value }}{{ end }}"}}, {},
        true);
    rule.eval(0, data, 0);
    BOOST_TEST(rule.active_alerts()[0].annotations.at("max") == "7");
}

BOOST_AUTO_TEST_CASE(unrestored_rule_writes_no_series_until_restored) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2)};
    const promql::Timestamp t = 60 * kMinute;
    auto rule = make_rule(minutes(10), minutes(0), false);
    BOOST_TEST(rule.eval(t, data, 0).empty());

    // Before the restart the alert became active at t-5m; the last state sample is from t-2m.
    storage::MemoryStore store;
    promql::Labels state{{"__name__", "ALERTS_FOR_STATE"},
                         {"alertname", "HighLoad"},
                         {"host", "a"},
                         {"instance", "a"},
                         {"severity", "page"}};
    store.append(state, t - 3 * kMinute, static_cast<double>((t - 5 * kMinute) / 1000));
    store.append(state, t - 2 * kMinute, static_cast<double>((t - 5 * kMinute) / 1000));
    rule.restore_for_state(t, store, minutes(60), minutes(1));
    BOOST_TEST(rule.restored());
    // 3 minutes were spent pending before the outage; the outage itself does not count.
    BOOST_TEST(rule.active_alerts()[0].active_at == t - 3 * kMinute);

    rule.eval(t + 6 * kMinute, data, 0);
    BOOST_TEST(rule.state() == AlertState::pending);
    auto out = rule.eval(t + 7 * kMinute, data, 0);
    BOOST_TEST(rule.state() == AlertState::firing);
    BOOST_TEST(find_series(out, "ALERTS_FOR_STATE")->v ==
               static_cast<double>((t - 3 * kMinute) / 1000));
}

BOOST_AUTO_TEST_CASE(restore_near_the_end_waits_the_grace_period) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 2)};
    const promql::Timestamp t = 60 * kMinute;
    auto rule = make_rule(minutes(10), minutes(0), false);
    rule.eval(t, data, 0);
    storage::MemoryStore store;
    store.append(promql::Labels{{"__name__", "ALERTS_FOR_STATE"},
                                {"alertname", "HighLoad"},
                                {"host", "a"},
                                {"instance", "a"},
                                {"severity", "page"}},
                 t - kMinute, static_cast<double>((t - 9 * kMinute) / 1000));
    rule.restore_for_state(t, store, minutes(60), minutes(5));
    // Only 2 minutes remained, less than the grace period: it fires after the grace period.
    BOOST_TEST(rule.active_alerts()[0].active_at == t + 5 * kMinute - 10 * kMinute);
}

BOOST_AUTO_TEST_CASE(api_shape) {
    rules::test::ScriptedDatasource data;
    data.results[kExpr] = {load_sample("a", 85)};
    auto rule = make_rule(minutes(5));
    rule.eval(0, data, 0);
    rule.record_evaluation(0, std::chrono::milliseconds(2), std::nullopt);
    auto json = rule.to_json();
    BOOST_TEST(json["type"] == "alerting");
    BOOST_TEST(json["state"] == "pending");
    BOOST_TEST(json["duration"] == 300.0);
    BOOST_TEST(json["health"] == "ok");
    BOOST_TEST(json["query"] == "load > 1");
    BOOST_REQUIRE(json["alerts"].size() == 1u);
    BOOST_TEST(json["alerts"][0]["value"] == "8.5e+01");
    BOOST_TEST(json["alerts"][0]["activeAt"] == "1970-01-01T00:00:00Z");
    BOOST_TEST(json["alerts"][0]["labels"]["alertname"] == "HighLoad");
}

BOOST_AUTO_TEST_SUITE_END()
