#include "ruler/notify/receiver_config.hpp"

#include <cctype>

namespace stackwatch::notify {
namespace {

// Alertmanager's URL type: http or https with a host.
std::string url_field(const ConfigNode& node) {
    std::string url = node.raw_scalar();
    auto scheme_end = url.find("://");
    std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https")
        node.fail("unsupported scheme \"" + scheme + "\" for URL");
    auto host_start = scheme_end + 3;
    auto host_end = url.find_first_of("/?#", host_start);
    if (url.substr(host_start, host_end - host_start).empty()) node.fail("missing host for URL");
    return url;
}

// Go's net.SplitHostPort plus Alertmanager's "port cannot be empty".
std::pair<std::string, std::string> host_port_field(const ConfigNode& node) {
    std::string text = node.raw_scalar();
    if (text.empty()) return {};
    std::string host, port;
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close == std::string::npos) node.fail("address " + text + ": missing ']' in address");
        if (close + 1 >= text.size() || text[close + 1] != ':')
            node.fail("address " + text + ": missing port in address");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos) node.fail("address " + text + ": missing port in address");
        host = text.substr(0, colon);
        if (host.find(':') != std::string::npos)
            node.fail("address " + text + ": too many colons in address");
        port = text.substr(colon + 1);
    }
    if (port.empty()) node.fail("address \"" + text + "\": port cannot be empty");
    return {host, port};
}

// textproto.CanonicalMIMEHeaderKey: "content-type" -> "Content-Type"; names with characters
// outside a token are left as they are.
std::string canonical_header(std::string name) {
    for (unsigned char c : name)
        if (c == ' ' || c >= 0x7F || c < 0x21 || c == ':') return name;
    bool upper = true;
    for (auto& c : name) {
        c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                    : std::tolower(static_cast<unsigned char>(c)));
        upper = c == '-';
    }
    return name;
}

void at_most_one(const ConfigNode& node, const char* a, const char* b) {
    if (node.has(a) && node.has(b))
        node.fail(std::string("at most one of ") + a + " & " + b + " must be configured");
}

HttpConfig http_config_or(const ConfigNode& node, const HttpConfig& fallback) {
    return node.has("http_config") ? parse_http_config(node["http_config"]) : fallback;
}

EmailConfig parse_email(const ConfigNode& node, const SmtpDefaults& smtp) {
    node.allow_keys({"send_resolved", "to", "from", "hello", "smarthost", "auth_username",
                     "auth_password", "auth_password_file", "auth_secret", "auth_identity",
                     "headers", "html", "text", "require_tls", "tls_config"});
    EmailConfig c;
    c.send_resolved = node.get_bool("send_resolved", c.send_resolved);
    c.to = node.get_raw_string("to", "");
    if (c.to.empty()) node.fail("missing to address in email config");
    at_most_one(node, "auth_password", "auth_password_file");
    for (const auto& [name, value] : node["headers"].entries()) {
        auto canonical = canonical_header(name);
        if (c.headers.contains(canonical))
            value.fail("duplicate header \"" + canonical + "\" in email config");
        c.headers[canonical] = value.raw_scalar();
    }
    c.html = node.get_raw_string("html", c.html);
    c.text = node.get_raw_string("text", c.text);
    if (node.has("tls_config")) c.tls = parse_tls_config(node["tls_config"]);

    if (node.has("smarthost"))
        std::tie(c.smarthost_host, c.smarthost_port) = host_port_field(node["smarthost"]);
    if (c.smarthost_host.empty() && c.smarthost_port.empty()) {
        if (smtp.smarthost.empty()) node.fail("no global SMTP smarthost set");
        auto colon = smtp.smarthost.rfind(':');
        c.smarthost_host = smtp.smarthost.substr(0, colon);
        c.smarthost_port = smtp.smarthost.substr(colon + 1);
        if (c.smarthost_host.starts_with('['))
            c.smarthost_host = c.smarthost_host.substr(1, c.smarthost_host.size() - 2);
    }
    c.from = node.get_raw_string("from", smtp.from);
    if (c.from.empty()) node.fail("no global SMTP from set");
    c.hello = node.get_raw_string("hello", smtp.hello);
    c.auth_username = node.get_raw_string("auth_username", smtp.auth_username);
    c.auth_password = node.get_raw_string("auth_password", "");
    c.auth_password_file = node.get_raw_string("auth_password_file", "");
    if (c.auth_password.empty() && c.auth_password_file.empty()) {
        c.auth_password = smtp.auth_password;
        c.auth_password_file = smtp.auth_password_file;
    }
    c.auth_secret = node.get_raw_string("auth_secret", smtp.auth_secret);
    c.auth_identity = node.get_raw_string("auth_identity", smtp.auth_identity);
    c.require_tls = node.get_bool("require_tls", smtp.require_tls);
    return c;
}

