// The email and Slack receivers against real servers: Debian's aiosmtpd with STARTTLS and AUTH,
// and a real HTTP server standing in for Slack's incoming webhook.

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "ruler/notify/environment_config.hpp"
#include "ruler/notify/notification_manager.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/smtp_server.hpp"

using namespace stackwatch;
using namespace stackwatch::notify;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct LiveReceivers {
    std::filesystem::path dir = test::make_temp_dir("stackwatch-email");
    prometheus::Registry registry;
    std::unique_ptr<NotificationManager> manager;

    ~LiveReceivers() {
        manager.reset();
        test::remove_dir(dir);
    }
    void start(const std::string& text) {
        manager = std::make_unique<NotificationManager>(
            parse_notify_config(text, (dir / "alertmanager.yml").string()),
            NotifyOptions{
                .state_path = ":memory:",
                .external_url = "http://ruler.example",
                .retry = {.max_attempts = 3, .initial_backoff = 20ms, .max_backoff = 50ms}},
            registry);
    }
    static Alert alert(promql::Labels labels) {
        Alert a;
        a.labels = std::move(labels);
        a.annotations = {{"summary", "the disk is full"}};
        a.starts_at = Clock::now() - 1min;
        a.ends_at = Clock::now() + 1h;
        return a;
    }
};

std::string email_config(const test::SmtpServer& smtp, const std::string& extra = "",
                         const std::string& password = "") {
    return "global:\n  smtp_smarthost: '" + smtp.smarthost() +
           "'\n  smtp_from: 'Alerts <alerts@stackwatch.test>'\n  smtp_auth_username: " +
           smtp.user() + "\n  smtp_auth_password: '" +
           (password.empty() ? smtp.password() : password) +
           "'\nroute: {receiver: mail, group_by: [alertname], group_wait: 0s, group_interval: "
           "200ms}\n"
           "receivers:\n- name: mail\n  email_configs:\n  - to: 'Oncall <oncall@stackwatch.test>, "
           "db@stackwatch.test'\n"
           "    send_resolved: true\n    tls_config: {ca_file: '" +
           smtp.ca_file().string() + "'}\n" + extra;
}

bool smtp_available() {
    if (test::SmtpServer::available()) return true;
    BOOST_TEST_MESSAGE("skipped: /usr/bin/python3 with python3-aiosmtpd is absent");
    return false;
}

// The decoded parts of a multipart message are not needed: quoted-printable keeps ASCII as is.
bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_email_slack)

BOOST_FIXTURE_TEST_CASE(email_goes_through_starttls_and_auth_with_alertmanagers_message,
                        LiveReceivers) {
    if (!smtp_available()) return;
    test::SmtpServer smtp;
    start(email_config(smtp));
    auto disk = alert({{"alertname", "DiskFull"}, {"instance", "db-1"}});
    manager->put({disk});
    BOOST_REQUIRE(smtp.wait_for(1));
    auto mail = smtp.messages().at(0);
    BOOST_TEST(mail.tls);
    BOOST_TEST(mail.authenticated);
    BOOST_TEST(mail.mail_from == "alerts@stackwatch.test");
    BOOST_TEST(mail.rcpt_tos ==
               (std::vector<std::string>{"oncall@stackwatch.test", "db@stackwatch.test"}));
    BOOST_TEST(has(mail.data, "Subject: [FIRING:1] DiskFull (db-1)\r\n"), mail.data);
    BOOST_TEST(has(mail.data, "To: Oncall <oncall@stackwatch.test>, db@stackwatch.test\r\n"));
    BOOST_TEST(has(mail.data, "From: Alerts <alerts@stackwatch.test>\r\n"));
    BOOST_TEST(std::regex_search(mail.data, std::regex("Message-Id: <[0-9]+\\.[0-9]+@[^>]+>\r\n")));
    BOOST_TEST(std::regex_search(
        mail.data, std::regex("Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} ")));
    BOOST_TEST(has(mail.data, "Content-Type: multipart/alternative;  boundary="));
    BOOST_TEST(has(mail.data, "Content-Type: text/html; charset=UTF-8"));
    BOOST_TEST(has(mail.data, "the disk is full"));  // the default HTML template shows annotations
    manager->put({[&] {
        auto resolved = disk;
        resolved.ends_at = Clock::now();
        return resolved;
    }()});
    BOOST_REQUIRE(smtp.wait_for(2));
    BOOST_TEST(has(smtp.messages().at(1).data, "Subject: [RESOLVED] DiskFull (db-1)\r\n"));
}

