#include "ruler/notify/webhook.hpp"

#include "common/time_format.hpp"
#include "ruler/promql/labels_json.hpp"

namespace stackwatch::notify {
namespace {

using nlohmann::ordered_json;

// Labels are sorted already, so the ordered copy keeps Go's sorted map keys.
ordered_json labels_object(const promql::Labels& labels) {
    return ordered_json(promql::labels_json(labels));
}

ordered_json string_map(const std::map<std::string, std::string>& map) {
    ordered_json out = ordered_json::object();
    for (const auto& [k, v] : map) out[k] = v;
    return out;
}

// regexp.QuoteMeta, which Alertmanager applies to the receiver name in template data.
std::string quote_meta(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (std::string_view(R"(\.+*?()|[]{}^$)").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

ordered_json template_data_json(const NotificationData& data) {
    ordered_json alerts = ordered_json::array();
    for (const auto& a : data.alerts) {
        alerts.push_back({{"status", a.status_at(data.now)},
                          {"labels", labels_object(a.labels)},
                          {"annotations", string_map(a.annotations)},
                          {"startsAt", rfc3339_nano(a.starts_at)},
                          {"endsAt", rfc3339_nano(a.ends_at)},
                          {"generatorURL", a.generator_url},
                          {"fingerprint", fingerprint_text(a.fingerprint())}});
    }
    return {{"receiver", quote_meta(data.receiver)},
            {"status", data.firing() ? "firing" : "resolved"},
            {"alerts", alerts},
            {"groupLabels", labels_object(data.group_labels)},
            {"commonLabels", labels_object(data.common_labels())},
            {"commonAnnotations", string_map(data.common_annotations())},
            {"externalURL", data.external_url}};
}

std::string WebhookNotifier::render(const NotificationData& data) const {
    NotificationData shown = data;
    if (config_.max_alerts != 0 && shown.alerts.size() > config_.max_alerts) {
        shown.truncated = shown.alerts.size() - config_.max_alerts;
        shown.alerts.resize(config_.max_alerts);
    }
    auto message = template_data_json(shown);
    message["version"] = "4";
    message["groupKey"] = shown.group_key;
    message["truncatedAlerts"] = shown.truncated;
    return message.dump();
}

DeliveryResult WebhookNotifier::deliver(const std::string& payload,
                                        const std::string& idempotency_key) const {
    return post({.url = config_.url, .body = payload, .idempotency_key = idempotency_key},
                config_.http_config);
}

}  // namespace stackwatch::notify