SlackField parse_slack_field(const ConfigNode& node) {
    node.allow_keys({"title", "value", "short"});
    SlackField f;
    f.title = node.get_raw_string("title", "");
    f.value = node.get_raw_string("value", "");
    if (node.has("short")) f.is_short = node["short"].as_bool();
    if (f.title.empty()) node.fail("missing title in Slack field configuration");
    if (f.value.empty()) node.fail("missing value in Slack field configuration");
    return f;
}

SlackAction parse_slack_action(const ConfigNode& node) {
    node.allow_keys({"type", "text", "url", "style", "name", "value", "confirm"});
    SlackAction a;
    a.type = node.get_raw_string("type", "");
    a.text = node.get_raw_string("text", "");
    a.url = node.get_raw_string("url", "");
    a.style = node.get_raw_string("style", "");
    a.name = node.get_raw_string("name", "");
    a.value = node.get_raw_string("value", "");
    if (auto confirm = node["confirm"]; confirm.defined()) {
        confirm.allow_keys({"text", "title", "ok_text", "dismiss_text"});
        a.confirm = SlackConfirm{
            confirm.get_raw_string("text", ""), confirm.get_raw_string("title", ""),
            confirm.get_raw_string("ok_text", ""), confirm.get_raw_string("dismiss_text", "")};
        if (a.confirm->text.empty())
            confirm.fail("missing text in Slack confirmation configuration");
    }
    if (a.type.empty()) node.fail("missing type in Slack action configuration");
    if (a.text.empty()) node.fail("missing text in Slack action configuration");
    // A URL button carries no name, value or confirmation; Alertmanager drops them.
    if (!a.url.empty()) {
        a.name.clear();
        a.value.clear();
        a.confirm.reset();
    } else if (a.name.empty()) {
        node.fail("missing name or url in Slack action configuration");
    }
    return a;
}

SlackConfig parse_slack(const ConfigNode& node, const ReceiverDefaults& defaults) {
    node.allow_keys({"send_resolved", "http_config", "api_url",      "api_url_file", "channel",
                     "username",      "color",       "title",        "title_link",   "pretext",
                     "text",          "fields",      "short_fields", "footer",       "fallback",
                     "callback_id",   "icon_emoji",  "icon_url",     "image_url",    "thumb_url",
                     "link_names",    "mrkdwn_in",   "actions"});
    SlackConfig c;
    c.send_resolved = node.get_bool("send_resolved", c.send_resolved);
    c.http_config = http_config_or(node, defaults.http_config);
    at_most_one(node, "api_url", "api_url_file");
    if (node.has("api_url")) c.api_url = url_field(node["api_url"]);
    c.api_url_file = node.get_raw_string("api_url_file", "");
    if (c.api_url.empty() && c.api_url_file.empty()) {
        if (defaults.slack_api_url.empty() && defaults.slack_api_url_file.empty())
            node.fail("no global Slack API URL set either inline or in a file");
        c.api_url = defaults.slack_api_url;
        c.api_url_file = defaults.slack_api_url_file;
    }
    for (auto [key, target] : std::initializer_list<std::pair<const char*, std::string*>>{
             {"channel", &c.channel},
             {"username", &c.username},
             {"color", &c.color},
             {"title", &c.title},
             {"title_link", &c.title_link},
             {"pretext", &c.pretext},
             {"text", &c.text},
             {"footer", &c.footer},
             {"fallback", &c.fallback},
             {"callback_id", &c.callback_id},
             {"icon_emoji", &c.icon_emoji},
             {"icon_url", &c.icon_url},
             {"image_url", &c.image_url},
             {"thumb_url", &c.thumb_url}})
        *target = node.get_raw_string(key, *target);
    for (const auto& field : node["fields"].items()) c.fields.push_back(parse_slack_field(field));
    for (const auto& action : node["actions"].items())
        c.actions.push_back(parse_slack_action(action));
    c.short_fields = node.get_bool("short_fields", false);
    c.link_names = node.get_bool("link_names", false);
    if (node.has("mrkdwn_in")) c.mrkdwn_in = node["mrkdwn_in"].as_raw_string_list();
    return c;
}

WebhookConfig parse_webhook(const ConfigNode& node, const ReceiverDefaults& defaults) {
    node.allow_keys({"send_resolved", "http_config", "url", "max_alerts"});
    WebhookConfig c;
    c.send_resolved = node.get_bool("send_resolved", c.send_resolved);
    c.http_config = http_config_or(node, defaults.http_config);
    if (!node.has("url")) node.fail("missing URL in webhook config");
    c.url = url_field(node["url"]);
    if (node.has("max_alerts")) {
        auto max = node["max_alerts"].as_int();
        if (max < 0) node["max_alerts"].fail("must not be negative");
        c.max_alerts = static_cast<std::uint64_t>(max);
    }
    return c;
}

}  // namespace

