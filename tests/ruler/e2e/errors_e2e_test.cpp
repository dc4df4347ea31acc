// Error tracking in the real ruler: errors posted in the runbook's shape, read back by id, by
// fingerprint glob and as statistics; ruler.yml's fingerprint rules and per-group cap; new,
// resolved and regressed groups on the event stream; stackwatch's own failures (a refused token,
// a scrape target that went down) under the runbook's fingerprints; the counter rules alert on;
// refusals with their reason; and nothing lost across a restart.

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/http_client.hpp"
#include "common/http_server.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/program.hpp"
#include "tests/support/ruler_home.hpp"
#include "tests/support/sse_client.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const char* kSentryKey = "0123456789abcdef0123456789abcdef";

std::filesystem::path sentry_tests_dir() {
    const char* source = std::getenv("STACKWATCH_SOURCE_DIR");
    return std::filesystem::path(source ? source : ".") / "tests/sentry";
}

struct ErrorsFixture {
    std::filesystem::path dir = make_temp_dir("stackwatch-errors-e2e");
    http::Server target{{.listen_addresses = {"127.0.0.1:0"}}};
    std::unique_ptr<Program> ruler;

    ErrorsFixture() {
        target.route("GET", "/metrics",
                     [](const http::Request&) { return http::Response::text("up_gauge 1\n"); });
        target.start();
        std::ofstream(dir / "tokens.yml") << "tokens:\n"
                                             "- {name: screen, role: viewer, token: view}\n"
                                             "- {name: app, role: operator, token: op}\n";
        std::ofstream(dir / "ruler.yml")
            << "global: {scrape_interval: 200ms, scrape_timeout: 150ms}\n"
               "scrape_configs:\n- job_name: app\n  static_configs: [{targets: ['127.0.0.1:"
            << target.ports()[0]
            << "']}]\n"
               "error_tracking:\n"
               "  max_events_per_fingerprint: 5\n"
               "  fingerprint_rules:\n"
               "  - match: {message: '*ECONNREFUSED*'}\n"
               "    fingerprint: [database, connection, refused]\n"
               "    title: The database refused a connection\n"
               "  sentry_projects:\n"
               "  - {id: 42, public_key: "
            << kSentryKey << ", service: shop}\n";
        start();
    }
    ~ErrorsFixture() {
        ruler.reset();
        remove_dir(dir);
    }
    void start() { ruler = start_ruler_in(dir); }
    http::ClientResponse call(const std::string& method, const std::string& path,
                              const std::string& body = "", const std::string& token = "op") const {
        return call_with_token(*ruler, method, path, body, token);
    }
    json post(const json& body) const {
        auto response = call("POST", "/monitoring/errors", body.dump());
        BOOST_REQUIRE_MESSAGE(response.status == 202, response.status << " " << response.body);
        return json::parse(response.body);
    }
    json get(const std::string& path) const {
        auto response = call("GET", path, "", "view");
        BOOST_REQUIRE_MESSAGE(response.status == 200,
                              path << ": " << response.status << " " << response.body);
        return json::parse(response.body);
    }
    std::string reason(const http::ClientResponse& response) const {
        return json::parse(response.body).value("error", "");
    }
    std::unique_ptr<SseClient> subscribe() const {
        return std::make_unique<SseClient>(
            ruler->url("/monitoring/events"),
            std::vector<std::string>{"Authorization: Bearer view", "Accept: text/event-stream"});
    }
};

