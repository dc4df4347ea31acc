// The pieces of the notification state one at a time: alerts, dedup's decision, inhibition,
// silences, and their sqlite store across a reopen.

#include <boost/test/unit_test.hpp>

#include "ruler/notify/inhibit.hpp"
#include "ruler/notify/notify_store.hpp"
#include "ruler/notify/pipeline.hpp"
#include "ruler/notify/silence.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::notify;
using namespace std::chrono_literals;
using promql::Labels;

namespace {

Alert firing(Labels labels) {
    Alert a;
    a.labels = std::move(labels);
    a.starts_at = Clock::now() - 1min;
    a.ends_at = Clock::now() + 1h;
    return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_state)

BOOST_AUTO_TEST_CASE(fingerprints_are_fnv1a_over_sorted_labels_as_in_prometheus_common) {
    // model.LabelSet{}.Fingerprint() is FNV-1a's offset basis; the others were computed with
    // Prometheus's common/model, whose hash is FNV-1a 64 over name 0xff value 0xff.
    BOOST_TEST(fingerprint_of(Labels{}) == 14695981039346656037ULL);
    BOOST_TEST(fingerprint_text(0xabcULL) == "0000000000000abc");
    BOOST_TEST(fingerprint_of(Labels{{"a", "b"}}) !=
               fingerprint_of(Labels{{"ab", ""}, {"x", "y"}}));
    BOOST_TEST(fingerprint_of(Labels{{"a", "bc"}}) != fingerprint_of(Labels{{"ab", "c"}}));
}

BOOST_AUTO_TEST_CASE(merging_keeps_the_earliest_start_and_an_explicit_end) {
    auto now = Clock::now();
    Alert older = firing({{"alertname", "A"}});
    older.starts_at = now - 10min;
    older.ends_at = now + 30min;
    older.updated_at = now - 1min;
    Alert younger = older;
    younger.starts_at = now - 1min;
    younger.ends_at = now + 5min;
    younger.timeout = true;
    younger.updated_at = now;
    auto merged = merge(older, younger);
    BOOST_TEST((merged.starts_at == now - 10min));
    BOOST_TEST((*merged.ends_at == now + 30min));  // the sender's end beats a timeout's
    older.timeout = true;
    BOOST_TEST((*merge(older, younger).ends_at == now + 5min));
    BOOST_TEST((merge(younger, older).updated_at == now));  // argument order does not matter
    Alert resolution = younger;
    resolution.ends_at = now - 1s;
    resolution.timeout = false;
    BOOST_TEST(merge(older, resolution).resolved_at(now));
}

BOOST_AUTO_TEST_CASE(notification_order_is_job_then_instance_then_labels) {
    std::vector<Alert> alerts = {
        firing({{"x", "1"}}), firing({{"job", "b"}}), firing({{"job", "a"}, {"instance", "2"}}),
        firing({{"job", "a"}, {"instance", "1"}}), firing({{"a", "1"}, {"b", "1"}})};
    sort_for_notification(alerts);
    std::vector<std::string> order;
    for (const auto& a : alerts) order.push_back(label_set_text(a.labels));
    BOOST_TEST(order ==
               (std::vector<std::string>{R"({instance="1", job="a"})", R"({instance="2", job="a"})",
                                         R"({job="b"})", R"({x="1"})", R"({a="1", b="1"})"}));
}

BOOST_AUTO_TEST_CASE(dedup_decides_as_alertmanager_does) {
    auto now = Clock::now();
    std::optional<LogEntry> none;
    LogEntry told{"k", {1, 2}, {3}, now - 10min, now + 1h};
    // First notification only for firing alerts.
    BOOST_TEST(needs_update(none, {1}, {}, true, 1h, now));
    BOOST_TEST(!needs_update(none, {}, {1}, true, 1h, now));
    // A new firing alert.
    BOOST_TEST(needs_update(told, {1, 4}, {}, false, 1h, now));
    // Fewer firing, nothing new: wait for repeat (or resolved news with send_resolved).
    BOOST_TEST(!needs_update(told, {1}, {3}, false, 1h, now));
    BOOST_TEST(needs_update(told, {1}, {2, 3}, true, 1h, now));
    BOOST_TEST(!needs_update(told, {1}, {2, 3}, false, 1h, now));
    // All resolved: the receiver knew of firing ones, so it hears, whatever send_resolved says.
    BOOST_TEST(needs_update(told, {}, {1, 2}, false, 1h, now));
    LogEntry quiet{"k", {}, {1}, now - 10min, now + 1h};
    BOOST_TEST(!needs_update(quiet, {}, {1, 2}, true, 1h, now));
    // Unchanged: only once the repeat interval has passed.
    BOOST_TEST(!needs_update(told, {1, 2}, {3}, true, 1h, now));
    BOOST_TEST(needs_update(told, {1, 2}, {3}, true, 5min, now));
}

BOOST_AUTO_TEST_CASE(inhibition_by_equal_labels_and_never_by_itself) {
    InhibitRuleConfig rule{parse_matchers(R"(severity="critical")"),
                           parse_matchers(R"(severity=~"warning|critical")"),
                           {"cluster", "zone"}};
    Inhibitor inhibitor({rule});
    auto now = Clock::now();
    auto source = firing({{"alertname", "Down"}, {"severity", "critical"}, {"cluster", "a"}});
    inhibitor.observe(source);
    BOOST_TEST(inhibitor.inhibited_by(Labels{{"severity", "warning"}, {"cluster", "a"}}, now)
                   .value_or(0) == source.fingerprint());
    BOOST_TEST(!inhibitor.inhibited_by(Labels{{"severity", "warning"}, {"cluster", "b"}}, now)
                    .has_value());
    // zone is absent on both: equal as empty values.
    BOOST_TEST(
        !inhibitor
             .inhibited_by(Labels{{"severity", "warning"}, {"cluster", "a"}, {"zone", "z"}}, now)
             .has_value());
    // Two-sided: a critical target is not muted by a critical source (itself or another).
    BOOST_TEST(!inhibitor.inhibited_by(Labels{{"severity", "critical"}, {"cluster", "a"}}, now)
                    .has_value());
    BOOST_TEST(!inhibitor.inhibited_by(source.labels, now).has_value());
    // A resolved source mutes nothing; a forgotten one neither.
    auto resolution = source;
    resolution.ends_at = now - 1s;
    inhibitor.observe(resolution);
    BOOST_TEST(!inhibitor.inhibited_by(Labels{{"severity", "warning"}, {"cluster", "a"}}, now)
                    .has_value());
    inhibitor.observe(source);
    inhibitor.forget(source.fingerprint());
    BOOST_TEST(!inhibitor.inhibited_by(Labels{{"severity", "warning"}, {"cluster", "a"}}, now)
                    .has_value());
}

// Rules are looked up by a target matcher of fixed values; the first rule in the file that mutes
// still names the source, whichever way each rule is found.
BOOST_AUTO_TEST_CASE(the_first_muting_rule_names_the_source_however_rules_are_indexed) {
    std::vector<InhibitRuleConfig> rules = {
        // A regex of no fixed values: checked for every alert.
        {parse_matchers(R"(alertname="NodeDown")"),
         parse_matchers(R"(alertname=~"Disk.*")"),
         {"node"}},
        // Found by severity.
        {parse_matchers(R"(alertname="RackDown")"),
         parse_matchers(R"(severity="warning")"),
         {"node"}},
        // Found by alertname, also when a severity matcher comes first.
        {parse_matchers(R"(alertname="ZoneDown")"),
         parse_matchers(R"(severity="warning", alertname=~"DiskFull|DiskSlow")"),
         {"node"}},
        {parse_matchers(R"(alertname="Maintenance")"),
         parse_matchers(R"(alertname="DiskFull")"),
         {"node"}},
    };
    auto now = Clock::now();
    auto node_down = firing({{"alertname", "NodeDown"}, {"node", "n1"}});
    auto rack_down = firing({{"alertname", "RackDown"}, {"node", "n1"}});
    auto zone_down = firing({{"alertname", "ZoneDown"}, {"node", "n1"}});
    auto maintenance = firing({{"alertname", "Maintenance"}, {"node", "n1"}});
    Inhibitor inhibitor(rules);
    for (const auto& a : {maintenance, zone_down, rack_down, node_down}) inhibitor.observe(a);
    auto by = [&](Labels labels) { return inhibitor.inhibited_by(labels, now).value_or(0); };
    Labels disk_full{{"alertname", "DiskFull"}, {"node", "n1"}, {"severity", "warning"}};
    BOOST_TEST(by(disk_full) == node_down.fingerprint());
    inhibitor.forget(node_down.fingerprint());
    BOOST_TEST(by(disk_full) == rack_down.fingerprint());
    inhibitor.forget(rack_down.fingerprint());
    BOOST_TEST(by(disk_full) == zone_down.fingerprint());
    BOOST_TEST(by(Labels{{"alertname", "DiskSlow"}, {"node", "n1"}, {"severity", "warning"}}) ==
               zone_down.fingerprint());
    BOOST_TEST(by(Labels{{"alertname", "DiskSlow"}, {"node", "n1"}}) == 0u);  // no severity
    inhibitor.forget(zone_down.fingerprint());
    BOOST_TEST(by(disk_full) == maintenance.fingerprint());
    BOOST_TEST(by(Labels{{"alertname", "DiskFull"}, {"node", "n2"}}) == 0u);
    BOOST_TEST(by(Labels{{"alertname", "CpuHot"}, {"node", "n1"}, {"severity", "info"}}) == 0u);
}

BOOST_AUTO_TEST_CASE(silences_update_in_place_only_as_alertmanager_allows) {
    std::vector<Silence> persisted;
    Silences silences([&](const Silence& s) { persisted.push_back(s); });
    auto now = Clock::now();
    Silence s{.matchers = parse_matchers(R"(alertname="A")"),
              .starts_at = now - 1min,
              .ends_at = now + 1h};
    auto id = silences.set(s, now);
    BOOST_TEST((silences.get(id)->state_at(now) == SilenceState::active));
    BOOST_TEST((silences.get(id)->starts_at == now));  // a start in the past is moved to now
    BOOST_TEST(silences.silenced_by(Labels{{"alertname", "A"}}, now) ==
               std::vector<std::string>{id});
    // Extending an active silence keeps its id.
    auto extended = *silences.get(id);
    extended.ends_at = now + 2h;
    BOOST_TEST(silences.set(extended, now) == id);
    // New matchers replace it: the old one expires, a new id appears.
    auto changed = *silences.get(id);
    changed.matchers = parse_matchers(R"(alertname="B")");
    auto replaced = silences.set(changed, now + 1s);
    BOOST_TEST(replaced != id);
    BOOST_TEST((silences.get(id)->state_at(now + 1s) == SilenceState::expired));
    BOOST_CHECK_THROW(silences.expire(id, now + 2s), SilenceError);
    BOOST_CHECK_THROW(silences.expire("nope", now), SilenceNotFound);
    silences.expire(replaced, now + 2s);
    BOOST_TEST(silences.silenced_by(Labels{{"alertname", "B"}}, now + 3s).empty());
    BOOST_TEST(persisted.size() == 5u);  // created, extended, expired + created, expired
    BOOST_CHECK_THROW(
        silences.set(Silence{.matchers = parse_matchers(R"(a=~".*")"), .ends_at = now + 1h}, now),
        SilenceError);
    BOOST_CHECK_THROW(silences.set(Silence{.ends_at = now + 1h}, now), SilenceError);
}

BOOST_AUTO_TEST_CASE(the_store_keeps_everything_across_a_reopen) {
    auto dir = test::make_temp_dir("stackwatch-notify-store");
    auto path = (dir / "state.db").string();
    auto now = Clock::now();
    auto a = firing({{"alertname", "A"}, {"x", "quote\"d"}});
    a.annotations = {{"summary", "s"}};
    a.generator_url = "http://g";
    Silence s{.id = "id-1",
              .matchers = parse_matchers(R"(a=~"x|y", b!="z")"),
              .starts_at = now,
              .ends_at = now + 1h,
              .updated_at = now,
              .created_by = "me",
              .comment = "c"};
    LogEntry log{"key", {1, 18446744073709551615ULL}, {3}, now, now + 1h};
    OutboxEntry first{.idempotency_key = "k1",
                      .receiver = "r",
                      .integration = "webhook[0]",
                      .group_key = "g",
                      .log_key = "key",
                      .payload = "{}",
                      .created_at = now,
                      .next_attempt_at = now};
    {
        NotifyStore store(path);
        store.save_alerts({std::make_shared<const Alert>(a)});
        store.save_silence(s);
        store.enqueue(first, log);
        OutboxEntry second = first;
        second.idempotency_key = "k2";
        auto [id, superseded] = store.enqueue(second, log);
        BOOST_TEST(superseded == std::vector<std::int64_t>{first.id});
        BOOST_TEST(id == second.id);
    }
    NotifyStore store(path);
    auto alerts = store.load_alerts();
    BOOST_REQUIRE(alerts.size() == 1u);
    BOOST_TEST((alerts[0] == a));
    auto silences = store.load_silences();
    BOOST_REQUIRE(silences.size() == 1u);
    BOOST_TEST(matchers_string(silences[0].matchers) == matchers_string(s.matchers));
    BOOST_TEST(silences[0].comment == "c");
    auto entries = store.load_log();
    BOOST_REQUIRE(entries.size() == 1u);
    BOOST_TEST(entries[0].firing == log.firing);
    auto pending = store.pending();
    BOOST_REQUIRE(pending.size() == 1u);
    BOOST_TEST(pending[0].idempotency_key == "k2");
    BOOST_TEST(store.count(OutboxState::superseded) == 1u);
    // A dead letter takes its log entry with it, so the next flush notifies again.
    BOOST_TEST(store.dead_letter(pending[0].id, 3, "boom"));
    BOOST_TEST(!store.dead_letter(pending[0].id, 3, "boom"));
    BOOST_TEST(store.load_log().empty());
    BOOST_TEST(store.dead_letters(5).at(0).last_error == "boom");
    test::remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
