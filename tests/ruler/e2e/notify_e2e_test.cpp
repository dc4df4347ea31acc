// stackwatch-ruler as an Alertmanager, with real peers: its own rules and Debian's Prometheus
// 2.42 send it alerts, Debian's amtool 0.25 drives its API, real Alertmanager computes the same
// fingerprints, and a SIGKILL at any moment loses no notification.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "common/http_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/program.hpp"
#include "tests/support/prometheus_server.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct NotifyFixture {
    std::filesystem::path dir = make_temp_dir("stackwatch-notify-e2e");
    HttpReceiver receiver;
    std::unique_ptr<Program> ruler;

    ~NotifyFixture() {
        ruler.reset();
        remove_dir(dir);
    }
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
        return dir / name;
    }
    // ruler.yml naming alertmanager.yml (relative to it) and rules.yml.
    void configure(const std::string& alertmanager_yml,
                   const std::string& rules_yml = "groups: []\n",
                   const std::string& ruler_extra = "") {
        write("alertmanager.yml", alertmanager_yml);
        write("rules.yml", rules_yml);
        write("ruler.yml",
              "global: {evaluation_interval: 1s, external_labels: {site: e2e}, external_url: "
              "'http://ruler.example'}\n"
              "rule_files: [rules.yml]\n"
              "notify_config_file: alertmanager.yml\n" +
                  ruler_extra);
    }
    void start() {
        ruler = std::make_unique<Program>(std::vector<std::string>{
            "stackwatch-ruler", "--config.file=" + (dir / "ruler.yml").string(),
            "--storage.state-path=" + (dir / "state.db").string()});
        ruler->wait_until_serving("/-/healthy");
    }
    http::ClientResponse post_alerts(const json& alerts) const {
        http::ClientRequest r{
            .method = "POST", .url = ruler->url("/api/v2/alerts"), .body = alerts.dump()};
        r.headers.emplace_back("Content-Type", "application/json");
        return http::perform(r);
    }
    RunResult amtool(std::vector<std::string> args) const {
        args.insert(args.begin(), {"/usr/bin/amtool", "--alertmanager.url=" + ruler->url("")});
        return run_program(args, {"HOME=" + dir.string()});
    }
    json body(std::size_t i) const { return json::parse(receiver.requests().at(i).body); }
};

std::string webhook_config(const std::string& url, const std::string& route_extra = "") {
    return "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 0s\n  group_interval: "
           "1s\n" +
           route_extra + "receivers:\n- name: hook\n  webhook_configs: [{url: '" + url + "'}]\n";
}

bool amtool_available() {
    if (std::filesystem::exists("/usr/bin/amtool")) return true;
    BOOST_TEST_MESSAGE("skipped: /usr/bin/amtool is absent (Debian's prometheus-alertmanager)");
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_e2e)

BOOST_FIXTURE_TEST_CASE(the_rulers_own_alerts_reach_a_webhook, NotifyFixture) {
    configure(webhook_config(receiver.url("/hook")),
              "groups:\n- name: always\n  rules:\n  - alert: AlwaysFiring\n    expr: vector(1)\n"
              "    labels: {severity: page}\n    annotations: {summary: 'value {{ $value }}'}\n");
    start();
    BOOST_REQUIRE(receiver.wait_for(1, 30s));
    auto n = body(0);
    BOOST_TEST(n["status"] == "firing");
    const auto& alert = n["alerts"][0];
    BOOST_TEST(alert["labels"]["alertname"] == "AlwaysFiring");
    BOOST_TEST(alert["labels"]["site"] == "e2e");  // external labels are added, as Prometheus does
    BOOST_TEST(alert["annotations"]["summary"] == "value 1");
    BOOST_TEST(alert["generatorURL"].get<std::string>().starts_with(
        "http://ruler.example/graph?g0.expr=vector%281%29"));
    BOOST_TEST(n["groupKey"] == R"({}:{alertname="AlwaysFiring"})");
}

