// The runbook's /monitoring/alerts API on the real binary: tokens with roles on every endpoint
// (401 and 403 with a JSON reason), acknowledge and resolve from the API reaching a real webhook
// receiver, and malformed bodies answered with 400 naming what is wrong.

#include <crypt.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/http_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/program.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const char* kRules = R"(groups:
- name: oncall
  interval: 200ms
  rules:
  - alert: DatabaseDown
    expr: vector(1)
    labels: {severity: critical}
  - alert: Clock
    expr: vector(1)
)";

struct OnCallFixture {
    std::filesystem::path dir = make_temp_dir("stackwatch-oncall-e2e");
    HttpReceiver receiver;
    std::unique_ptr<Program> ruler;

    OnCallFixture() {
        write("viewer.token", "viewer-secret\n");
        write("tokens.yml",
              "tokens:\n"
              "- {name: grafana, role: viewer, token_file: viewer.token}\n"
              "- {name: alice, role: operator, token: operator-secret}\n"
              "- {name: root, role: admin, token: admin-secret}\n");
        write("alertmanager.yml",
              "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 0s\n"
              "  group_interval: 200ms\n  repeat_interval: 600ms\n"
              "receivers:\n- name: hook\n  webhook_configs: [{url: '" +
                  receiver.url("/hook") + "'}]\n");
        write("rules.yml", kRules);
        write("ruler.yml", "rule_files: [rules.yml]\nnotify_config_file: alertmanager.yml\n");
        ruler = std::make_unique<Program>(std::vector<std::string>{
            "stackwatch-ruler", "--config.file=" + (dir / "ruler.yml").string(),
            "--storage.state-path=" + (dir / "state.db").string(),
            "--web.tokens-file=" + (dir / "tokens.yml").string()});
        ruler->wait_until_serving("/-/healthy");
    }
    ~OnCallFixture() {
        ruler.reset();
        remove_dir(dir);
    }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir / name) << text;
    }
    http::ClientResponse call(const std::string& method, const std::string& path,
                              const std::string& token, const std::string& body = "") const {
        http::ClientRequest r{.method = method, .url = ruler->url(path), .body = body};
        if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
        if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
        return http::perform(r);
    }
    json active(const std::string& name) const {
        auto body = json::parse(call("GET", "/monitoring/alerts/active", "viewer-secret").body);
        for (const auto& a : body["alerts"])
            if (a["name"] == name) return a;
        return nullptr;
    }
    std::vector<std::string> statuses(const std::string& name) const {
        return receiver.statuses(name);
    }
    // Two more repeats of the Clock group (600 ms each): time in which any other repeat or
    // resent firing would have arrived too.
    void let_repeats_pass() const {
        auto seen = statuses("Clock").size();
        BOOST_REQUIRE(eventually([&] { return statuses("Clock").size() >= seen + 2; }, 20s));
    }
};

using Statuses = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(oncall_e2e)

BOOST_FIXTURE_TEST_CASE(each_role_reaches_exactly_its_endpoints, OnCallFixture) {
    BOOST_REQUIRE(eventually([&] { return !active("DatabaseDown").is_null(); }, 20s));
    std::string id = active("DatabaseDown")["id"];
    struct Endpoint {
        std::string method, path;
        std::string needs;  // the least role
    };
    std::vector<Endpoint> endpoints = {
        {"GET", "/monitoring/alerts/active", "viewer"},
        {"GET", "/monitoring/alerts/stats", "viewer"},
        {"GET", "/api/v1/rules", "viewer"},
        {"GET", "/api/v2/alerts", "viewer"},
        {"GET", "/api/v2/silences", "viewer"},
        {"POST", "/monitoring/alerts/" + id + "/unacknowledge", "operator"},
        {"POST", "/monitoring/alerts/groups/acknowledge", "operator"},
        {"POST", "/api/v2/silences", "operator"},
        {"POST", "/api/v2/alerts", "operator"},
        {"GET", "/monitoring/alerts/rules", "viewer"},
        {"GET", "/monitoring/metrics", "viewer"},
        {"GET", "/monitoring/whoami", "viewer"},
        {"POST", "/monitoring/alerts/" + id + "/acknowledge", "operator"},
        {"POST", "/monitoring/alerts/rules", "admin"},
        {"DELETE", "/monitoring/alerts/rules/none", "admin"},
        {"POST", "/-/reload", "admin"},
        {"POST", "/monitoring/alerts/" + id + "/resolve", "operator"},  // last: it ends the alert
    };
    const std::vector<std::pair<std::string, std::string>> roles = {
        {"viewer", "viewer-secret"}, {"operator", "operator-secret"}, {"admin", "admin-secret"}};
    auto rank = [](const std::string& role) {
        return role == "viewer" ? 0 : role == "operator" ? 1 : 2;
    };
    for (const auto& e : endpoints) {
        BOOST_TEST_CONTEXT(e.method << " " << e.path) {
            auto anonymous = call(e.method, e.path, "");
            BOOST_TEST(anonymous.status == 401);
            BOOST_TEST(json::parse(anonymous.body)["error"] == "authentication required");
            BOOST_TEST(anonymous.headers["www-authenticate"] == "Bearer");
            BOOST_TEST(call(e.method, e.path, "wrong-secret").status == 401);
            for (const auto& [role, token] : roles) {
                auto r = call(e.method, e.path, token);
                BOOST_TEST_CONTEXT("as " << role << ": " << r.body) {
                    if (rank(role) < rank(e.needs)) {
                        BOOST_TEST(r.status == 403);
                        BOOST_TEST(json::parse(r.body)["error"].get<std::string>().find(
                                       "needs the " + e.needs + " role") != std::string::npos);
                    } else {
                        BOOST_TEST(r.status != 401);
                        BOOST_TEST(r.status != 403);
                    }
                }
            }
        }
    }
    // Probes and metrics stay open, as Prometheus's are.
    BOOST_TEST(call("GET", "/-/healthy", "").status == 200);
    BOOST_TEST(call("GET", "/metrics", "").status == 200);
}

