// Alertmanager's semantics end to end, in the manner of its acceptance tests: alerts go into the
// notification manager, and what a real HTTP receiver gets is checked, with short timers.

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "ruler/notify/notification_manager.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::notify;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// A configuration with {URL} standing for the receiver's address.
std::string with_url(std::string text, const std::string& url) {
    return std::regex_replace(text, std::regex(R"(\{URL\})"), url);
}

struct Stack {
    test::HttpReceiver receiver;
    std::filesystem::path dir = test::make_temp_dir("stackwatch-notify");
    prometheus::Registry registry;
    std::unique_ptr<NotificationManager> manager;
    RetryPolicy retry{.max_attempts = 4, .initial_backoff = 50ms, .max_backoff = 200ms};

    ~Stack() {
        manager.reset();
        test::remove_dir(dir);
    }

    NotifyConfig config(const std::string& text) {
        return parse_notify_config(with_url(text, receiver.url("")),
                                   (dir / "alertmanager.yml").string());
    }
    void start(const std::string& text) {
        manager = std::make_unique<NotificationManager>(
            config(text),
            NotifyOptions{.state_path = (dir / "state.db").string(),
                          .external_url = "http://ruler",
                          .retry = retry},
            registry);
    }
    void restart(const std::string& text) {
        manager.reset();
        start(text);
    }

    static Alert alert(promql::Labels labels, std::chrono::milliseconds age = 0ms) {
        Alert a;
        a.labels = std::move(labels);
        a.starts_at = Clock::now() - age;
        a.ends_at = Clock::now() + 1h;
        return a;
    }
    static Alert resolved(Alert a) {
        a.ends_at = Clock::now();
        return a;
    }

    json notification(std::size_t i) const { return json::parse(receiver.requests().at(i).body); }
    std::vector<std::string> alertnames(std::size_t i) const {
        std::vector<std::string> names;
        auto body = notification(i);
        for (const auto& a : body["alerts"]) names.push_back(a["labels"]["alertname"]);
        return names;
    }
};

const char* kGrouped = R"(
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 200ms
  group_interval: 400ms
  repeat_interval: 1h
receivers:
- name: hook
  webhook_configs: [{url: '{URL}/hook'}]
)";

using Names = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_acceptance)

BOOST_FIXTURE_TEST_CASE(alerts_of_one_group_arrive_in_one_notification_after_group_wait, Stack) {
    start(kGrouped);
    auto put_at = Clock::now();
    manager->put({alert({{"alertname", "A"}, {"instance", "2"}}),
                  alert({{"alertname", "A"}, {"instance", "1"}}), alert({{"alertname", "B"}})});
    BOOST_REQUIRE(receiver.wait_for(2));
    BOOST_TEST((Clock::now() - put_at >= 190ms));
    std::map<std::string, json> by_group;
    for (std::size_t i = 0; i < 2; ++i) by_group[notification(i)["groupKey"]] = notification(i);
    const auto& a = by_group.at(R"({}:{alertname="A"})");
    BOOST_TEST(a["version"] == "4");
    BOOST_TEST(a["status"] == "firing");
    BOOST_TEST(a["receiver"] == "hook");
    BOOST_TEST(a["alerts"].size() == 2u);
    BOOST_TEST(a["alerts"][0]["labels"]["instance"] == "1");  // notification order: by instance
    BOOST_TEST(a["alerts"][0]["endsAt"] ==
               "0001-01-01T00:00:00Z");  // firing alerts never show an end
    BOOST_TEST(a["groupLabels"] == json({{"alertname", "A"}}));
    BOOST_TEST(a["commonLabels"] == json({{"alertname", "A"}}));
    BOOST_TEST(a["externalURL"] == "http://ruler");
    BOOST_TEST(a["truncatedAlerts"] == 0);
    BOOST_TEST(by_group.count(R"({}:{alertname="B"})") == 1u);
    auto requests = receiver.requests();
    BOOST_TEST(requests[0].headers.at("content-type") == "application/json");
    BOOST_TEST(requests[0].headers.at("idempotency-key") !=
               requests[1].headers.at("idempotency-key"));
}

BOOST_FIXTURE_TEST_CASE(an_alert_older_than_group_wait_is_sent_at_once, Stack) {
    start(std::regex_replace(kGrouped, std::regex("group_wait: 200ms"), "group_wait: 1m"));
    manager->put({alert({{"alertname", "Old"}}, 2min)});
    BOOST_TEST(receiver.wait_for(1, 5s));
}

