// Rules made through the runbook's /monitoring/alerts/rules on the real binary: the runbook's own
// example fires when the 5xx share of a real scrape target's http_requests_total passes 5% over
// 15 minutes and reaches its channel; the rule is written as a rule file promtool accepts; it
// survives a restart; changes apply without one; bad bodies get 400 naming the field.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/http_client.hpp"
#include "common/http_server.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/program.hpp"
#include "tests/support/ruler_home.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// An application's counters, served for the ruler to scrape; every scrape moves them on by
// 100 requests of which `errors_per_hundred` failed.
struct Application {
    http::Server server{{.listen_addresses = {"127.0.0.1:0"}}};
    std::atomic<int> errors_per_hundred{1};
    std::mutex mutex;
    long ok = 0, failed = 0;

    Application() {
        server.route("GET", "/metrics", [this](const http::Request&) {
            std::lock_guard lock(mutex);
            failed += errors_per_hundred;
            ok += 100 - errors_per_hundred;
            return http::Response::text(
                "# TYPE http_requests_total counter\n"
                "http_requests_total{status=\"200\"} " +
                std::to_string(ok) + "\n" + "http_requests_total{status=\"500\"} " +
                std::to_string(failed) + "\n");
        });
        server.start();
    }
};

const char* kRunbookExample = R"({
    "name": "High Error Rate",
    "type": "error",
    "condition": "error_rate > 5%",
    "threshold": 5,
    "timeWindow": 15,
    "severity": "high",
    "enabled": true,
    "channels": [
      {"type": "webhook",
       "config": {"url": "{URL}", "headers": {"Authorization": "Bearer your-token", "X-Team": "db"}},
       "enabled": true}
    ]
})";

struct RulesFixture {
    std::filesystem::path dir = make_temp_dir("stackwatch-rules-api");
    Application app;
    HttpReceiver receiver;
    std::unique_ptr<Program> ruler;