BOOST_FIXTURE_TEST_CASE(acknowledging_through_the_api_stops_repeats_everywhere, OnCallFixture) {
    BOOST_REQUIRE(eventually([&] { return statuses("DatabaseDown").size() >= 1; }, 20s));
    std::string id = active("DatabaseDown")["id"];
    auto r = call("POST", "/monitoring/alerts/" + id + "/acknowledge", "operator-secret",
                  R"({"comment": "looking at the primary", "expiresIn": "1h"})");
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    auto acked = json::parse(r.body);
    BOOST_TEST(acked["state"] == "acknowledged");
    BOOST_TEST(acked["acknowledgement"]["by"] == "alice");  // the token's name
    BOOST_TEST(acked["acknowledgement"]["comment"] == "looking at the primary");
    BOOST_TEST(!acked["acknowledgement"]["expiresAt"].is_null());
    auto at_ack = statuses("DatabaseDown").size();
    let_repeats_pass();
    BOOST_TEST(statuses("DatabaseDown").size() == at_ack);
    BOOST_TEST(active("DatabaseDown")["acknowledged"] == true);
    auto stats = json::parse(call("GET", "/monitoring/alerts/stats", "viewer-secret").body);
    BOOST_TEST(stats["byState"]["acknowledged"] == 1);
    BOOST_TEST(stats["byRule"]["DatabaseDown"] == 1);
    BOOST_TEST(stats["acknowledged"] == 1);
    BOOST_TEST(stats["meanTimeToAcknowledgeSeconds"].is_number());
    // Taken back: repeats resume.
    BOOST_TEST(
        call("POST", "/monitoring/alerts/" + id + "/unacknowledge", "operator-secret").status ==
        200);
    BOOST_TEST(eventually([&] { return statuses("DatabaseDown").size() > at_ack; }, 20s));
}

BOOST_FIXTURE_TEST_CASE(resolving_through_the_api_sends_one_resolved_notice, OnCallFixture) {
    BOOST_REQUIRE(eventually([&] { return statuses("DatabaseDown").size() >= 1; }, 20s));
    std::string id = active("DatabaseDown")["id"];
    auto r = call("POST", "/monitoring/alerts/" + id + "/resolve", "operator-secret");
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(json::parse(r.body)["resolvedBy"] == "alice");
    BOOST_REQUIRE(eventually([&] { return statuses("DatabaseDown").back() == "resolved"; }, 20s));
    auto after = statuses("DatabaseDown");
    // The rule still fires every 200 ms; the alert stays resolved and nothing more is sent.
    let_repeats_pass();
    BOOST_TEST(statuses("DatabaseDown") == after);
    BOOST_TEST(active("DatabaseDown").is_null());
    BOOST_TEST(call("POST", "/monitoring/alerts/" + id + "/resolve", "operator-secret").status ==
               404);
    auto stats = json::parse(call("GET", "/monitoring/alerts/stats", "viewer-secret").body);
    BOOST_TEST(stats["resolvedByHand"] == 1);
}

