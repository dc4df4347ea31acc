#include "ruler/notify/records.hpp"

#include "ruler/promql/labels_json.hpp"

namespace stackwatch::notify {

using nlohmann::json;

std::int64_t ticks(TimePoint t) {
    return t.time_since_epoch().count();
}

TimePoint from_ticks(std::int64_t v) {
    return TimePoint(Clock::duration(v));
}

json alert_record(const Alert& a) {
    return {{"labels", promql::labels_json(a.labels)},
            {"annotations", a.annotations},
            {"startsAt", ticks(a.starts_at)},
            {"endsAt", a.ends_at ? json(ticks(*a.ends_at)) : json(nullptr)},
            {"generatorURL", a.generator_url},
            {"updatedAt", ticks(a.updated_at)},
            {"timeout", a.timeout},
            {"resolvedByHand", a.resolved_by_hand}};
}

Alert alert_from_record(const json& in) {
    Alert a;
    a.labels = promql::labels_from_json(in.at("labels"));
    a.annotations = in.at("annotations").get<std::map<std::string, std::string>>();
    a.starts_at = from_ticks(in.at("startsAt").get<std::int64_t>());
    if (!in.at("endsAt").is_null()) a.ends_at = from_ticks(in.at("endsAt").get<std::int64_t>());
    a.generator_url = in.at("generatorURL").get<std::string>();
    a.updated_at = from_ticks(in.at("updatedAt").get<std::int64_t>());
    a.timeout = in.at("timeout").get<bool>();
    a.resolved_by_hand = in.value("resolvedByHand", false);
    return a;
}

std::string notification_record(const NotificationData& data) {
    json alerts = json::array();
    for (const auto& a : data.alerts) alerts.push_back(alert_record(a));
    return json{
        {"receiver", data.receiver},   {"groupKey", data.group_key},
        {"alerts", std::move(alerts)}, {"groupLabels", promql::labels_json(data.group_labels)},
        {"now", ticks(data.now)},      {"externalURL", data.external_url},
        {"truncated", data.truncated}}
        .dump();
}

NotificationData notification_from_record(const std::string& record) {
    auto in = json::parse(record);
    NotificationData data;
    data.receiver = in.at("receiver").get<std::string>();
    data.group_key = in.at("groupKey").get<std::string>();
    for (const auto& a : in.at("alerts")) data.alerts.push_back(alert_from_record(a));
    data.group_labels = promql::labels_from_json(in.at("groupLabels"));
    data.now = from_ticks(in.at("now").get<std::int64_t>());
    data.external_url = in.at("externalURL").get<std::string>();
    data.truncated = in.at("truncated").get<std::size_t>();
    return data;
}

}  // namespace stackwatch::notify
