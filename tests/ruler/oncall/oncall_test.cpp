// Acknowledge, unacknowledge and resolve by hand against the real notification pipeline and a
// real HTTP receiver: what the receiver gets (repeats held back, resolved notices kept), what
// survives a restart, and the statistics. Another group's repeats serve as the clock that shows
// nothing was sent meanwhile.

#include "ruler/oncall/oncall.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::notify;
using namespace stackwatch::oncall;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const char* kConfig = R"(
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 150ms
  repeat_interval: 450ms
receivers:
- name: hook
  webhook_configs: [{url: '{URL}/hook'}]
)";

struct OnCallStack {
    test::HttpReceiver receiver;
    std::filesystem::path dir = test::make_temp_dir("stackwatch-oncall");
    prometheus::Registry registry;
    std::unique_ptr<OnCall> oncall;
    std::unique_ptr<NotificationManager> manager;
    std::mutex events_mutex;
    std::vector<TransitionEvent> events;

    std::string config_text = kConfig;

    OnCallStack() { start(); }
    ~OnCallStack() {
        stop();
        test::remove_dir(dir);
    }
    void start() {
        auto state = (dir / "state.db").string();
        oncall = std::make_unique<OnCall>(state, 20ms);
        oncall->listen([this](const TransitionEvent& e) {
            std::lock_guard lock(events_mutex);
            events.push_back(e);
        });
        auto text = std::regex_replace(config_text, std::regex(R"(\{URL\})"), receiver.url(""));
        manager = std::make_unique<NotificationManager>(
            parse_notify_config(text, "alertmanager.yml"),
            NotifyOptions{
                .state_path = state, .external_url = "http://ruler", .hooks = oncall.get()},
            registry);
        oncall->attach(*manager);
    }
    void stop() {
        oncall->stop();
        manager.reset();
        oncall.reset();
    }
    void restart() {
        stop();
        start();
    }

    static Alert firing(const std::string& name, TimePoint starts = Clock::now()) {
        Alert a;
        a.labels = promql::Labels({{"alertname", name}, {"severity", "page"}});
        a.starts_at = starts;
        a.ends_at = Clock::now() + 1h;
        return a;
    }
    static Alert resolved(Alert a) {
        a.ends_at = Clock::now();
        return a;
    }

    // The notifications of one group, in arrival order, as "firing"/"resolved".
    std::vector<std::string> statuses(const std::string& name) const {
        return receiver.statuses(name);
    }
    bool wait_statuses(const std::string& name, std::size_t n) const {
        return test::eventually([&] { return statuses(name).size() >= n; }, 10s);
    }
    // Waits for `n` more notifications of the clock group B (which repeats every 450 ms): time in
    // which a repeat of any other group would have arrived too.
    void let_repeats_pass(std::size_t n = 2) const {
        auto seen = statuses("Clock").size();
        BOOST_REQUIRE(wait_statuses("Clock", seen + n));
    }
    void reconfigure(std::string text) {
        config_text = std::move(text);
        manager->reload(parse_notify_config(
            std::regex_replace(config_text, std::regex(R"(\{URL\})"), receiver.url("")),
            "alertmanager.yml"));
    }
    // The paths notifications went to, in arrival order, leaving out the clock group's.
    std::vector<std::string> paths() const {
        std::vector<std::string> out;
        for (const auto& r : receiver.requests())
            if (json::parse(r.body)["groupLabels"].value("alertname", "") != "Clock")
                out.push_back(r.path);
        return out;
    }
    std::vector<std::string> transitions(const std::string& id) {
        std::lock_guard lock(events_mutex);
        std::vector<std::string> out;
        for (const auto& e : events)
            if (e.alert_id == id) out.push_back(transition_name(e.kind));
        return out;
    }
};

using Statuses = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(oncall)

