#pragma once
// The receivers of an Alertmanager configuration: email_configs, slack_configs and
// webhook_configs with Alertmanager's defaults (send_resolved, the default templates) and what
// they take from `global`. Other integrations are kept by name so a file written for
// Alertmanager still loads; stackwatch does not send through them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "ruler/notify/http_config.hpp"
#include "ruler/notify/retry_policy.hpp"

namespace stackwatch::notify {

struct SmtpDefaults {
    std::string from;
    std::string hello = "localhost";
    std::string smarthost;  // host:port
    std::string auth_username;
    std::string auth_password;
    std::string auth_password_file;
    std::string auth_secret;
    std::string auth_identity;
    bool require_tls = true;
};

// What `global` gives every receiver that does not set it.
struct ReceiverDefaults {
    HttpConfig http_config;
    SmtpDefaults smtp;
    std::string slack_api_url;
    std::string slack_api_url_file;
};

struct EmailConfig {
    bool send_resolved = false;
    std::string to;
    std::string from;
    std::string hello;
    std::string smarthost_host;
    std::string smarthost_port;
    std::string auth_username;
    std::string auth_password;
    std::string auth_password_file;
    std::string auth_secret;
    std::string auth_identity;
    std::map<std::string, std::string> headers;  // canonical MIME names, e.g. "Subject"
    std::string html = R"({{ template "email.default.html" . }})";
    std::string text;
    bool require_tls = true;
    TlsConfig tls;
};

struct SlackField {
    std::string title;
    std::string value;
    std::optional<bool> is_short;
};

struct SlackConfirm {
    std::string text;
    std::string title;
    std::string ok_text;
    std::string dismiss_text;
};

struct SlackAction {
    std::string type;
    std::string text;
    std::string url;
    std::string style;
    std::string name;
    std::string value;
    std::optional<SlackConfirm> confirm;
};

struct SlackConfig {
    bool send_resolved = false;
    HttpConfig http_config;
    std::string api_url;
    std::string api_url_file;
    std::string channel;
    std::string username = R"({{ template "slack.default.username" . }})";
    std::string color = R"({{ if eq .Status "firing" }}danger{{ else }}good{{ end }})";
    std::string title = R"({{ template "slack.default.title" . }})";
    std::string title_link = R"({{ template "slack.default.titlelink" . }})";
    std::string pretext = R"({{ template "slack.default.pretext" . }})";
    std::string text = R"({{ template "slack.default.text" . }})";
    std::vector<SlackField> fields;
    bool short_fields = false;
    std::string footer = R"({{ template "slack.default.footer" . }})";
    std::string fallback = R"({{ template "slack.default.fallback" . }})";
    std::string callback_id = R"({{ template "slack.default.callbackid" . }})";
    std::string icon_emoji = R"({{ template "slack.default.iconemoji" . }})";
    std::string icon_url = R"({{ template "slack.default.iconurl" . }})";
    std::string image_url;
    std::string thumb_url;
    bool link_names = false;
    std::vector<std::string> mrkdwn_in;
    std::vector<SlackAction> actions;
};

struct WebhookConfig {
    bool send_resolved = true;
    HttpConfig http_config;
    std::string url;
    std::uint64_t max_alerts = 0;  // 0: all
};

struct ReceiverConfig {
    std::string name;
    std::vector<EmailConfig> email_configs;
    std::vector<SlackConfig> slack_configs;
    std::vector<WebhookConfig> webhook_configs;
    std::vector<std::string> unsupported;  // e.g. "pagerduty_configs", accepted but not sent
    // stackwatch's extensions: the receiver's own retry bounds, and the receiver that gets a
    // notification this one could not deliver (not followed further: no chains).
    RetryOverrides retry;
    std::string fallback_receiver;

    std::size_t integration_count() const;
};

// `global`'s http_config, smtp_* and slack_api_url*. Throws ConfigError.
ReceiverDefaults parse_receiver_defaults(const ConfigNode& global);
// One entry of `receivers`, with what it inherits from `defaults` filled in.
ReceiverConfig parse_receiver(const ConfigNode& node, const ReceiverDefaults& defaults);

}  // namespace stackwatch::notify