std::size_t ReceiverConfig::integration_count() const {
    return email_configs.size() + slack_configs.size() + webhook_configs.size();
}

ReceiverDefaults parse_receiver_defaults(const ConfigNode& global) {
    ReceiverDefaults d;
    if (!global.defined()) return d;
    if (global.has("http_config")) d.http_config = parse_http_config(global["http_config"]);
    at_most_one(global, "slack_api_url", "slack_api_url_file");
    at_most_one(global, "smtp_auth_password", "smtp_auth_password_file");
    if (global.has("slack_api_url")) d.slack_api_url = url_field(global["slack_api_url"]);
    d.slack_api_url_file = global.get_raw_string("slack_api_url_file", "");
    auto& smtp = d.smtp;
    smtp.from = global.get_raw_string("smtp_from", "");
    smtp.hello = global.get_raw_string("smtp_hello", smtp.hello);
    if (global.has("smtp_smarthost")) {
        auto [host, port] = host_port_field(global["smtp_smarthost"]);
        if (!host.empty() || !port.empty())
            smtp.smarthost =
                (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
    }
    smtp.auth_username = global.get_raw_string("smtp_auth_username", "");
    smtp.auth_password = global.get_raw_string("smtp_auth_password", "");
    smtp.auth_password_file = global.get_raw_string("smtp_auth_password_file", "");
    smtp.auth_secret = global.get_raw_string("smtp_auth_secret", "");
    smtp.auth_identity = global.get_raw_string("smtp_auth_identity", "");
    smtp.require_tls = global.get_bool("smtp_require_tls", smtp.require_tls);
    return d;
}

namespace {

RetryOverrides parse_retry(const ConfigNode& node) {
    RetryOverrides retry;
    if (!node.defined()) return retry;
    node.require_map();
    node.allow_keys({"max_attempts", "max_age", "initial_backoff", "max_backoff"});
    auto positive = [&](const char* key) -> std::optional<std::chrono::milliseconds> {
        if (!node.has(key)) return std::nullopt;
        auto value = std::chrono::duration_cast<std::chrono::milliseconds>(node[key].as_duration());
        if (value <= std::chrono::milliseconds::zero()) node[key].fail("must be greater than 0");
        return value;
    };
    if (node.has("max_attempts")) {
        auto attempts = node["max_attempts"].as_int();
        if (attempts < 1 || attempts > 1000)
            node["max_attempts"].fail("must be between 1 and 1000");
        retry.max_attempts = static_cast<int>(attempts);
    }
    retry.max_age = positive("max_age");
    retry.initial_backoff = positive("initial_backoff");
    retry.max_backoff = positive("max_backoff");
    if (retry.initial_backoff && retry.max_backoff && *retry.initial_backoff > *retry.max_backoff)
        node["initial_backoff"].fail("must not be greater than max_backoff");
    return retry;
}

}  // namespace

ReceiverConfig parse_receiver(const ConfigNode& node, const ReceiverDefaults& defaults) {
    static constexpr const char* kOtherIntegrations[] = {
        "discord_configs", "pagerduty_configs", "opsgenie_configs",
        "wechat_configs",  "pushover_configs",  "victorops_configs",
        "sns_configs",     "telegram_configs",  "webex_configs"};
    node.allow_keys({"name", "email_configs", "slack_configs", "webhook_configs", "discord_configs",
                     "pagerduty_configs", "opsgenie_configs", "wechat_configs", "pushover_configs",
                     "victorops_configs", "sns_configs", "telegram_configs", "webex_configs",
                     "retry", "fallback_receiver"});
    ReceiverConfig r;
    r.name = node.get_raw_string("name", "");
    if (r.name.empty()) node.fail("missing name in receiver");
    for (const auto& item : node["email_configs"].items())
        r.email_configs.push_back(parse_email(item, defaults.smtp));
    for (const auto& item : node["slack_configs"].items())
        r.slack_configs.push_back(parse_slack(item, defaults));
    for (const auto& item : node["webhook_configs"].items())
        r.webhook_configs.push_back(parse_webhook(item, defaults));
    for (const char* other : kOtherIntegrations)
        if (!node[other].items().empty()) r.unsupported.push_back(other);
    r.retry = parse_retry(node["retry"]);
    r.fallback_receiver = node.get_raw_string("fallback_receiver", "");
    if (r.fallback_receiver == r.name)
        node["fallback_receiver"].fail("a receiver cannot be its own fallback_receiver");
    return r;
}

}  // namespace stackwatch::notify