BOOST_FIXTURE_TEST_CASE(malformed_requests_get_400_with_the_reason, OnCallFixture) {
    BOOST_REQUIRE(eventually([&] { return !active("DatabaseDown").is_null(); }, 20s));
    std::string path =
        "/monitoring/alerts/" + active("DatabaseDown")["id"].get<std::string>() + "/acknowledge";
    struct Case {
        std::string body, reason;
    };
    for (const auto& c : std::vector<Case>{
             {"{not json", "the body is not valid JSON"},
             {"[1, 2]", "the body must be a JSON object"},
             {R"({"coment": "typo"})", "unknown field \"coment\""},
             {R"({"comment": 5})", "comment must be a string"},
             {R"({"expiresIn": "soon"})", "expiresIn must be a positive duration"},
             {R"({"expiresAt": "yesterday"})", "expiresAt must be an RFC 3339 time"},
             {R"({"expiresAt": "2001-01-01T00:00:00Z"})", "expiresAt is in the past"},
             {R"({"expiresAt": "2999-01-01T00:00:00Z", "expiresIn": "1h"})", "not both"},
         }) {
        auto r = call("POST", path, "operator-secret", c.body);
        BOOST_TEST_CONTEXT(c.body) {
            BOOST_TEST(r.status == 400);
            BOOST_TEST(
                json::parse(r.body)["error"].get<std::string>().find(c.reason) != std::string::npos,
                r.body);
        }
    }
    auto missing =
        call("POST", "/monitoring/alerts/0000000000000000-1/acknowledge", "operator-secret");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(json::parse(missing.body)["error"] == "no firing alert with id 0000000000000000-1");
    BOOST_TEST(
        call("POST", "/monitoring/alerts/groups/acknowledge", "operator-secret", "{}").status ==
        400);
    BOOST_TEST(call("GET", "/monitoring/alerts/stats?start=tomorrow", "viewer-secret").status ==
               400);
    BOOST_TEST(active("DatabaseDown")["acknowledged"] == false);  // none of them changed it
}

BOOST_AUTO_TEST_CASE(basic_auth_users_of_the_web_config_get_the_roles_the_tokens_file_gives) {
    auto dir = make_temp_dir("stackwatch-basic-auth");
    auto bcrypt = [](const std::string& password) {
        const char* salt = crypt_gensalt_ra("$2b$", 4, nullptr, 0);
        crypt_data data{};
        std::string hash = crypt_r(password.c_str(), salt, &data);
        free(const_cast<char*>(salt));
        return hash;
    };
    std::ofstream(dir / "web.yml") << "basic_auth_users:\n  alice: '" << bcrypt("alice-pw")
                                   << "'\n  bob: '" << bcrypt("bob-pw") << "'\n";
    std::ofstream(dir / "tokens.yml") << "users: {alice: operator}\n";
    std::ofstream(dir / "ruler.yml") << "rule_files: []\n";
    Program ruler({"stackwatch-ruler", "--config.file=" + (dir / "ruler.yml").string(),
                   "--storage.state-path=", "--web.config.file=" + (dir / "web.yml").string(),
                   "--web.tokens-file=" + (dir / "tokens.yml").string()});
    ruler.wait_until_serving("/-/healthy");
    auto as = [&](const std::string& user, const std::string& password, const std::string& method,
                  const std::string& path) {
        http::ClientRequest r{.method = method, .url = ruler.url(path)};
        r.basic_user = user;
        r.basic_password = password;
        return http::perform(r);
    };
    const std::string silence = "/monitoring/alerts/groups/acknowledge";
    BOOST_TEST(as("alice", "alice-pw", "GET", "/monitoring/whoami").body ==
               R"({"name":"alice","role":"operator"})");
    BOOST_TEST(as("alice", "alice-pw", "POST", silence).status == 400);  // admitted; no groupKey
    BOOST_TEST(as("bob", "bob-pw", "GET", "/monitoring/alerts/active").status == 200);
    BOOST_TEST(as("bob", "bob-pw", "POST", silence).status == 403);  // unlisted: a viewer
    auto wrong = as("alice", "bob-pw", "GET", "/monitoring/alerts/active");
    BOOST_TEST(wrong.status == 401);
    BOOST_TEST(wrong.headers["www-authenticate"] == "Basic realm=\"stackwatch\"");
    remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(a_bad_tokens_file_is_named_with_its_line) {
    auto dir = make_temp_dir("stackwatch-tokens");
    std::ofstream(dir / "tokens.yml") << "tokens:\n- {name: x, role: superuser, token: t}\n";
    std::ofstream(dir / "ruler.yml") << "rule_files: []\n";
    auto result = run_program(
        {(bin_dir() / "stackwatch-ruler").string(), "--config.file=" + (dir / "ruler.yml").string(),
         "--storage.state-path=", "--web.tokens-file=" + (dir / "tokens.yml").string()});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.output.find("tokens.yml:2") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("unknown role \"superuser\"") != std::string::npos,
               result.output);
    remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