BOOST_FIXTURE_TEST_CASE(a_new_alert_joins_at_the_next_group_interval_and_nothing_repeats_early,
                        Stack) {
    start(kGrouped);
    manager->put({alert({{"alertname", "A"}, {"instance", "1"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    manager->put({alert({{"alertname", "A"}, {"instance", "2"}})});
    BOOST_REQUIRE(receiver.wait_for(2));
    BOOST_TEST(notification(1)["alerts"].size() == 2u);
    // Several group intervals pass with nothing new: repeat_interval (1h) holds them back. A new
    // alert then shows the log was still in force: exactly one more notification.
    manager->put({alert({{"alertname", "A"}, {"instance", "3"}})});
    BOOST_REQUIRE(receiver.wait_for(3));
    BOOST_TEST(receiver.count() == 3u);
    BOOST_TEST(notification(2)["alerts"].size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(repeat_interval_resends_an_unchanged_group, Stack) {
    start(
        std::regex_replace(kGrouped, std::regex("repeat_interval: 1h"), "repeat_interval: 1500ms"));
    manager->put({alert({{"alertname", "A"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    auto first = Clock::now();
    BOOST_REQUIRE(receiver.wait_for(2, 10s));
    // Not at the next group interval (400 ms) but once the repeat interval has passed.
    BOOST_TEST((Clock::now() - first >= 1400ms));
    BOOST_TEST(notification(1)["alerts"].size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_resolution_is_sent_with_its_end_and_the_group_goes, Stack) {
    start(kGrouped);
    auto a = alert({{"alertname", "A"}});
    manager->put({a});
    BOOST_REQUIRE(receiver.wait_for(1));
    manager->put({resolved(a)});
    BOOST_REQUIRE(receiver.wait_for(2));
    auto n = notification(1);
    BOOST_TEST(n["status"] == "resolved");
    BOOST_TEST(n["alerts"][0]["status"] == "resolved");
    BOOST_TEST(n["alerts"][0]["endsAt"] != "0001-01-01T00:00:00Z");
    BOOST_TEST(test::eventually([&] { return manager->groups().empty(); }));
}

BOOST_FIXTURE_TEST_CASE(an_alert_without_an_end_resolves_after_resolve_timeout, Stack) {
    start(std::string("global: {resolve_timeout: 1s}\n") + kGrouped);
    Alert a;
    a.labels = {{"alertname", "A"}};
    manager->put({a});
    BOOST_REQUIRE(receiver.wait_for(1));
    BOOST_TEST(notification(0)["status"] == "firing");
    BOOST_REQUIRE(receiver.wait_for(2, 10s));
    BOOST_TEST(notification(1)["status"] == "resolved");
}

BOOST_FIXTURE_TEST_CASE(send_resolved_false_keeps_the_resolution_quiet_but_clears_the_log, Stack) {
    start(std::regex_replace(kGrouped, std::regex(R"(\{url: '\{URL\}/hook'\})"),
                             "{url: '{URL}/hook', send_resolved: false}"));
    auto a = alert({{"alertname", "A"}});
    manager->put({a});
    BOOST_REQUIRE(receiver.wait_for(1));
    manager->put({resolved(a)});
    BOOST_TEST(test::eventually([&] { return manager->groups().empty(); }));
    // Firing again is news: the log no longer holds it as firing.
    auto again = alert({{"alertname", "A"}});
    again.updated_at = Clock::now();
    manager->put({again});
    BOOST_REQUIRE(receiver.wait_for(2));
    BOOST_TEST(receiver.count() == 2u);
    BOOST_TEST(notification(1)["status"] == "firing");
}

BOOST_FIXTURE_TEST_CASE(inhibition_mutes_targets_while_the_source_fires, Stack) {
    start(std::string(kGrouped) + R"(
inhibit_rules:
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [cluster]
)");
    auto critical = alert({{"alertname", "Down"}, {"severity", "critical"}, {"cluster", "a"}});
    manager->put({critical,
                  alert({{"alertname", "Slow"}, {"severity", "warning"}, {"cluster", "a"}}),
                  alert({{"alertname", "Lag"}, {"severity", "warning"}, {"cluster", "b"}})});
    BOOST_REQUIRE(receiver.wait_for(2));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < receiver.count(); ++i) seen.insert(alertnames(i).at(0));
    BOOST_TEST(seen == (std::set<std::string>{"Down", "Lag"}));  // another cluster is not muted
    auto views = manager->alerts();
    auto slow = std::find_if(views.begin(), views.end(),
                             [](const AlertView& v) { return v.alert->name() == "Slow"; });
    BOOST_REQUIRE(slow != views.end());
    BOOST_TEST(slow->inhibited_by == Names{fingerprint_text(critical.fingerprint())});
    manager->put({resolved(critical)});
    // Once the source resolves, the target is told at its group's next flush.
    BOOST_TEST(test::eventually([&] {
        for (std::size_t i = 2; i < receiver.count(); ++i)
            if (alertnames(i) == Names{"Slow"}) return true;
        return false;
    }));
}

BOOST_FIXTURE_TEST_CASE(an_alert_matching_both_sides_does_not_inhibit_itself, Stack) {
    start(std::string(kGrouped) + R"(
inhibit_rules:
- source_matchers: [team="db"]
  target_matchers: [team="db"]
)");
    manager->put({alert({{"alertname", "Only"}, {"team", "db"}})});
    BOOST_TEST(receiver.wait_for(1));
}

BOOST_FIXTURE_TEST_CASE(a_silence_mutes_until_it_is_expired, Stack) {
    start(kGrouped);
    Silence s;
    s.matchers = parse_matchers(R"(alertname="A")");
    s.starts_at = Clock::now();
    s.ends_at = Clock::now() + 1h;
    s.created_by = "test";
    auto id = manager->silences().set(s, Clock::now());
    manager->put({alert({{"alertname", "A"}}), alert({{"alertname", "B"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    BOOST_TEST(alertnames(0) == Names{"B"});
    auto views = manager->alerts();
    for (const auto& v : views)
        BOOST_TEST((v.alert->name() == "A" ? v.silenced_by == Names{id} : v.silenced_by.empty()));
    manager->silences().expire(id, Clock::now());
    BOOST_REQUIRE(receiver.wait_for(2));
    BOOST_TEST(alertnames(1) == Names{"A"});
}

BOOST_FIXTURE_TEST_CASE(a_failing_receiver_is_retried_with_the_same_key, Stack) {
    receiver.script({503, 500});
    start(kGrouped);
    manager->put({alert({{"alertname", "A"}})});
    BOOST_REQUIRE(receiver.wait_for(3));
    auto requests = receiver.requests();
    BOOST_TEST(requests[0].body == requests[2].body);
    BOOST_TEST(requests[0].headers.at("idempotency-key") ==
               requests[1].headers.at("idempotency-key"));
    BOOST_TEST(requests[0].headers.at("idempotency-key") ==
               requests[2].headers.at("idempotency-key"));
    BOOST_TEST(test::eventually([&] { return manager->outbox_pending() == 0; }));
    BOOST_TEST(manager->dead_letters(10).empty());
}

BOOST_FIXTURE_TEST_CASE(a_client_error_is_final_and_becomes_a_dead_letter, Stack) {
    receiver.script({400});
    start(kGrouped);
    manager->put({alert({{"alertname", "A"}})});
    BOOST_REQUIRE(test::eventually([&] { return !manager->dead_letters(10).empty(); }));
    BOOST_TEST(receiver.count() == 1u);
    auto dead = manager->dead_letters(10).at(0);
    BOOST_TEST(dead.last_error.find("400") != std::string::npos);
    BOOST_TEST(dead.receiver == "hook");
}

BOOST_FIXTURE_TEST_CASE(too_many_requests_waits_as_long_as_retry_after_says, Stack) {
    receiver.script({429}, {{"Retry-After", "1"}});
    start(kGrouped);
    manager->put({alert({{"alertname", "A"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    auto first = Clock::now();
    BOOST_REQUIRE(receiver.wait_for(2, 10s));
    BOOST_TEST((Clock::now() - first >= 900ms));
}

BOOST_FIXTURE_TEST_CASE(a_reload_sends_nothing_again, Stack) {
    start(kGrouped);
    manager->put({alert({{"alertname", "A"}, {"instance", "1"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    manager->reload(config(kGrouped));
    manager->reload(config(kGrouped));
    manager->put({alert({{"alertname", "A"}, {"instance", "2"}})});
    BOOST_REQUIRE(receiver.wait_for(2));
    BOOST_TEST(notification(1)["alerts"].size() == 2u);
    // A third notification would have been a re-send caused by a reload.
    manager->put({alert({{"alertname", "A"}, {"instance", "3"}})});
    BOOST_REQUIRE(receiver.wait_for(3));
    BOOST_TEST(notification(2)["alerts"].size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_restart_keeps_alerts_and_the_log, Stack) {
    start(kGrouped);
    manager->put({alert({{"alertname", "A"}, {"instance", "1"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    BOOST_REQUIRE(test::eventually([&] { return manager->outbox_pending() == 0; }));
    restart(kGrouped);
    BOOST_TEST(manager->alerts().size() == 1u);
    manager->put({alert({{"alertname", "A"}, {"instance", "2"}})});
    BOOST_REQUIRE(receiver.wait_for(2));
    BOOST_TEST(receiver.count() == 2u);
    BOOST_TEST(notification(1)["alerts"].size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(continue_reaches_several_receivers_and_group_by_all_splits, Stack) {
    start(R"(
route:
  receiver: hook
  group_wait: 100ms
  group_interval: 1s
  routes:
  - matchers: [team="db"]
    receiver: other
    group_by: ['...']
    continue: true
  - matchers: [team="db"]
    receiver: hook
    group_by: [team]
receivers:
- name: hook
  webhook_configs: [{url: '{URL}/hook'}]
- name: other
  webhook_configs: [{url: '{URL}/other', max_alerts: 1}]
)");
    manager->put(
        {alert({{"alertname", "A"}, {"team", "db"}}), alert({{"alertname", "B"}, {"team", "db"}})});
    BOOST_REQUIRE(receiver.wait_for(3));
    std::size_t other = 0, hook = 0;
    for (const auto& r : receiver.requests()) {
        auto body = json::parse(r.body);
        if (r.path == "/other") {
            ++other;
            BOOST_TEST(body["alerts"].size() == 1u);
            BOOST_TEST(body["groupLabels"].size() == 2u);
        } else {
            ++hook;
            BOOST_TEST(body["alerts"].size() == 2u);
            BOOST_TEST(body["groupKey"] == R"({}/{team="db"}:{team="db"})");
        }
    }
    BOOST_TEST(other == 2u);
    BOOST_TEST(hook == 1u);
}

BOOST_FIXTURE_TEST_CASE(max_alerts_truncates_and_counts, Stack) {
    start(std::regex_replace(kGrouped, std::regex(R"(\{url: '\{URL\}/hook'\})"),
                             "{url: '{URL}/hook', max_alerts: 2}"));
    manager->put({alert({{"alertname", "A"}, {"i", "1"}}), alert({{"alertname", "A"}, {"i", "2"}}),
                  alert({{"alertname", "A"}, {"i", "3"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    BOOST_TEST(notification(0)["alerts"].size() == 2u);
    BOOST_TEST(notification(0)["truncatedAlerts"] == 1);
}

BOOST_FIXTURE_TEST_CASE(a_mute_time_interval_holds_notifications_back, Stack) {
    start(R"(
route:
  receiver: hook
  group_wait: 100ms
  group_interval: 300ms
  routes:
  - matchers: [team="db"]
    receiver: hook
    mute_time_intervals: [always]
    continue: true
  - matchers: [team="db"]
    receiver: other
receivers:
- name: hook
  webhook_configs: [{url: '{URL}/hook'}]
- name: other
  webhook_configs: [{url: '{URL}/other'}]
time_intervals:
- name: always
  time_intervals: [{times: [{start_time: '00:00', end_time: '24:00'}]}]
)");
    manager->put({alert({{"alertname", "A"}, {"team", "db"}})});
    BOOST_REQUIRE(receiver.wait_for(1));
    // Both groups flush together; the muted one has had several flushes by the time another
    // alert reaches the unmuted one.
    manager->put({alert({{"alertname", "B"}, {"team", "db"}})});
    BOOST_REQUIRE(receiver.wait_for(2));
    for (const auto& r : receiver.requests()) BOOST_TEST(r.path == "/other");
}

BOOST_FIXTURE_TEST_CASE(a_receivers_own_retry_bounds_its_attempts, Stack) {
    receiver.always(503);
    start(R"(
route: {receiver: hook, group_by: [alertname], group_wait: 0s, group_interval: 1h}
receivers:
- name: hook
  webhook_configs: [{url: '{URL}/hook'}]
  retry: {max_attempts: 2, initial_backoff: 20ms, max_backoff: 40ms}
)");
    manager->put({alert({{"alertname", "A"}})});
    BOOST_REQUIRE(test::eventually([&] { return !manager->dead_letters(10).empty(); }));
    BOOST_TEST(manager->dead_letters(10).at(0).attempts == 2);  // the default would be 4
    BOOST_TEST(receiver.count() == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_dead_letter_goes_to_the_fallback_receiver, Stack) {
    receiver.script({500, 500});
    start(R"(
route: {receiver: pager, group_by: [alertname], group_wait: 0s, group_interval: 1h}
receivers:
- name: pager
  webhook_configs: [{url: '{URL}/hook'}]
  retry: {max_attempts: 2, initial_backoff: 20ms, max_backoff: 40ms}
  fallback_receiver: backup
- name: backup
  webhook_configs: [{url: '{URL}/backup'}]
)");
    manager->put({alert({{"alertname", "A"}, {"instance", "db-1"}})});
    BOOST_REQUIRE(receiver.wait_for(3));
    auto requests = receiver.requests();
    BOOST_TEST(requests[0].path == "/hook");
    BOOST_TEST(requests[1].path == "/hook");
    BOOST_TEST(requests[2].path == "/backup");
    auto sent = json::parse(requests[2].body);
    BOOST_TEST(sent["receiver"] == "backup");
    BOOST_TEST(sent["alerts"][0]["labels"]["instance"] == "db-1");
    BOOST_TEST(sent["groupKey"] == json::parse(requests[0].body)["groupKey"]);
    BOOST_TEST(requests[2].headers.at("idempotency-key") !=
               requests[0].headers.at("idempotency-key"));
    BOOST_TEST(manager->dead_letters(10).size() == 1u);  // the pager's; the fallback delivered
    BOOST_TEST(test::eventually([&] { return manager->outbox_pending() == 0; }));
}

BOOST_FIXTURE_TEST_CASE(a_failing_fallback_is_a_dead_letter_and_not_followed_further, Stack) {
    receiver.always(500);
    start(R"(
route: {receiver: pager, group_by: [alertname], group_wait: 0s, group_interval: 1h}
receivers:
- name: pager
  webhook_configs: [{url: '{URL}/hook'}]
  retry: {max_attempts: 1}
  fallback_receiver: backup
- name: backup
  webhook_configs: [{url: '{URL}/backup'}]
  retry: {max_attempts: 1}
  fallback_receiver: pager
)");
    manager->put({alert({{"alertname", "A"}})});
    BOOST_REQUIRE(test::eventually([&] { return manager->dead_letters(10).size() == 2u; }));
    BOOST_TEST(test::eventually([&] { return manager->outbox_pending() == 0; }));
    BOOST_TEST(receiver.count() == 2u);  // the pager once, the backup once, no loop back
}

BOOST_FIXTURE_TEST_CASE(one_groups_notifications_go_out_in_order_while_others_go_at_once, Stack) {
    start(R"(
route: {receiver: hook, group_by: [alertname], group_wait: 0s, group_interval: 100ms}
receivers:
- name: hook
  webhook_configs: [{url: '{URL}/hook', send_resolved: true}]
)");
    receiver.hold(true);
    auto a = alert({{"alertname", "A"}});
    manager->put({a});
    BOOST_REQUIRE(receiver.wait_for(1));  // A firing, held at the receiver
    manager->put({resolved(a)});
    BOOST_REQUIRE(test::eventually([&] { return manager->outbox_pending() == 2; }));
    // Another group is not held up by A's: its notification arrives while A's still hangs.
    manager->put({alert({{"alertname", "B"}})});
    BOOST_REQUIRE(receiver.wait_for(2));
    BOOST_TEST(alertnames(1) == Names{"B"});
    // A's resolution waits for A's firing notice to be answered.
    BOOST_TEST(!receiver.wait_for(3, 300ms));
    receiver.hold(false);
    BOOST_REQUIRE(receiver.wait_for(3));
    BOOST_TEST(notification(0)["status"] == "firing");
    BOOST_TEST(alertnames(2) == Names{"A"});
    BOOST_TEST(notification(2)["status"] == "resolved");
}

BOOST_AUTO_TEST_SUITE_END()