BOOST_FIXTURE_TEST_CASE(an_ack_holds_back_repeats_but_never_the_resolved_notice, OnCallStack) {
    auto a = firing("Disk");
    manager->put({a, firing("Clock")});
    BOOST_REQUIRE(wait_statuses("Disk", 1));
    auto acked = oncall->acknowledge(alert_id(a), {.by = "alice", .comment = "on it"});
    BOOST_REQUIRE(acked);
    BOOST_TEST(acked->ack->by == "alice");
    BOOST_TEST(oncall->acknowledged(a, Clock::now()));
    let_repeats_pass();
    BOOST_TEST(statuses("Disk") == Statuses({"firing"}));
    manager->put({resolved(a)});
    BOOST_REQUIRE(wait_statuses("Disk", 2));
    BOOST_TEST(statuses("Disk") == Statuses({"firing", "resolved"}));
    // The acknowledgement ended with its alert.
    BOOST_TEST(!oncall->acknowledged(a, Clock::now()));
    BOOST_TEST(transitions(alert_id(a)) == Statuses({"firing", "acknowledged", "resolved"}));
}

BOOST_FIXTURE_TEST_CASE(repeats_come_back_when_the_ack_expires_or_is_taken_back, OnCallStack) {
    auto expiring = firing("Expiring");
    auto taken_back = firing("TakenBack");
    manager->put({expiring, taken_back, firing("Clock")});
    BOOST_REQUIRE(wait_statuses("Expiring", 1) && wait_statuses("TakenBack", 1));
    BOOST_REQUIRE(
        oncall->acknowledge(alert_id(expiring), {.by = "bob", .expires_at = Clock::now() + 300ms}));
    BOOST_REQUIRE(oncall->acknowledge(alert_id(taken_back), {.by = "bob"}));
    BOOST_TEST(wait_statuses("Expiring", 2));
    BOOST_TEST(test::eventually([&] {
        return transitions(alert_id(expiring)) ==
               Statuses({"firing", "acknowledged", "unacknowledged"});
    }));
    let_repeats_pass();
    BOOST_TEST(statuses("TakenBack").size() == 1u);
    BOOST_REQUIRE(oncall->unacknowledge(alert_id(taken_back), "bob"));
    BOOST_TEST(wait_statuses("TakenBack", 2));
    BOOST_TEST(statuses("TakenBack") == Statuses({"firing", "firing"}));
}

BOOST_FIXTURE_TEST_CASE(resolving_by_hand_notifies_once_and_stays_until_it_fires_again,
                        OnCallStack) {
    auto a = firing("Manual");
    manager->put({a, firing("Clock")});
    BOOST_REQUIRE(wait_statuses("Manual", 1));
    auto done = oncall->resolve(alert_id(a), "carol");
    BOOST_REQUIRE(done);
    BOOST_TEST(done->resolved_by_hand);
    BOOST_REQUIRE(wait_statuses("Manual", 2));
    BOOST_TEST(statuses("Manual").back() == "resolved");
    BOOST_TEST(!oncall->active(alert_id(a)));
    BOOST_TEST(!oncall->resolve(alert_id(a), "carol"));  // nothing firing with that id now
    // The rule still fires and resends the same firing: it stays resolved, nothing is sent.
    for (int i = 0; i < 3; ++i) {
        auto resend = a;
        resend.ends_at = Clock::now() + 1h;
        manager->put({resend});
        let_repeats_pass(1);
    }
    BOOST_TEST(statuses("Manual") == Statuses({"firing", "resolved"}));
    BOOST_TEST(!oncall->active(alert_id(a)));
    // The rule stops firing, then fires again: a new alert, notified as such.
    manager->put({resolved(a)});
    auto again = firing("Manual", Clock::now() + 1ms);
    manager->put({again});
    BOOST_REQUIRE(wait_statuses("Manual", 3));
    BOOST_TEST(statuses("Manual").back() == "firing");
    BOOST_TEST(alert_id(again) != alert_id(a));
    auto active = oncall->active(alert_id(again));
    BOOST_REQUIRE(active);
    BOOST_TEST(!active->ack);
    BOOST_TEST(transitions(alert_id(a)) == Statuses({"firing", "resolved"}));
}