BOOST_FIXTURE_TEST_CASE(email_headers_text_and_html_come_from_the_templates, LiveReceivers) {
    if (!smtp_available()) return;
    test::SmtpServer smtp;
    start(
        email_config(smtp,
                     "    headers: {subject: 'Störung {{ .CommonLabels.alertname }}', X-Team: db}\n"
                     "    text: '{{ .CommonLabels.alertname }} is {{ .Status }}'\n"
                     "    html: '<b>{{ .CommonAnnotations.summary }}</b> <i>{{ \"<&>\" }}</i>'\n"));
    manager->put({alert({{"alertname", "DiskFull"}})});
    BOOST_REQUIRE(smtp.wait_for(1));
    auto data = smtp.messages().at(0).data;
    BOOST_TEST(has(data, "Subject: =?utf-8?q?St=C3=B6rung_DiskFull?=\r\n"), data);
    BOOST_TEST(has(data, "X-Team: db\r\n"));
    BOOST_TEST(has(data, "Content-Type: text/plain; charset=UTF-8\r\n\r\nDiskFull is firing"));
    // html/template escapes what an action prints.
    BOOST_TEST(has(data, "<b>the disk is full</b> <i>&lt;&amp;&gt;</i>"), data);
}

BOOST_FIXTURE_TEST_CASE(a_wrong_password_is_final_and_a_dead_letter, LiveReceivers) {
    if (!smtp_available()) return;
    test::SmtpServer smtp;
    start(email_config(smtp, "", "wrong"));
    manager->put({alert({{"alertname", "DiskFull"}})});
    BOOST_REQUIRE(test::eventually([&] { return !manager->dead_letters(5).empty(); }));
    auto dead = manager->dead_letters(5).at(0);
    BOOST_TEST(dead.attempts == 1);  // a 535 is not retried
    BOOST_TEST(has(dead.last_error, "reply 535"), dead.last_error);
    BOOST_TEST(!has(dead.last_error, "wrong"));  // no secret in the error
    BOOST_TEST(smtp.messages().empty());
}

BOOST_FIXTURE_TEST_CASE(require_tls_refuses_a_server_without_starttls, LiveReceivers) {
    if (!smtp_available()) return;
    test::SmtpServer smtp(test::SmtpServer::Mode::plain);
    start(email_config(smtp));
    manager->put({alert({{"alertname", "DiskFull"}})});
    BOOST_REQUIRE(test::eventually([&] { return !manager->dead_letters(5).empty(); }));
    BOOST_TEST(smtp.messages().empty());
    // With require_tls off the same server takes it, over plain SMTP.
    manager->reload(parse_notify_config(
        std::regex_replace(email_config(smtp), std::regex("    send_resolved: true\n"),
                           "    send_resolved: true\n    require_tls: false\n"),
        (dir / "alertmanager.yml").string()));
    manager->put({alert({{"alertname", "Other"}})});
    BOOST_REQUIRE(smtp.wait_for(1));
    BOOST_TEST(!smtp.messages().at(0).tls);
}

BOOST_FIXTURE_TEST_CASE(implicit_tls_on_port_465, LiveReceivers) {
    if (!smtp_available()) return;
    std::unique_ptr<test::SmtpServer> smtp;
    try {
        smtp = std::make_unique<test::SmtpServer>(test::SmtpServer::Mode::implicit_tls,
                                                  "alertmanager", "s3cret", 465);
    } catch (const std::exception& e) {
        BOOST_TEST_MESSAGE("skipped: port 465 is not ours to listen on: " << e.what());
        return;
    }
    start(email_config(*smtp));
    manager->put({alert({{"alertname", "DiskFull"}})});
    BOOST_REQUIRE(smtp->wait_for(1));
    BOOST_TEST(smtp->messages().at(0).tls);
}