    RulesFixture() {
        std::ofstream(dir / "tokens.yml") << "tokens:\n- {name: op, role: operator, token: op}\n"
                                             "- {name: root, role: admin, token: admin}\n";
        std::ofstream(dir / "file-rules.yml") << "groups:\n- name: from-file\n  rules:\n  - alert: "
                                                 "FromFile\n    expr: vector(0) > 1\n";
        std::ofstream(dir / "alertmanager.yml")
            << "route: {receiver: default, group_wait: 0s, group_interval: 1s}\n"
               "receivers: [{name: default}]\n";
        std::ofstream(dir / "ruler.yml")
            << "global: {scrape_interval: 100ms, scrape_timeout: 90ms, evaluation_interval: "
               "200ms}\n"
               "rule_files: [file-rules.yml]\nnotify_config_file: alertmanager.yml\n"
               "scrape_configs:\n- job_name: app\n  static_configs: [{targets: ['127.0.0.1:"
            << app.server.ports()[0] << "']}]\n";
        start();
    }
    ~RulesFixture() {
        ruler.reset();
        remove_dir(dir);
    }
    void start() { ruler = start_ruler_in(dir); }
    http::ClientResponse call(const std::string& method, const std::string& path,
                              const std::string& body = "",
                              const std::string& token = "admin") const {
        return call_with_token(*ruler, method, path, body, token);
    }
    std::string example() const {
        std::string text = kRunbookExample;
        text.replace(text.find("{URL}"), 5, receiver.url("/hook"));
        return text;
    }
    json rule_state(const std::string& name) const {
        auto body = json::parse(call("GET", "/api/v1/rules").body);
        for (const auto& g : body["data"]["groups"])
            for (const auto& r : g["rules"])
                if (r["name"] == name) return r;
        return nullptr;
    }
    // Waits for `n` more evaluations of the rule: time in which it would have fired.
    void let_evaluations_pass(const std::string& name, int n) const {
        for (int i = 0; i < n; ++i) {
            auto before = rule_state(name).value("lastEvaluation", "");
            BOOST_REQUIRE(
                eventually([&] { return rule_state(name).value("lastEvaluation", "") != before; }));
        }
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(rules_api_e2e)

BOOST_FIXTURE_TEST_CASE(the_runbooks_example_fires_past_five_percent_and_reaches_its_channel,
                        RulesFixture) {
    auto created = call("POST", "/monitoring/alerts/rules", example());
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    auto rule = json::parse(created.body);
    BOOST_TEST(rule["alertname"] == "HighErrorRate");
    BOOST_TEST(rule["expr"].get<std::string>().find("[15m]") != std::string::npos);
    // Live without a restart, and quiet while 1% of requests fail.
    BOOST_REQUIRE(eventually([&] { return !rule_state("HighErrorRate").is_null(); }));
    let_evaluations_pass("HighErrorRate", 3);
    BOOST_TEST(rule_state("HighErrorRate")["state"] == "inactive");
    BOOST_TEST(rule_state("HighErrorRate")["health"] == "ok");
    app.errors_per_hundred = 20;
    BOOST_REQUIRE(receiver.wait_for(1, 30s));
    auto sent = receiver.requests().at(0);
    auto body = json::parse(sent.body);
    BOOST_TEST(body["alerts"][0]["labels"]["alertname"] == "HighErrorRate");
    BOOST_TEST(body["alerts"][0]["labels"]["severity"] == "high");
    BOOST_TEST(body["alerts"][0]["labels"]["stackwatch_rule_id"] == rule["id"]);
    BOOST_TEST(sent.headers["authorization"] == "Bearer your-token");
    BOOST_TEST(sent.headers["x-team"] == "db");
    // The file is a Prometheus rule file promtool accepts, to commit to git.
    if (std::filesystem::exists("/usr/bin/promtool")) {
        auto check = run_program({"/usr/bin/promtool", "check", "rules", rule["file"]});
        BOOST_TEST(check.exit_code == 0, check.output);
        BOOST_TEST(check.output.find("SUCCESS: 1 rules found") != std::string::npos, check.output);
    }
}

BOOST_FIXTURE_TEST_CASE(rules_survive_a_restart_and_change_without_one, RulesFixture) {
    auto rule = json::parse(call("POST", "/monitoring/alerts/rules", example()).body);
    std::string id = rule["id"];
    ruler.reset();
    start();
    auto listed = json::parse(call("GET", "/monitoring/alerts/rules", "", "op").body);
    std::vector<std::string> sources;
    for (const auto& r : listed["rules"])
        sources.push_back(r["source"].get<std::string>() + ":" + r["name"].get<std::string>());
    BOOST_TEST(sources == (std::vector<std::string>{"api:High Error Rate", "file:FromFile"}));
    BOOST_TEST(!rule_state("HighErrorRate").is_null());
    // A PromQL condition, and disabled: the rule leaves the evaluation, and comes back.
    auto changed = json::parse(example());
    changed["condition"] = "sum(rate(http_requests_total{status=\"500\"}[5m]))";
    changed["threshold"] = 1000;
    changed["enabled"] = false;
    auto put = call("PUT", "/monitoring/alerts/rules/" + id, changed.dump());
    BOOST_TEST_REQUIRE(put.status == 200, put.body);
    BOOST_TEST(json::parse(put.body)["expr"] ==
               "(sum(rate(http_requests_total{status=\"500\"}[5m]))) > 1000");
    BOOST_TEST(eventually([&] { return rule_state("HighErrorRate").is_null(); }));
    changed["enabled"] = true;
    BOOST_TEST(call("PUT", "/monitoring/alerts/rules/" + id, changed.dump()).status == 200);
    BOOST_TEST(eventually([&] { return !rule_state("HighErrorRate").is_null(); }));
    BOOST_TEST(call("GET", "/monitoring/alerts/rules/" + id, "", "op").status == 200);
    // File rules are listed, not changed here.
    BOOST_TEST(call("DELETE", "/monitoring/alerts/rules/file:x:from-file:FromFile").status == 409);
    BOOST_TEST(call("POST", "/monitoring/alerts/rules", example(), "op").status == 403);
    BOOST_TEST(call("DELETE", "/monitoring/alerts/rules/" + id).status == 200);
    BOOST_TEST(call("DELETE", "/monitoring/alerts/rules/" + id).status == 404);
    BOOST_TEST(eventually([&] { return rule_state("HighErrorRate").is_null(); }));
}

BOOST_FIXTURE_TEST_CASE(bad_bodies_get_400_naming_the_field_and_change_nothing, RulesFixture) {
    auto with = [&](const std::string& key, const json& value) {
        auto body = json::parse(example());
        if (value.is_null())
            body.erase(key);
        else
            body[key] = value;
        return body.dump();
    };
    struct Case {
        std::string body, reason;
    };
    for (const auto& c : std::vector<Case>{
             {"{", "the body is not valid JSON"},
             {with("name", nullptr), "name is required"},
             {with("condition", "error_rate > 6%"), "threshold 5 disagrees with the condition's 6"},
             {with("condition", "rate(foo[5m]"),
              "condition is not a known metric comparison nor valid PromQL"},
             {with("timeWindow", 0), "timeWindow must be a whole number of minutes"},
             {with("threshold", "five"), "threshold must be a number"},
             {with("channels", json::parse(R"([{"type": "pager"}])")),
              "channels[0].type must be email, slack or webhook"},
             {with("channels", json::parse(R"([{"type": "email", "config": {}}])")),
              "channels[0].config.to is required"},
             {with("severity", 3), "severity must be a string"},
             {with("colour", "red"), "unknown field \"colour\""},
         }) {
        auto r = call("POST", "/monitoring/alerts/rules", c.body);
        BOOST_TEST_CONTEXT(c.body) {
            BOOST_TEST(r.status == 400);
            BOOST_TEST(
                json::parse(r.body)["error"].get<std::string>().find(c.reason) != std::string::npos,
                r.body);
        }
    }
    // An email channel with no SMTP server anywhere: the reload refuses it and it is undone.
    auto email = with("channels", json::parse(R"([{"type": "email", "config": {"to": "a@b.c"}}])"));
    auto refused = call("POST", "/monitoring/alerts/rules", email);
    BOOST_TEST(refused.status == 400);
    BOOST_TEST(json::parse(refused.body)["error"].get<std::string>().find(
                   "no global SMTP smarthost set") != std::string::npos,
               refused.body);
    BOOST_TEST(json::parse(call("GET", "/monitoring/alerts/rules").body)["total"] ==
               1);  // FromFile
    BOOST_TEST(rule_state("HighErrorRate").is_null());
}

BOOST_AUTO_TEST_SUITE_END()