BOOST_FIXTURE_TEST_CASE(a_restart_keeps_acks_and_resolutions_by_hand, OnCallStack) {
    auto acked = firing("Acked");
    auto by_hand = firing("ByHand");
    manager->put({acked, by_hand, firing("Clock")});
    BOOST_REQUIRE(wait_statuses("Acked", 1) && wait_statuses("ByHand", 1));
    BOOST_REQUIRE(oncall->acknowledge(alert_id(acked), {.by = "dave", .comment = "known"}));
    BOOST_REQUIRE(oncall->resolve(alert_id(by_hand), "dave"));
    BOOST_REQUIRE(wait_statuses("ByHand", 2));
    restart();
    auto active = oncall->active(alert_id(acked));
    BOOST_REQUIRE(active);
    BOOST_REQUIRE(active->ack);
    BOOST_TEST(active->ack->comment == "known");
    auto resend = by_hand;
    resend.ends_at = Clock::now() + 1h;
    manager->put({resend, firing("Clock")});
    let_repeats_pass();
    BOOST_TEST(statuses("Acked").size() == 1u);
    BOOST_TEST(statuses("ByHand") == Statuses({"firing", "resolved"}));
    BOOST_TEST(!oncall->active(alert_id(by_hand)));
}

BOOST_FIXTURE_TEST_CASE(a_group_ack_covers_its_firing_alerts_and_not_newcomers, OnCallStack) {
    auto one = firing("Grouped");
    one.labels.set("instance", "1");
    auto two = firing("Grouped");
    two.labels.set("instance", "2");
    manager->put({one, two, firing("Clock")});
    BOOST_REQUIRE(wait_statuses("Grouped", 1));
    BOOST_REQUIRE(test::eventually([&] {
        auto a = oncall->active(alert_id(one));
        return a && !a->group_keys.empty();
    }));
    auto key = oncall->active(alert_id(one))->group_keys.front();
    BOOST_TEST(key == R"({}:{alertname="Grouped"})");
    auto acked = oncall->acknowledge_group(key, {.by = "erin"});
    BOOST_TEST(acked.size() == 2u);
    BOOST_TEST(oncall->acknowledge_group("{}:{alertname=\"None\"}", {.by = "erin"}).empty());
    let_repeats_pass();
    BOOST_TEST(statuses("Grouped").size() == 1u);
    // A third alert joining the group is news: the group is notified with all three.
    auto three = firing("Grouped");
    three.labels.set("instance", "3");
    manager->put({three});
    BOOST_REQUIRE(wait_statuses("Grouped", 2));
    BOOST_TEST(!oncall->active(alert_id(three))->ack);
}

BOOST_FIXTURE_TEST_CASE(statistics_count_states_and_mean_times, OnCallStack) {
    auto t0 = Clock::now();
    auto acked = firing("Stat", t0 - 10s);
    acked.labels.set("instance", "a");
    auto by_hand = firing("Stat", t0 - 20s);
    by_hand.labels.set("instance", "b");
    auto plain = firing("Other", t0 - 30s);
    plain.labels.set("severity", "warning");
    manager->put({acked, by_hand, plain});
    BOOST_REQUIRE(oncall->acknowledge(alert_id(acked), {.by = "frank"}));
    BOOST_REQUIRE(oncall->resolve(alert_id(by_hand), "frank"));
    auto stats = oncall->stats(t0 - 1h, Clock::now() + 1s);
    BOOST_TEST(stats.total == 3u);
    BOOST_TEST(stats.by_state["firing"] == 1u);
    BOOST_TEST(stats.by_state["acknowledged"] == 1u);
    BOOST_TEST(stats.by_state["resolved"] == 1u);
    BOOST_TEST(stats.by_severity["page"] == 2u);
    BOOST_TEST(stats.by_severity["warning"] == 1u);
    BOOST_TEST(stats.by_rule["Stat"] == 2u);
    BOOST_TEST(stats.by_receiver["hook"] == 3u);
    BOOST_TEST(stats.acknowledged == 1u);
    BOOST_TEST(stats.resolved_by_hand == 1u);
    BOOST_REQUIRE(stats.mean_time_to_acknowledge_seconds);
    BOOST_TEST(*stats.mean_time_to_acknowledge_seconds >= 10.0);
    BOOST_TEST(*stats.mean_time_to_acknowledge_seconds < 20.0);
    BOOST_REQUIRE(stats.mean_time_to_resolve_seconds);
    BOOST_TEST(*stats.mean_time_to_resolve_seconds >= 20.0);
    BOOST_TEST(*stats.mean_time_to_resolve_seconds < 30.0);
    // A range that ends before they started holds none of them.
    BOOST_TEST(oncall->stats(t0 - 2h, t0 - 1h).total == 0u);
}

