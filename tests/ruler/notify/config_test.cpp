#include "ruler/notify/config.hpp"

#include <boost/test/unit_test.hpp>

using namespace stackwatch;
using namespace stackwatch::notify;

namespace {

NotifyConfig parse(const std::string& text) {
    return parse_notify_config(text, "/etc/am/alertmanager.yml");
}

// The whole message of the error a configuration gives, "" when it loads.
std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

const char* kMinimal = "route:\n  receiver: team\nreceivers:\n- name: team\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_config)

BOOST_AUTO_TEST_CASE(a_minimal_file_gets_alertmanagers_defaults) {
    auto c = parse(kMinimal);
    BOOST_TEST(c.global.resolve_timeout.count() == 5 * 60 * 1000);
    BOOST_TEST(c.global.receivers.smtp.hello == "localhost");
    BOOST_TEST(c.global.receivers.smtp.require_tls);
    BOOST_TEST(c.route.receiver == "team");
    BOOST_TEST(c.receivers.size() == 1u);
    BOOST_TEST(c.original == kMinimal);
}

BOOST_AUTO_TEST_CASE(receivers_inherit_from_global_and_keep_their_own) {
    auto c = parse(R"(
global:
  smtp_smarthost: 'mail.example.org:587'
  smtp_from: 'am@example.org'
  smtp_auth_username: am
  smtp_auth_password: secret
  smtp_require_tls: false
  slack_api_url: 'https://hooks.slack.com/services/T/B/X'
  http_config:
    basic_auth: {username: u, password: p}
route:
  receiver: all
receivers:
- name: all
  email_configs:
  - to: 'oncall@example.org'
  - to: 'db@example.org'
    smarthost: '[::1]:2525'
    from: db-alerts@example.org
    require_tls: true
    send_resolved: true
    headers: {subject: 'DB {{ .Status }}', x-team: db}
  slack_configs:
  - channel: '#alerts'
  - api_url: 'https://other.example.org/hook'
    http_config: {authorization: {credentials: tok}}
  webhook_configs:
  - url: 'http://127.0.0.1:9999/hook'
    max_alerts: 5
  - url: 'https://hooks.example.org/x'
    send_resolved: false
)");
    const auto& r = c.receivers.at(0);
    BOOST_TEST(r.integration_count() == 6u);
    const auto& inherited = r.email_configs.at(0);
    BOOST_TEST(inherited.smarthost_host == "mail.example.org");
    BOOST_TEST(inherited.smarthost_port == "587");
    BOOST_TEST(inherited.from == "am@example.org");
    BOOST_TEST(inherited.auth_password == "secret");
    BOOST_TEST(!inherited.require_tls);
    BOOST_TEST(!inherited.send_resolved);  // email's default
    BOOST_TEST(inherited.html == R"({{ template "email.default.html" . }})");
    const auto& own = r.email_configs.at(1);
    BOOST_TEST(own.smarthost_host == "::1");
    BOOST_TEST(own.smarthost_port == "2525");
    BOOST_TEST(own.from == "db-alerts@example.org");
    BOOST_TEST(own.require_tls);
    BOOST_TEST(own.headers.at("Subject") == "DB {{ .Status }}");
    BOOST_TEST(own.headers.at("X-Team") == "db");
    BOOST_TEST(r.slack_configs.at(0).api_url == "https://hooks.slack.com/services/T/B/X");
    BOOST_TEST(r.slack_configs.at(0).http_config.auth.basic_auth.has_value());
    BOOST_TEST(r.slack_configs.at(0).channel == "#alerts");
    BOOST_TEST(!r.slack_configs.at(0).send_resolved);  // slack's default
    BOOST_TEST(r.slack_configs.at(1).api_url == "https://other.example.org/hook");
    BOOST_TEST(r.slack_configs.at(1).http_config.auth.authorization.has_value());
    BOOST_TEST(!r.slack_configs.at(1).http_config.auth.basic_auth.has_value());
    BOOST_TEST(r.webhook_configs.at(0).send_resolved);  // webhook's default
    BOOST_TEST(r.webhook_configs.at(0).max_alerts == 5u);
    BOOST_TEST(r.webhook_configs.at(0).http_config.auth.basic_auth->username == "u");
    BOOST_TEST(!r.webhook_configs.at(1).send_resolved);
}

BOOST_AUTO_TEST_CASE(routes_merge_every_matcher_form_and_sort_them) {
    auto c = parse(R"(
route:
  receiver: team
  group_by: ['...']
  routes:
  - receiver: team
    match: {service: db}
    match_re: {env: 'prod|stage'}
    matchers: ['severity=~"page|ticket"', '{a="1", b!="2"}']
    continue: true
    group_by: [alertname, cluster]
    group_wait: 10s
    group_interval: 1m
    repeat_interval: 1h
receivers:
- name: team
)");
    BOOST_TEST(c.route.group_by_all);
    const auto& child = c.route.routes.at(0);
    BOOST_TEST(matchers_string(child.matchers) ==
               R"({a="1",b!="2",env=~"^(?:prod|stage)$",service="db",severity=~"page|ticket"})");
    BOOST_TEST(child.continue_matching);
    BOOST_TEST(child.group_by_set);
    BOOST_TEST(child.group_by.size() == 2u);
    BOOST_TEST(child.group_wait->count() == 10000);
    BOOST_TEST(child.group_interval->count() == 60000);
    BOOST_TEST(child.repeat_interval->count() == 3600000);
}

BOOST_AUTO_TEST_CASE(other_integrations_load_and_are_named_as_unsupported) {
    auto c = parse(R"(
route: {receiver: pager}
receivers:
- name: pager
  pagerduty_configs: [{routing_key: abc}]
  webhook_configs: [{url: 'http://127.0.0.1:1/'}]
)");
    BOOST_TEST(c.receivers.at(0).unsupported == std::vector<std::string>{"pagerduty_configs"});
    BOOST_TEST(c.receivers.at(0).integration_count() == 1u);
}

BOOST_AUTO_TEST_CASE(templates_resolve_against_the_files_directory) {
    auto c = parse(std::string(kMinimal) + "templates: ['tmpl/*.tmpl', '/abs/x.tmpl']\n");
    BOOST_TEST(c.templates.at(0) == "/etc/am/tmpl/*.tmpl");
    BOOST_TEST(c.templates.at(1) == "/abs/x.tmpl");
}

// Each broken file fails with the file, the line, the key and Alertmanager's reason.
BOOST_AUTO_TEST_CASE(errors_name_file_line_key_and_reason) {
    struct Case {
        std::string text;
        std::string expected;  // a part of the message after "alertmanager.yml:"
    };
    const std::vector<Case> cases = {
        {"receivers:\n- name: a\n", "no routes provided"},
        {"route:\n  group_by: [a]\nreceivers:\n- name: a\n",
         "2:3: route: root route must specify a default receiver"},
        {"route:\n  receiver: a\n  routes:\n  - receiver: b\nreceivers:\n- name: a\n",
         "4:15: route.routes[0].receiver: undefined receiver \"b\" used in route"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n- name: a\n",
         "5:9: receivers[1].name: notification config name \"a\" is not unique"},
        {"route:\n  receiver: a\n  matchers: ['x=y']\nreceivers:\n- name: a\n",
         "root route must not have any matchers"},
        {"route:\n  receiver: a\n  continue: true\nreceivers:\n- name: a\n",
         "3:13: route.continue: cannot have continue in root route"},
        {"route:\n  receiver: a\n  routes:\n  - matchers: ['x=\"y']\nreceivers:\n- name: a\n",
         "4:16: route.routes[0].matchers[0]: matcher value contains unescaped"},
        {"route:\n  receiver: a\n  routes:\n  - match_re: {x: '('}\nreceivers:\n- name: a\n",
         "route.routes[0].match_re.x: error parsing regexp"},
        {"route:\n  receiver: a\n  group_by: [a-b]\nreceivers:\n- name: a\n",
         "3:14: route.group_by[0]: invalid label name \"a-b\" in group_by list"},
        {"route:\n  receiver: a\n  group_by: [x, x]\nreceivers:\n- name: a\n",
         "duplicated label \"x\" in group_by"},
        {"route:\n  receiver: a\n  group_by: ['...', x]\nreceivers:\n- name: a\n",
         "cannot have wildcard group_by"},
        {"route:\n  receiver: a\n  group_interval: 0s\nreceivers:\n- name: a\n",
         "group_interval cannot be zero"},
        {"route:\n  receiver: a\n  repeat_interval: 0\nreceivers:\n- name: a\n",
         "repeat_interval cannot be zero"},
        {"route:\n  receiver: a\n  group_wait: soon\nreceivers:\n- name: a\n",
         "route.group_wait: not a valid duration"},
        // stackwatch's extensions are checked like the rest.
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  fallback_receiver: b\n",
         "5:22: receivers[0].fallback_receiver: undefined receiver \"b\" used as "
         "fallback_receiver"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  fallback_receiver: a\n",
         "a receiver cannot be its own fallback_receiver"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  retry: {max_attempts: 0}\n",
         "receivers[0].retry.max_attempts: must be between 1 and 1000"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  retry: {max_age: 0s}\n",
         "receivers[0].retry.max_age: must be greater than 0"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  retry: {initial_backoff: 2m, "
         "max_backoff: 1m}\n",
         "must not be greater than max_backoff"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  retry: {attempts: 3}\n",
         "receivers[0].retry.attempts: unknown field"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\nsilences: []\n",
         "5:1: silences: unknown field"},
        {"route:\n  receiver: a\n  recevier: b\nreceivers:\n- name: a\n",
         "3:3: route.recevier: unknown field"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs: [{send_resolved: "
         "true}]\n",
         "missing URL in webhook config"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs: [{url: 'ftp://x/'}]\n",
         "unsupported scheme \"ftp\" for URL"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs: [{url: 'http:///x'}]\n",
         "missing host for URL"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs: [{smarthost: 'h:25'}]\n",
         "missing to address in email config"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs: [{to: x@y}]\n",
         "no global SMTP smarthost set"},
        {"global: {smtp_smarthost: 'h:25'}\nroute:\n  receiver: a\nreceivers:\n- name: a\n  "
         "email_configs: [{to: x@y}]\n",
         "no global SMTP from set"},
        {"global: {smtp_smarthost: 'h'}\nroute: {receiver: a}\nreceivers: [{name: a}]\n",
         "missing port in address"},
        {"global: {smtp_smarthost: 'h:'}\nroute: {receiver: a}\nreceivers: [{name: a}]\n",
         "port cannot be empty"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs: [{channel: x}]\n",
         "no global Slack API URL set either inline or in a file"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs: [{api_url: 'http://h/', "
         "api_url_file: f}]\n",
         "at most one of api_url & api_url_file must be configured"},
        {"route:\n  receiver: a\n  routes: [{mute_time_intervals: [night]}]\nreceivers:\n- name: "
         "a\n",
         "undefined time interval \"night\" used in route"},
        {"route:\n  receiver: a\n  active_time_intervals: [x]\nreceivers:\n- name: "
         "a\ntime_intervals: [{name: x}]\n",
         "root route must not have any active time intervals"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals: [{name: x}, {name: x}]\n",
         "time interval \"x\" is not unique"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules:\n- equal: ['a-b']\n",
         "\"a-b\" is not a valid label name"},
        {"route:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules:\n- source_match: {'1x': "
         "y}\n",
         "invalid label name \"1x\""},
        {"route:\n  receiver: a\nreceivers:\n- {}\n", "missing name in receiver"},
        {"route: [a]\nreceivers: [{name: a}]\n", "route: must be a mapping"},
        {"route:\n  receiver: a\n  routes: [{receiver: a\n", "invalid YAML"},
    };
    for (const auto& c : cases) {
        auto message = error_of(c.text);
        BOOST_TEST_CONTEXT(c.text) {
            BOOST_TEST(message.starts_with("/etc/am/alertmanager.yml:"));
            BOOST_TEST(message.find(c.expected) != std::string::npos,
                       message << " lacks " << c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(no_environment_expansion_as_in_alertmanager) {
    auto c = parse(
        "route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs:\n"
        "  - api_url: 'http://h/'\n    text: '$${NOT_EXPANDED} ${HOME}'\n");
    BOOST_TEST(c.receivers.at(0).slack_configs.at(0).text == "$${NOT_EXPANDED} ${HOME}");
}

BOOST_AUTO_TEST_SUITE_END()