BOOST_AUTO_TEST_CASE(the_runbooks_environment_becomes_one_email_receiver) {
    std::map<std::string, std::string> env = {{"SMTP_HOST", "smtp.gmail.com"},
                                              {"SMTP_PORT", "587"},
                                              {"SMTP_USER", "alerts@codementor-ai.com"},
                                              {"SMTP_PASS", "app-password"},
                                              {"ALERT_EMAIL", "admin@codementor-ai.com"}};
    auto getenv = [&](const std::string& name) -> std::optional<std::string> {
        auto found = env.find(name);
        return found == env.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    auto config = parse_notify_config(environment_config_text(getenv), "environment");
    const auto& email = config.receivers.at(0).email_configs.at(0);
    BOOST_TEST(email.to == "admin@codementor-ai.com");
    BOOST_TEST(email.smarthost_host == "smtp.gmail.com");
    BOOST_TEST(email.smarthost_port == "587");
    BOOST_TEST(email.auth_username == "alerts@codementor-ai.com");
    BOOST_TEST(email.auth_password == "app-password");
    BOOST_TEST(email.from == "alerts@codementor-ai.com");
    BOOST_TEST(email.require_tls);
    env.clear();
    auto none = parse_notify_config(environment_config_text(getenv), "environment");
    BOOST_TEST(none.receivers.at(0).integration_count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(slack_gets_alertmanagers_attachment, LiveReceivers) {
    test::HttpReceiver slack;
    start("global: {slack_api_url: '" + slack.url("/slack") +
          "'}\nroute: {receiver: chat, group_by: [alertname], group_wait: 0s, group_interval: "
          "200ms}\n"
          "receivers:\n- name: chat\n  slack_configs:\n  - channel: '#alerts'\n    send_resolved: "
          "true\n"
          "    fields: [{title: Instance, value: '{{ .CommonLabels.instance }}'}]\n"
          "    actions: [{type: button, text: Runbook, url: 'http://runbook/{{ "
          ".CommonLabels.alertname }}'}]\n");
    auto disk = alert({{"alertname", "DiskFull"}, {"instance", "db-1"}});
    manager->put({disk});
    BOOST_REQUIRE(slack.wait_for(1));
    auto body = json::parse(slack.requests().at(0).body);
    BOOST_TEST(body["channel"] == "#alerts");
    BOOST_TEST(body["username"] == "Alertmanager");  // slack.default.username
    const auto& a = body["attachments"].at(0);
    BOOST_TEST(a["title"] == "[FIRING:1] DiskFull (db-1)");
    BOOST_TEST(a["color"] == "danger");
    BOOST_TEST(a["mrkdwn_in"] == json({"fallback", "pretext", "text"}));
    BOOST_TEST(a["fields"][0] ==
               json({{"title", "Instance"}, {"value", "db-1"}, {"short", false}}));
    BOOST_TEST(a["actions"][0]["url"] == "http://runbook/DiskFull");
    BOOST_TEST(a["title_link"].get<std::string>().starts_with(
        "http://ruler.example/#/alerts?receiver=chat"));
    BOOST_TEST(!slack.requests().at(0).headers.at("idempotency-key").empty());
    disk.ends_at = Clock::now();
    manager->put({disk});
    BOOST_REQUIRE(slack.wait_for(2));
    BOOST_TEST(json::parse(slack.requests().at(1).body)["attachments"][0]["color"] == "good");
}

BOOST_FIXTURE_TEST_CASE(a_broken_template_still_sends_best_effort_text, LiveReceivers) {
    test::HttpReceiver slack;
    start(
        "route: {receiver: chat, group_wait: 0s}\nreceivers:\n- name: chat\n  slack_configs:\n"
        "  - api_url: '" +
        slack.url("/slack") + "'\n    title: '{{ template \"nope\" . }}'\n");
    manager->put({alert({{"alertname", "DiskFull"}})});
    BOOST_REQUIRE(slack.wait_for(1));
    auto title =
        json::parse(slack.requests().at(0).body)["attachments"][0]["title"].get<std::string>();
    BOOST_TEST(has(title, "error expanding template"), title);
    BOOST_TEST(has(title, "\"nope\" not defined"), title);
}

BOOST_AUTO_TEST_SUITE_END()
