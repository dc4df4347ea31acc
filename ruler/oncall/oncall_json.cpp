#include "ruler/oncall/oncall_json.hpp"

#include "common/time_format.hpp"
#include "ruler/promql/labels_json.hpp"

namespace stackwatch::oncall {

using nlohmann::json;

namespace {

json optional_number(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}

json alert_fields(const std::string& id, const notify::Alert& a) {
    return {{"id", id},
            {"fingerprint", notify::fingerprint_text(a.fingerprint())},
            {"name", a.name()},
            {"severity", a.labels.get("severity")},
            {"labels", promql::labels_json(a.labels)},
            {"annotations", a.annotations},
            {"startsAt", iso8601_utc_ms(a.starts_at)},
            {"updatedAt", iso8601_utc_ms(a.updated_at)},
            {"generatorURL", a.generator_url}};
}

}  // namespace

json acknowledgement_json(const Acknowledgement& ack) {
    return {{"by", ack.by},
            {"comment", ack.comment},
            {"at", iso8601_utc_ms(ack.at)},
            {"expiresAt", ack.expires_at ? json(iso8601_utc_ms(*ack.expires_at)) : json(nullptr)}};
}

json active_alert_json(const ActiveAlert& alert) {
    json out = alert_fields(alert.id, *alert.view.alert);
    out["status"] = "firing";
    out["state"] = alert.ack ? "acknowledged" : alert.view.state();
    out["receivers"] = alert.view.receivers;
    out["groupKeys"] = alert.group_keys;
    out["silencedBy"] = alert.view.silenced_by;
    out["inhibitedBy"] = alert.view.inhibited_by;
    out["acknowledged"] = alert.ack.has_value();
    out["acknowledgement"] = alert.ack ? acknowledgement_json(*alert.ack) : json(nullptr);
    out["escalation"] = alert.escalation ? escalation_json(*alert.escalation) : json(nullptr);
    return out;
}

json transition_json(const TransitionEvent& event) {
    json out = alert_fields(event.alert_id, event.alert);
    out["transition"] = transition_name(event.kind);
    out["by"] = event.by;
    if (event.alert.ends_at && event.kind == Transition::resolved)
        out["endsAt"] = iso8601_utc_ms(*event.alert.ends_at);
    if (event.ack) out["acknowledgement"] = acknowledgement_json(*event.ack);
    if (!event.receiver.empty()) out["receiver"] = event.receiver;
    return out;
}

json stats_json(const AlertStats& stats) {
    return {
        {"start", iso8601_utc_ms(stats.from)},
        {"end", iso8601_utc_ms(stats.to)},
        {"total", stats.total},
        {"byState", stats.by_state},
        {"bySeverity", stats.by_severity},
        {"byReceiver", stats.by_receiver},
        {"byRule", stats.by_rule},
        {"acknowledged", stats.acknowledged},
        {"resolvedByHand", stats.resolved_by_hand},
        {"escalations", stats.escalations},
        {"meanTimeToAcknowledgeSeconds", optional_number(stats.mean_time_to_acknowledge_seconds)},
        {"meanTimeToResolveSeconds", optional_number(stats.mean_time_to_resolve_seconds)}};
}

}  // namespace stackwatch::oncall
