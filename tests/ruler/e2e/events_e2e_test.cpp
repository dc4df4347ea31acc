// The live event stream of the real binary: server-sent events (a snapshot first, then alert
// transitions and health changes with growing ids; Last-Event-ID resumes without a gap, an id
// that is gone gets a snapshot marked as such) and the same events over a WebSocket, read by a
// real client (Debian's python3-websockets).

#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/http_client.hpp"
#include "common/http_server.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"
#include "tests/support/program.hpp"
#include "tests/support/sse_client.hpp"

using namespace stackwatch;
using namespace stackwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct EventsFixture {
    std::filesystem::path dir = make_temp_dir("stackwatch-events-e2e");
    // A scrape target that is a stackwatch exporter as far as the health check can tell, its
    // detailed health behind a token the scrape config carries.
    http::Server target{{.listen_addresses = {"127.0.0.1:0"}}};
    std::unique_ptr<Program> ruler;

    EventsFixture() {
        target.route("GET", "/metrics",
                     [](const http::Request&) { return http::Response::text("up_gauge 1\n"); });
        target.route("GET", "/health/detailed", [](const http::Request& request) {
            if (request.header("authorization") != "Bearer exporter-secret")
                return http::Response::error(401, "token required");
            return http::Response::json({{"status", "ok"}, {"checks", json::object()}});
        });
        target.start();
        std::ofstream(dir / "tokens.yml") << "tokens:\n"
                                             "- {name: screen, role: viewer, token: view}\n"
                                             "- {name: alice, role: operator, token: op}\n"
                                             "- {name: root, role: admin, token: admin}\n";
        std::ofstream(dir / "ruler.yml")
            << "global: {scrape_interval: 200ms, scrape_timeout: 150ms, evaluation_interval: "
               "200ms}\n"
               "scrape_configs:\n- job_name: exporter\n  static_configs: [{targets: ['127.0.0.1:"
            << target.ports()[0] << "']}]\n  authorization: {credentials: exporter-secret}\n";
        ruler = std::make_unique<Program>(std::vector<std::string>{
            "stackwatch-ruler", "--config.file=" + (dir / "ruler.yml").string(),
            "--storage.state-path=" + (dir / "state.db").string(),
            "--web.tokens-file=" + (dir / "tokens.yml").string(), "--monitor.interval=200ms"});
        ruler->wait_until_serving("/-/healthy");
    }
    ~EventsFixture() {
        ruler.reset();
        remove_dir(dir);
    }
    std::unique_ptr<SseClient> subscribe(const std::string& last_event_id = "") const {
        std::vector<std::string> headers = {"Authorization: Bearer view",
                                            "Accept: text/event-stream"};
        if (!last_event_id.empty()) headers.push_back("Last-Event-ID: " + last_event_id);
        return std::make_unique<SseClient>(ruler->url("/monitoring/events"), headers);
    }
    void post_alert(const std::string& name) const {
        http::ClientRequest r{
            .method = "POST",
            .url = ruler->url("/api/v2/alerts"),
            .body =
                json::array({{{"labels", {{"alertname", name}, {"severity", "page"}}}}}).dump()};
        r.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer op"}};
        BOOST_REQUIRE(http::perform(r).ok());
    }
    std::string alert_id(const std::string& name) const {
        http::ClientRequest r{.url = ruler->url("/monitoring/alerts/active")};
        r.headers = {{"Authorization", "Bearer view"}};
        auto body = json::parse(http::perform(r).body);
        for (const auto& a : body["alerts"])
            if (a["name"] == name) return a["id"];
        return "";
    }
};

bool websockets_available() {
    if (std::system("/usr/bin/python3 -c 'import websockets' 2>/dev/null") == 0) return true;
    BOOST_TEST_MESSAGE("skipped: Debian's python3-websockets is absent");
    return false;
}