BOOST_FIXTURE_TEST_CASE(prometheus_sends_its_alerts_to_us_as_to_an_alertmanager, NotifyFixture) {
    configure(webhook_config(receiver.url("/hook")));
    start();
    PrometheusServer prometheus(
        "127.0.0.1:1", "none",
        "rule_files: [rules.yml]\n"
        "alerting:\n  alertmanagers:\n  - api_version: v2\n    static_configs: [{targets: "
        "['127.0.0.1:" +
            std::to_string(ruler->port()) + "']}]\n",
        // Pending for a few seconds, so it fires once Prometheus has found us: an alert that
        // fires before would wait for Prometheus's one-minute resend.
        {{"rules.yml",
          "groups:\n- name: p\n  rules:\n  - alert: FromPrometheus\n"
          "    expr: vector(1)\n    for: 6s\n"}});
    BOOST_REQUIRE_MESSAGE(receiver.wait_for(1, 60s), prometheus.log());
    auto alert = body(0)["alerts"][0];
    BOOST_TEST(alert["labels"]["alertname"] == "FromPrometheus");
    BOOST_TEST(alert["generatorURL"].get<std::string>().find("/graph?g0.expr=vector%281%29") !=
               std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(alerting_alertmanagers_forwards_the_rulers_alerts_to_real_ones,
                        NotifyFixture) {
    AlertmanagerServer alertmanager("route: {receiver: x}\nreceivers: [{name: x}]\n");
    configure(webhook_config(receiver.url("/hook")),
              "groups:\n- name: always\n  rules:\n  - alert: Forwarded\n    expr: vector(1)\n",
              "alerting:\n  alertmanagers:\n  - api_version: v2\n    timeout: 5s\n"
              "    static_configs: [{targets: ['" +
                  alertmanager.address() + "']}]\n");
    start();
    auto forwarded = [&] {
        auto alerts =
            json::parse(http::get(alertmanager.url() + "/api/v2/alerts").body, nullptr, false);
        if (!alerts.is_array()) return json();
        for (const auto& a : alerts)
            if (a["labels"]["alertname"] == "Forwarded") return a;
        return json();
    };
    BOOST_REQUIRE_MESSAGE(eventually([&] { return !forwarded().is_null(); }, 30s),
                          alertmanager.log());
    auto alert = forwarded();
    BOOST_TEST(alert["labels"]["site"] == "e2e");
    BOOST_TEST(alert["generatorURL"].get<std::string>().starts_with("http://ruler.example/graph?"));
    BOOST_TEST(receiver.wait_for(1));  // and our own pipeline still notifies
}

BOOST_FIXTURE_TEST_CASE(fingerprints_are_alertmanagers, NotifyFixture) {
    configure(webhook_config(receiver.url("/hook")));
    start();
    AlertmanagerServer alertmanager("route: {receiver: x}\nreceivers: [{name: x}]\n");
    json alerts =
        json::array({{{"labels", {{"alertname", "F"}, {"instance", "h:1"}, {"x", "\"quoted\" ü"}}}},
                     {{"labels", {{"alertname", "G"}}}}});
    auto to_us = post_alerts(alerts);
    BOOST_TEST(to_us.status == 200);
    http::ClientRequest r{
        .method = "POST", .url = alertmanager.url() + "/api/v2/alerts", .body = alerts.dump()};
    r.headers.emplace_back("Content-Type", "application/json");
    BOOST_REQUIRE(http::perform(r).status == 200);
    auto fingerprints = [](const std::string& url) {
        std::map<std::string, std::string> out;
        for (const auto& a : json::parse(http::get(url + "/api/v2/alerts").body))
            out[a["labels"]["alertname"]] = a["fingerprint"];
        return out;
    };
    auto theirs = fingerprints(alertmanager.url());
    BOOST_TEST(theirs.size() == 2u);
    BOOST_TEST(fingerprints(ruler->url("")) == theirs);
}

BOOST_FIXTURE_TEST_CASE(amtool_adds_queries_silences_and_shows_the_config, NotifyFixture) {
    if (!amtool_available()) return;
    configure(webhook_config(receiver.url("/hook")));
    start();
    auto added = amtool(
        {"alert", "add", "alertname=Manual", "severity=page", "--annotation=summary=by hand"});
    BOOST_REQUIRE_MESSAGE(added.exit_code == 0, added.output);
    BOOST_REQUIRE(receiver.wait_for(1, 20s));
    BOOST_TEST(body(0)["alerts"][0]["annotations"]["summary"] == "by hand");

    auto query = amtool({"-o", "json", "alert", "query", "alertname=Manual"});
    BOOST_REQUIRE_MESSAGE(query.exit_code == 0, query.output);
    auto listed = json::parse(query.output);
    BOOST_REQUIRE(listed.size() == 1u);
    BOOST_TEST(listed[0]["labels"]["severity"] == "page");
    BOOST_TEST(listed[0]["receivers"][0]["name"] == "hook");
    BOOST_TEST(listed[0]["status"]["state"] == "active");

    auto silenced = amtool({"silence", "add", "alertname=Manual", "--comment=maintenance",
                            "--author=tester", "--duration=1h"});
    BOOST_REQUIRE_MESSAGE(silenced.exit_code == 0, silenced.output);
    std::string id = silenced.output.substr(0, silenced.output.find_first_of("\r\n"));
    BOOST_TEST(id.size() == 36u);
    auto ids = amtool({"silence", "query", "-q"});
    BOOST_TEST(ids.output.find(id) != std::string::npos, ids.output);
    auto suppressed = json::parse(
        amtool({"-o", "json", "alert", "query", "--silenced", "alertname=Manual"}).output);
    BOOST_REQUIRE(suppressed.size() == 1u);
    BOOST_TEST(suppressed[0]["status"]["state"] == "suppressed");
    BOOST_TEST(suppressed[0]["status"]["silencedBy"][0] == id);

    auto expired = amtool({"silence", "expire", id});
    BOOST_REQUIRE_MESSAGE(expired.exit_code == 0, expired.output);
    BOOST_TEST(amtool({"silence", "query", "-q"}).output.find(id) == std::string::npos);
    BOOST_TEST(amtool({"silence", "query", "-q", "--expired"}).output.find(id) !=
               std::string::npos);

    auto shown = amtool({"config", "show"});
    BOOST_TEST(shown.exit_code == 0);
    BOOST_TEST(shown.output.find("webhook_configs") != std::string::npos, shown.output);
    auto routes = amtool({"config", "routes"});
    BOOST_TEST(routes.output.find("default-route  receiver: hook") != std::string::npos,
               routes.output);
}

BOOST_FIXTURE_TEST_CASE(the_api_refuses_bad_input_with_reasons, NotifyFixture) {
    configure(webhook_config(receiver.url("/hook")));
    start();
    BOOST_TEST(post_alerts(json::object()).status == 400);
    auto no_labels = post_alerts(json::array({{{"labels", json::object()}}}));
    BOOST_TEST(no_labels.status == 400);
    BOOST_TEST(no_labels.body.find("at least one label pair required") != std::string::npos);
    auto bad_time =
        post_alerts(json::array({{{"labels", {{"a", "b"}}}, {"startsAt", "yesterday"}}}));
    BOOST_TEST(bad_time.status == 400);
    BOOST_TEST(bad_time.body.find("startsAt") != std::string::npos);
    http::ClientRequest silence{.method = "POST",
                                .url = ruler->url("/api/v2/silences"),
                                .body = R"({"matchers":[{"name":"a","value":".*","isRegex":true}],
                                           "startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z"})"};
    auto refused = http::perform(silence);
    BOOST_TEST(refused.status == 400);
    BOOST_TEST(refused.body.find("must not match the empty string") != std::string::npos,
               refused.body);
    BOOST_TEST(http::get(ruler->url("/api/v2/silence/nope")).status == 404);
}

// The issue's crash test: SIGKILL while notifications flow to a receiver that sometimes fails;
// afterwards every alert was delivered, and nothing twice except under one Idempotency-Key.
BOOST_FIXTURE_TEST_CASE(sigkill_at_any_moment_loses_nothing_and_duplicates_only_in_flight,
                        NotifyFixture) {
    constexpr int kAlerts = 1000;
    receiver.fail_randomly(0.2, 7);
    // Slow enough that the kills land while notifications still flow.
    receiver.answer_after(std::chrono::milliseconds(20));
    configure(
        "route:\n  receiver: hook\n  group_by: ['...']\n  group_wait: 0s\n  group_interval: 1h\n"
        "  repeat_interval: 24h\nreceivers:\n- name: hook\n  webhook_configs: [{url: '" +
        receiver.url("/hook") + "'}]\n");
    start();
    for (int batch = 0; batch < kAlerts / 100; ++batch) {
        json alerts = json::array();
        for (int i = batch * 100; i < (batch + 1) * 100; ++i)
            alerts.push_back({{"labels", {{"alertname", "Crash"}, {"n", std::to_string(i)}}}});
        auto posted = post_alerts(alerts);
        BOOST_REQUIRE_MESSAGE(posted.status == 200, "batch " << batch << ": " << posted.status
                                                             << " " << posted.body << "\n"
                                                             << ruler->output());
    }
    std::mt19937 random(11);
    for (int kill = 0; kill < 5; ++kill) {
        auto at = receiver.count() + 20 + random() % 150;
        BOOST_REQUIRE(receiver.wait_for(at, 60s));
        ruler->kill_hard();
        start();
    }
    auto delivered = [&] {
        std::map<std::string, std::set<std::string>> keys_by_alert;  // of accepted deliveries
        for (const auto& r : receiver.requests()) {
            if (r.status != 200) continue;
            auto body = json::parse(r.body);
            for (const auto& a : body["alerts"])
                keys_by_alert[a["labels"]["n"]].insert(r.headers.at("idempotency-key"));
        }
        return keys_by_alert;
    };
    BOOST_REQUIRE_MESSAGE(eventually([&] { return delivered().size() == kAlerts; }, 120s),
                          delivered().size()
                              << " of " << kAlerts << " alerts delivered in " << receiver.count()
                              << " requests; the last: " << receiver.requests().back().status << " "
                              << receiver.requests().back().body.substr(0, 300));
    std::size_t twice = 0;
    for (const auto& [n, keys] : delivered()) {
        BOOST_TEST(keys.size() == 1u,
                   "alert " << n << " was notified under " << keys.size() << " keys");
        twice += keys.size() > 1;
    }
    BOOST_TEST(twice == 0u);
    std::size_t accepted = 0;
    for (const auto& r : receiver.requests()) accepted += r.status == 200;
    BOOST_TEST_MESSAGE("crash test: " << kAlerts << " alerts, " << receiver.count() << " requests, "
                                      << accepted << " accepted, 5 SIGKILLs, 0 lost");
}

BOOST_FIXTURE_TEST_CASE(dead_letters_are_listed_by_the_api, NotifyFixture) {
    receiver.always(400);
    configure(webhook_config(receiver.url("/hook")));
    start();
    BOOST_REQUIRE(post_alerts(json::parse(R"([{"labels": {"alertname": "Refused"}}])")).status ==
                  200);
    auto url = ruler->url("/api/v1/notifications/dead-letters");
    json listed;
    BOOST_REQUIRE(eventually([&] {
        listed = json::parse(http::get(url).body);
        return !listed["deadLetters"].empty();
    }));
    const auto& dead = listed["deadLetters"][0];
    BOOST_TEST(dead["receiver"] == "hook");
    BOOST_TEST(dead["integration"] == "webhook[0]");
    BOOST_TEST(dead["groupKey"] == R"({}:{alertname="Refused"})");
    BOOST_TEST(dead["attempts"] == 1);
    BOOST_TEST(dead["lastError"].get<std::string>().find("400") != std::string::npos);
    BOOST_TEST(listed["outboxPending"] == 0);
    auto bad = http::get(url + "?limit=lots");
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(json::parse(bad.body)["error"].get<std::string>().find("limit") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