BOOST_FIXTURE_TEST_CASE(an_alert_that_fires_again_after_resolving_is_a_new_alert, OnCallStack) {
    auto first = firing("Flappy");
    manager->put({first});
    BOOST_REQUIRE(oncall->acknowledge(alert_id(first), {.by = "gina"}));
    manager->put({resolved(first)});
    auto second = firing("Flappy", Clock::now() + 1ms);
    manager->put({second});
    BOOST_TEST(!oncall->acknowledged(second, Clock::now()));
    BOOST_TEST(!oncall->acknowledge(alert_id(first), {.by = "gina"}));  // that firing is over
    auto stats = oncall->stats(Clock::now() - 1h, Clock::now() + 1s);
    BOOST_TEST(stats.total == 2u);
    BOOST_TEST(stats.by_state["resolved"] == 1u);
    BOOST_TEST(stats.by_state["firing"] == 1u);
}

namespace {

// Notifications to /hook, escalations to /secondary and then /manager, 250 ms apart, the chain
// run twice.
const char* kEscalating = R"(
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 150ms
  repeat_interval: 1h
  escalation: database
  routes:
  - {matchers: [alertname="Clock"], repeat_interval: 450ms}
escalation_policies:
- name: database
  steps:
  - {wait: 250ms, receiver: secondary}
  - {wait: 250ms, receiver: manager}
  repeat: 1
receivers:
- name: hook
  webhook_configs: [{url: '{URL}/hook'}]
- name: secondary
  webhook_configs: [{url: '{URL}/secondary'}]
- name: manager
  webhook_configs: [{url: '{URL}/manager'}]
)";