std::filesystem::path ws_client_script() {
    const char* source = std::getenv("STACKWATCH_SOURCE_DIR");
    return std::filesystem::path(source ? source : ".") / "tests/support/ws_client.py";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(events_e2e)

BOOST_FIXTURE_TEST_CASE(a_subscriber_gets_a_snapshot_then_transitions_and_health, EventsFixture) {
    auto client = subscribe();
    BOOST_REQUIRE(eventually([&] { return client->find("snapshot").has_value(); }));
    auto snapshot = *client->find("snapshot");
    BOOST_TEST(snapshot.data["reason"] == "initial");
    BOOST_TEST(snapshot.data["alerts"].is_array());
    BOOST_TEST(snapshot.data.contains("metrics"));
    post_alert("ReplicaLag");
    BOOST_REQUIRE(eventually([&] { return client->find("alert", "firing").has_value(); }));
    auto firing = *client->find("alert", "firing");
    BOOST_TEST(firing.data["name"] == "ReplicaLag");
    BOOST_TEST(firing.id > snapshot.id);
    http::ClientRequest ack{
        .method = "POST",
        .url = ruler->url("/monitoring/alerts/" + alert_id("ReplicaLag") + "/acknowledge"),
        .body = R"({"comment": "failing over"})"};
    ack.headers = {{"Authorization", "Bearer op"}};
    BOOST_REQUIRE(http::perform(ack).ok());
    BOOST_REQUIRE(eventually([&] { return client->find("alert", "acknowledged").has_value(); }));
    auto acked = *client->find("alert", "acknowledged");
    BOOST_TEST(acked.data["by"] == "alice");
    BOOST_TEST(acked.data["acknowledgement"]["comment"] == "failing over");
    // The exporter-like target was seen healthy; when it goes away the stream says so.
    BOOST_REQUIRE(eventually([&] {
        for (const auto& e : client->events())
            if (e.type == "health" && e.data["status"] == "ok") return true;
        for (const auto& h : client->find("snapshot")->data["health"])
            if (h["status"] == "ok") return true;
        return false;
    }));
    target.stop();
    BOOST_REQUIRE_MESSAGE(eventually([&] {
                              for (const auto& e : client->events())
                                  if (e.type == "health" && e.data["status"] == "down")
                                      return e.data["previous"] == "ok";
                              return false;
                          }),
                          client->text().substr(0, 4000));
    BOOST_REQUIRE(eventually([&] { return client->find("metrics").has_value(); }));
    BOOST_TEST(client->find("metrics")->data["memory"]["rss_bytes"].get<double>() > 0);
    auto events = client->events();
    for (std::size_t i = 1; i < events.size(); ++i) BOOST_TEST(events[i].id > events[i - 1].id);
}

BOOST_FIXTURE_TEST_CASE(a_rule_that_starts_pending_is_an_event_too, EventsFixture) {
    auto client = subscribe();
    BOOST_REQUIRE(eventually([&] { return client->find("snapshot").has_value(); }));
    // A rule made now, whose condition holds at once: pending for its 10-minute window.
    http::ClientRequest create{.method = "POST",
                               .url = ruler->url("/monitoring/alerts/rules"),
                               .body = R"({"name": "Always Pending", "condition": "vector(1) > 0",
                                           "timeWindow": 10, "severity": "warning"})"};
    create.headers = {{"Authorization", "Bearer admin"}};
    auto created = http::perform(create);
    BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
    BOOST_REQUIRE(eventually([&] { return client->find("alert", "pending").has_value(); }, 20s));
    auto pending = *client->find("alert", "pending");
    BOOST_TEST(pending.data["name"] == "AlwaysPending");
    BOOST_TEST(pending.data["severity"] == "warning");
    BOOST_TEST(pending.data["id"].get<std::string>().starts_with(
        pending.data["fingerprint"].get<std::string>() + "-"));
    BOOST_TEST(pending.data["generatorURL"].get<std::string>().find("vector") != std::string::npos);
    BOOST_TEST(!client->find("alert", "firing"));
}

BOOST_FIXTURE_TEST_CASE(last_event_id_resumes_without_a_gap_or_says_there_was_one, EventsFixture) {
    auto first = subscribe();
    BOOST_REQUIRE(eventually([&] { return first->find("snapshot").has_value(); }));
    post_alert("First");
    BOOST_REQUIRE(eventually([&] { return first->find("alert", "firing").has_value(); }));
    auto seen = first->find("alert", "firing")->id;
    first->close();
    post_alert("Missed");
    auto resumed = subscribe(std::to_string(seen));
    BOOST_REQUIRE(eventually([&] {
        for (const auto& e : resumed->events())
            if (e.type == "alert" && e.data["name"] == "Missed") return true;
        return false;
    }));
    BOOST_TEST(!resumed->find("snapshot"));  // resumed, not restarted
    BOOST_TEST(resumed->events().front().id > seen);
    // An id the journal no longer holds (or never gave) gets a snapshot saying so.
    auto gone = subscribe("1");
    BOOST_REQUIRE(eventually([&] { return gone->find("snapshot").has_value(); }));
    BOOST_TEST(gone->find("snapshot")->data["reason"] == "gap");
    auto anonymous = subscribe();
    (void)anonymous;
    SseClient refused(ruler->url("/monitoring/events"), {});
    BOOST_REQUIRE(eventually([&] { return refused.finished(); }));
    BOOST_TEST(refused.status() == 401);
}

BOOST_FIXTURE_TEST_CASE(the_same_events_reach_a_real_websocket_client, EventsFixture) {
    if (!websockets_available()) return;
    auto ws_url = "ws://127.0.0.1:" + std::to_string(ruler->port()) + "/monitoring/ws";
    auto log = dir / "ws.log";
    auto pid =
        spawn({"/usr/bin/python3", ws_client_script().string(), ws_url, "view"}, {.log_file = log});
    auto lines = [&] {
        std::vector<json> out;
        std::ifstream in(log);
        std::string line;
        while (std::getline(in, line))
            if (line.starts_with("{")) out.push_back(json::parse(line));
        return out;
    };
    auto has = [&](const std::string& type, const std::string& name) {
        for (const auto& m : lines())
            if (m["type"] == type && (name.empty() || m["data"].value("name", "") == name))
                return true;
        return false;
    };
    BOOST_REQUIRE_MESSAGE(eventually([&] { return has("snapshot", ""); }), read_tail(log));
    post_alert("OverWebSocket");
    BOOST_REQUIRE_MESSAGE(eventually([&] { return has("alert", "OverWebSocket"); }),
                          read_tail(log));
    auto messages = lines();
    BOOST_TEST(messages.front()["data"]["reason"] == "initial");
    for (std::size_t i = 1; i < messages.size(); ++i)
        if (messages[i].contains("id") && messages[i - 1].contains("id"))
            BOOST_TEST(messages[i]["id"].get<std::uint64_t>() >
                       messages[i - 1]["id"].get<std::uint64_t>());
    stop_process(pid, SIGTERM, 2s);
    // Without a token the upgrade is refused with 401.
    auto refused_log = dir / "refused.log";
    auto refused =
        spawn({"/usr/bin/python3", ws_client_script().string(), ws_url}, {.log_file = refused_log});
    BOOST_TEST(
        eventually([&] { return read_tail(refused_log).find("refused 401") != std::string::npos; }),
        read_tail(refused_log));
    stop_process(refused, SIGTERM, 2s);
}

BOOST_AUTO_TEST_SUITE_END()