json app_error(const std::string& message, const std::string& user = "") {
    json e = {{"message", message},
              {"type", "TypeError"},
              {"service", "api"},
              {"stack", "TypeError: " + message + "\n    at loadCart (/app/src/cart.js:12:5)"}};
    if (!user.empty()) e["context"] = {{"userId", user}, {"requestId", "req_1"}};
    return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(errors_e2e)

BOOST_FIXTURE_TEST_CASE(posted_errors_are_grouped_and_read_back, ErrorsFixture) {
    auto one = post(app_error("cart 17 is empty", "ann"));
    BOOST_TEST(one["accepted"] == 1);
    auto batch =
        post(json{{"errors",
                   {app_error("cart 18 is empty", "bob"),
                    app_error("cart 19 is empty", "ann"),
                    {{"message", "connect ECONNREFUSED 10.0.0.5:5432"}, {"type", "Error"}}}}});
    BOOST_TEST(batch["accepted"] == 3);
    const std::string cart = one["fingerprints"][0];
    BOOST_TEST(cart.starts_with("TypeError:"));
    BOOST_TEST(batch["fingerprints"][0] == cart);  // the numbers do not split the group
    BOOST_TEST(batch["fingerprints"][2] == "database:connection:refused");  // ruler.yml's rule

    auto by_id = get("/monitoring/errors/" + one["ids"][0].get<std::string>());
    BOOST_TEST(by_id["message"] == "cart 17 is empty");
    BOOST_TEST(by_id["context"]["requestId"] == "req_1");
    BOOST_TEST(by_id["frames"][0]["function"] == "loadCart");
    BOOST_TEST(by_id["group"]["count"] == 3);
    BOOST_TEST(by_id["group"]["usersAffected"] == 2);

    auto group = get("/monitoring/errors/fingerprint/" + cart);
    BOOST_TEST(group["totalErrors"] == 3);
    BOOST_TEST(group["recentErrors"].size() == 3u);
    BOOST_TEST(group["groups"][0]["sparkline"]["counts"].back() == 3);

    auto database = get("/monitoring/errors/fingerprint/database:connection:*");
    BOOST_TEST(database["groups"].size() == 1u);
    BOOST_TEST(database["groups"][0]["title"] == "The database refused a connection");

    auto stats = get("/monitoring/errors/stats");
    BOOST_TEST(stats["totalErrors"].get<int>() >= 4);
    BOOST_TEST(stats["errorsByType"]["TypeError"] == 3);
    BOOST_TEST(stats["errorsByFingerprint"][cart] == 3);
    BOOST_TEST(stats["recentErrors"].size() >= 4u);
    auto only_db = get("/monitoring/errors/stats?fingerprint=database:*");
    BOOST_TEST(only_db["totalErrors"] == 1);
    auto before =
        get("/monitoring/errors/stats?start=2024-01-15T00:00:00Z&end=2024-01-15T23:59:59Z");
    BOOST_TEST(before["totalErrors"] == 0);
}

BOOST_FIXTURE_TEST_CASE(the_cap_keeps_the_newest_and_the_count_stays_exact, ErrorsFixture) {
    json batch = json::array();
    for (int i = 0; i < 8; ++i)
        batch.push_back(app_error("cart " + std::to_string(i) + " is empty"));
    auto posted = post(batch);
    auto group = get("/monitoring/errors/fingerprint/" +
                     posted["fingerprints"][0].get<std::string>() + "?limit=50");
    BOOST_TEST(group["totalErrors"] == 8);
    BOOST_TEST(group["recentErrors"].size() == 5u);
    auto oldest =
        call("GET", "/monitoring/errors/" + posted["ids"][0].get<std::string>(), "", "view");
    BOOST_TEST(oldest.status == 404);
}

BOOST_FIXTURE_TEST_CASE(new_resolved_and_regressed_groups_are_events, ErrorsFixture) {
    auto client = subscribe();
    BOOST_REQUIRE(eventually([&] { return client->find("snapshot").has_value(); }));
    auto fingerprint = post(app_error("cart 1 is empty"))["fingerprints"][0].get<std::string>();
    BOOST_REQUIRE(eventually([&] { return client->find("error", "new").has_value(); }));
    auto opened = *client->find("error", "new");
    BOOST_TEST(opened.data["fingerprint"] == fingerprint);
    BOOST_TEST(opened.data["count"] == 1);

    auto resolved = call("POST", "/monitoring/errors/fingerprint/" + fingerprint + "/status",
                         R"({"status": "resolved"})");
    BOOST_REQUIRE_MESSAGE(resolved.status == 200, resolved.body);
    BOOST_TEST(json::parse(resolved.body)["changed"][0]["status"] == "resolved");
    BOOST_REQUIRE(eventually([&] { return client->find("error", "resolved").has_value(); }));

    post(app_error("cart 2 is empty"));
    BOOST_REQUIRE(eventually([&] { return client->find("error", "regressed").has_value(); }));
    auto regressed = *client->find("error", "regressed");
    BOOST_TEST(regressed.data["status"] == "unresolved");
    BOOST_TEST(regressed.data["regressed"] == true);
    BOOST_TEST(regressed.data["count"] == 2);
    auto unresolved = get("/monitoring/errors?status=unresolved");
    BOOST_TEST(unresolved["groups"][0]["regressed"] == true);
}

BOOST_FIXTURE_TEST_CASE(refusals_say_why, ErrorsFixture) {
    auto invalid = call("POST", "/monitoring/errors", "{not json");
    BOOST_TEST(invalid.status == 400);
    BOOST_TEST(reason(invalid) == "the body is not valid JSON");
    auto missing = call("POST", "/monitoring/errors", R"([{"message": "a"}, {"type": "X"}])");
    BOOST_TEST(missing.status == 400);
    BOOST_TEST(reason(missing) == "errors[1].message: is required");
    auto huge =
        call("POST", "/monitoring/errors", json{{"message", std::string(5 << 20, 'x')}}.dump());
    BOOST_TEST(huge.status == 413);
    BOOST_TEST(reason(huge).find("larger than") != std::string::npos);
    auto viewer = call("POST", "/monitoring/errors", app_error("x").dump(), "view");
    BOOST_TEST(viewer.status == 403);
    BOOST_TEST(call("GET", "/monitoring/errors/no-such-id", "", "view").status == 404);
    BOOST_TEST(call("GET", "/monitoring/errors/fingerprint/no:such", "", "view").status == 404);
    auto status = call("POST", "/monitoring/errors/fingerprint/*/status", R"({"status": "gone"})");
    BOOST_TEST(status.status == 400);
    BOOST_TEST(reason(status) == "status must be unresolved, resolved or ignored");
    auto range = call("GET", "/monitoring/errors/stats?start=soon", "", "view");
    BOOST_TEST(range.status == 400);
    BOOST_TEST(reason(range).find("start must be") == 0u);
}

BOOST_FIXTURE_TEST_CASE(own_failures_are_tracked_under_the_runbooks_fingerprints, ErrorsFixture) {
    auto refused = call("GET", "/monitoring/alerts/active", "", "wrong-token");
    BOOST_TEST(refused.status == 401);
    BOOST_REQUIRE(eventually([&] {
        return call("GET", "/monitoring/errors/fingerprint/auth:token:invalid", "", "view")
                   .status == 200;
    }));
    auto auth = get("/monitoring/errors/fingerprint/auth:*");
    BOOST_TEST(auth["groups"][0]["fingerprint"] == "auth:token:invalid");
    BOOST_TEST(auth["recentErrors"][0]["context"]["path"] == "/monitoring/alerts/active");
    BOOST_TEST(auth["recentErrors"][0]["message"].get<std::string>().find("wrong-token") ==
               std::string::npos);  // never the token itself

    target.stop();  // the scrape target goes away
    BOOST_REQUIRE(eventually(
        [&] {
            return call("GET", "/monitoring/errors/fingerprint/external:connection:refused", "",
                        "view")
                       .status == 200;
        },
        10s));
    auto external = get("/monitoring/errors/fingerprint/external:connection:refused");
    BOOST_TEST(external["groups"][0]["service"] == "stackwatch");
    BOOST_TEST(external["recentErrors"][0]["context"]["job"] == "app");

    // The counter rules alert on.
    auto metrics = call("GET", "/metrics", "", "view");
    BOOST_TEST(
        metrics.body.find(
            R"(stackwatch_errors_total{fingerprint_prefix="auth",type="AuthenticationError"})") !=
        std::string::npos);
    BOOST_TEST(metrics.body.find(R"(fingerprint_prefix="external",type="ScrapeError")") !=
               std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_real_sentry_sdk_reports_by_changing_its_dsn, ErrorsFixture) {
    if (!std::filesystem::exists(sentry_tests_dir() / "node_modules/@sentry/node")) {
        BOOST_TEST_MESSAGE(
            "skipped: tests/sentry/node_modules is absent (scripts/setup runs npm ci)");
        return;
    }
    auto dsn =
        "http://" + std::string(kSentryKey) + "@127.0.0.1:" + std::to_string(ruler->port()) + "/42";
    auto run =
        run_program({"/usr/bin/node", (sentry_tests_dir() / "send_errors.mjs").string(), dsn});
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    auto ids = json::parse(run.output.substr(run.output.rfind('{')));

    // The SDK's ids are 32 hex digits without dashes; they are the occurrences' ids here.
    auto exception = get("/monitoring/errors/" + ids["exception"].get<std::string>());
    BOOST_TEST(exception["type"] == "TypeError");
    BOOST_TEST(exception["message"] == "cart 17 is empty");
    BOOST_TEST(exception["source"] == "sentry");
    BOOST_TEST(exception["service"] == "shop");  // the project's
    BOOST_TEST(exception["environment"] == "production");
    BOOST_TEST(exception["release"] == "shop@1.4.2");
    BOOST_TEST(exception["userId"] == "user-7");
    BOOST_TEST(exception["context"]["tags"]["region"] == "eu");
    BOOST_TEST(exception["frames"][0]["function"] == "loadCart");  // most recent call first
    BOOST_TEST(exception["frames"][0]["inApp"] == true);
    const std::string fingerprint = exception["fingerprint"];
    BOOST_TEST(fingerprint.starts_with("TypeError:"));
    BOOST_TEST(fingerprint.ends_with(":checkout"));  // {{ default }} then the SDK's own part

    auto message = get("/monitoring/errors/" + ids["message"].get<std::string>());
    BOOST_TEST(message["message"] == "payment provider slow");
    BOOST_TEST(message["level"] == "warning");

    // Gzipped by the SDK (its envelope is over 32 KiB), grouped with the first by default.
    auto large = get("/monitoring/errors/" + ids["large"].get<std::string>());
    BOOST_TEST(large["context"]["extra"]["cart"].get<std::string>().size() == 40u * 1024);
    BOOST_TEST(large["message"] == "cart 18 is empty");

    auto wrong = call("POST", "/api/42/envelope/?sentry_key=nope&sentry_version=7", "{}\n");
    BOOST_TEST(wrong.status == 401);
    auto unknown = call("POST", "/api/7/store/?sentry_key=" + std::string(kSentryKey), "{}");
    BOOST_TEST(unknown.status == 401);
    http::ClientRequest broken{.method = "POST",
                               .url = ruler->url("/api/42/envelope/"),
                               .body = "{}\n{\"type\": \"event\", \"length\": 500}\n{}"};
    broken.headers = {
        {"X-Sentry-Auth", "Sentry sentry_key=" + std::string(kSentryKey) + ", sentry_version=7"}};
    auto short_payload = http::perform(broken);
    BOOST_TEST(short_payload.status == 400);
    BOOST_TEST(reason(short_payload) == "envelope item 1: payload shorter than its length");
}

BOOST_FIXTURE_TEST_CASE(a_caller_over_its_ingest_rate_gets_429_and_stores_nothing, ErrorsFixture) {
    ruler.reset();
    std::ofstream(dir / "ruler.yml", std::ios::app) << "  ingest_rate: 0.01\n  ingest_burst: 3\n";
    start();
    post(json{{"errors", {app_error("cart 1 is empty"), app_error("cart 2 is empty")}}});
    auto over =
        call("POST", "/monitoring/errors",
             json{{"errors", {app_error("cart 3 is empty"), app_error("cart 4 is empty")}}}.dump());
    BOOST_TEST(over.status == 429);
    BOOST_TEST(
        reason(over).find("token app sends errors faster than error_tracking.ingest_rate") == 0u,
        reason(over));
    BOOST_TEST(std::stoi(over.headers["retry-after"]) >= 1);
    post(app_error("cart 5 is empty"));  // what is left of the burst
    auto too_big =
        call("POST", "/monitoring/errors",
             json::array({app_error("a"), app_error("b"), app_error("c"), app_error("d")}).dump());
    BOOST_TEST(too_big.status == 413);
    // Nothing of the refused batches was stored.
    BOOST_TEST(get("/monitoring/errors/stats")["totalErrors"] == 3);
    // Sentry SDKs read X-Sentry-Rate-Limits; each project has a bucket of its own.
    http::ClientRequest sentry{.method = "POST",
                               .url = ruler->url("/api/42/store/"),
                               .body = R"({"message": "from sentry", "level": "error"})"};
    sentry.headers = {
        {"X-Sentry-Auth", "Sentry sentry_key=" + std::string(kSentryKey) + ", sentry_version=7"}};
    for (int i = 0; i < 3; ++i) BOOST_TEST(http::perform(sentry).status == 200);
    auto limited = http::perform(sentry);
    BOOST_TEST(limited.status == 429);
    BOOST_TEST(limited.headers["x-sentry-rate-limits"].ends_with("::key"),
               limited.headers["x-sentry-rate-limits"]);
}

BOOST_FIXTURE_TEST_CASE(a_stopped_postgresql_shows_up_within_one_scrape, ErrorsFixture) {
    PostgresServer postgres;  // its own: stopping the shared one would fail other tests
    postgres.start();
    std::ofstream(dir / "op-token") << "op\n";
    Program exporter(
        {"stackwatch-exporter", "--errors.report-url=" + ruler->url("/monitoring/errors"),
         "--errors.report-token-file=" + (dir / "op-token").string()},
        {"DATA_SOURCE_NAME=" + postgres.uri()});
    exporter.wait_until_serving("/health/live");
    auto scrape = [&] { return http::perform({.url = exporter.url("/metrics")}).body; };
    BOOST_TEST(scrape().find("pg_up 1") != std::string::npos);
    BOOST_TEST(get("/monitoring/errors?fingerprint=database:*")["groups"].empty());

    postgres.stop();
    BOOST_TEST(scrape().find("pg_up 0") != std::string::npos);  // the one scrape
    BOOST_REQUIRE(eventually([&] {
        return !get("/monitoring/errors?fingerprint=database:connection:*")["groups"].empty();
    }));
    auto found = get("/monitoring/errors/fingerprint/database:connection:*");
    BOOST_TEST(found["groups"][0]["fingerprint"] == "database:connection:refused");
    BOOST_TEST(found["groups"][0]["service"] == "stackwatch-exporter");
    BOOST_TEST(found["recentErrors"][0]["message"].get<std::string>().find(postgres.password()) ==
               std::string::npos);
    BOOST_TEST(found["recentErrors"][0]["context"]["target"].is_string());
}

BOOST_FIXTURE_TEST_CASE(a_restart_loses_nothing_that_was_accepted, ErrorsFixture) {
    auto posted =
        post(json::array({app_error("cart 1 is empty", "ann"), app_error("cart 2 is empty")}));
    const std::string fingerprint = posted["fingerprints"][0];
    call("POST", "/monitoring/errors/fingerprint/" + fingerprint + "/status",
         R"({"status": "ignored"})");
    ruler->kill_hard();  // no orderly shutdown: what was answered 202 is on disk already
    start();
    auto group = get("/monitoring/errors/fingerprint/" + fingerprint);
    BOOST_TEST(group["totalErrors"] == 2);
    BOOST_TEST(group["groups"][0]["status"] == "ignored");
    BOOST_TEST(group["groups"][0]["usersAffected"] == 1);
    BOOST_TEST(get("/monitoring/errors/" + posted["ids"][1].get<std::string>())["message"] ==
               "cart 2 is empty");
}

BOOST_AUTO_TEST_SUITE_END()