struct EscalationStack : OnCallStack {
    EscalationStack() {
        stop();
        config_text = kEscalating;
        start();
    }
    bool wait_paths(std::size_t n) const {
        return test::eventually([&] { return paths().size() >= n; }, 10s);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(an_escalation_runs_its_steps_in_order_then_stops, EscalationStack) {
    auto a = firing("Replication");
    manager->put({a, firing("Clock")});
    BOOST_REQUIRE(test::eventually([&] {
        auto all = oncall->escalations();
        return !all.empty() && all.front().exhausted;
    }));
    let_repeats_pass();
    BOOST_TEST(paths() == Statuses({"/hook", "/secondary", "/manager", "/secondary", "/manager"}));
    auto requests = receiver.requests();
    for (const auto& r : requests) {
        auto body = json::parse(r.body);
        if (r.path == "/secondary") {
            BOOST_TEST(body["receiver"] == "secondary");
            BOOST_TEST(body["status"] == "firing");
            BOOST_TEST(body["groupKey"] == R"({}:{alertname="Replication"})");
        }
    }
    BOOST_TEST(transitions(alert_id(a)) ==
               Statuses({"firing", "escalated", "escalated", "escalated", "escalated"}));
    BOOST_TEST(oncall->stats(Clock::now() - 1h, Clock::now() + 1s).escalations == 4u);
    // Resolving ends it: the escalation goes, the resolved notice goes to the route's receiver.
    manager->put({resolved(a)});
    BOOST_REQUIRE(test::eventually([&] { return oncall->escalations().empty(); }));
    BOOST_REQUIRE(wait_paths(6));
    BOOST_TEST(paths().back() == "/hook");
}

BOOST_FIXTURE_TEST_CASE(an_ack_holds_the_escalation_and_its_end_rearms_it, EscalationStack) {
    auto a = firing("Held");
    manager->put({a, firing("Clock")});
    BOOST_REQUIRE(wait_paths(1));
    BOOST_REQUIRE(oncall->acknowledge(alert_id(a), {.by = "hana"}));
    let_repeats_pass();
    BOOST_TEST(paths() == Statuses({"/hook"}));
    BOOST_REQUIRE(!oncall->escalations().empty());
    BOOST_TEST(oncall->escalations().front().held);
    auto active = oncall->active(alert_id(a));
    BOOST_REQUIRE(active->escalation);
    BOOST_TEST(active->escalation->policy.name == "database");
    BOOST_REQUIRE(oncall->unacknowledge(alert_id(a), "hana"));
    BOOST_REQUIRE(wait_paths(2));
    BOOST_TEST(paths().back() == "/secondary");
}

BOOST_FIXTURE_TEST_CASE(a_restart_mid_escalation_goes_on_from_the_next_step, EscalationStack) {
    auto a = firing("Restarted");
    manager->put({a});
    BOOST_REQUIRE(wait_paths(2));
    BOOST_REQUIRE(paths() == Statuses({"/hook", "/secondary"}));
    restart();
    BOOST_REQUIRE(wait_paths(3));
    BOOST_TEST(paths() == Statuses({"/hook", "/secondary", "/manager"}));
}

BOOST_FIXTURE_TEST_CASE(a_running_escalation_keeps_the_policy_it_started_with, EscalationStack) {
    auto a = firing("Edited");
    manager->put({a});
    BOOST_REQUIRE(wait_paths(1));
    BOOST_REQUIRE(test::eventually([&] { return !oncall->escalations().empty(); }));
    // The edit sends every step to the manager; the running chain still goes to the secondary.
    reconfigure(std::regex_replace(kEscalating, std::regex("receiver: secondary\\}"),
                                   "receiver: manager}"));
    BOOST_REQUIRE(wait_paths(3));
    BOOST_TEST(paths() == Statuses({"/hook", "/secondary", "/manager"}));
    // A group that starts now follows the edited policy.
    manager->put({firing("Fresh")});
    BOOST_REQUIRE(test::eventually([&] {
        for (const auto& e : oncall->escalations())
            if (e.group_key == R"({}:{alertname="Fresh"})")
                return e.policy.steps.front().receiver == "manager";
        return false;
    }));
}

BOOST_AUTO_TEST_CASE(escalation_policies_are_checked_with_file_and_line) {
    auto fails_with = [](const std::string& text, const std::string& expected) {
        try {
            parse_notify_config(text, "alertmanager.yml");
        } catch (const ConfigError& e) {
            BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what());
            return;
        }
        BOOST_ERROR("no error for: " + expected);
    };
    std::string head = "route: {receiver: a, escalation: p}\nreceivers: [{name: a}]\n";
    fails_with(head + "escalation_policies:\n- name: p\n  steps: [{wait: 5m, receiver: b}]\n",
               "alertmanager.yml:5");
    fails_with(head + "escalation_policies:\n- name: p\n  steps: [{wait: 5m, receiver: b}]\n",
               "undefined receiver \"b\" used in escalation policy");
    fails_with(head + "escalation_policies:\n- name: p\n  steps: [{wait: 0s, receiver: a}]\n",
               "wait must be longer than zero");
    fails_with(head + "escalation_policies:\n- name: p\n  steps: []\n", "needs at least one step");
    fails_with(head + "escalation_policies:\n- name: q\n  steps: [{wait: 1m, receiver: a}]\n",
               "undefined escalation policy \"p\" used in route");
    fails_with(head +
                   "escalation_policies:\n- name: p\n  steps: [{wait: 1m, receiver: a}]\n"
                   "  repet: 2\n",
               "repet");
}

BOOST_AUTO_TEST_SUITE_END()
