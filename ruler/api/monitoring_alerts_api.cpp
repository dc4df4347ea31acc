#include "ruler/api/monitoring_alerts_api.hpp"

#include <cmath>

#include "common/config.hpp"
#include "common/time_format.hpp"
#include "ruler/api/bad_request.hpp"
#include "ruler/api/request_params.hpp"
#include "ruler/oncall/oncall_json.hpp"

namespace stackwatch::ruler {
namespace {

using nlohmann::json;
using notify::Clock;
using notify::TimePoint;

json body_object(const http::Request& request, std::initializer_list<std::string_view> allowed) {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) throw BadRequest("the body is not valid JSON");
    if (!body.is_object()) throw BadRequest("the body must be a JSON object");
    for (const auto& [key, value] : body.items())
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            throw BadRequest("unknown field \"" + key + "\"");
    return body;
}

std::string string_field(const json& body, const char* name) {
    if (!body.contains(name) || body[name].is_null()) return "";
    if (!body[name].is_string()) throw BadRequest(std::string(name) + " must be a string");
    return body[name].get<std::string>();
}

oncall::AckRequest ack_request(const http::Request& request) {
    auto body = body_object(request, {"by", "comment", "expiresAt", "expiresIn", "groupKey"});
    oncall::AckRequest ack;
    ack.by = string_field(body, "by");
    if (ack.by.empty()) ack.by = request.principal ? request.principal->name : "anonymous";
    ack.comment = string_field(body, "comment");
    auto expires_at = string_field(body, "expiresAt");
    auto expires_in = string_field(body, "expiresIn");
    if (!expires_at.empty() && !expires_in.empty())
        throw BadRequest("give expiresAt or expiresIn, not both");
    if (!expires_at.empty()) {
        ack.expires_at = parse_api_time(expires_at);
        if (!ack.expires_at)
            throw BadRequest("expiresAt must be an RFC 3339 time: \"" + expires_at + "\"");
        if (*ack.expires_at <= Clock::now()) throw BadRequest("expiresAt is in the past");
    }
    if (!expires_in.empty()) {
        auto in = try_parse_duration(expires_in);
        if (!in || in->count() <= 0)
            throw BadRequest("expiresIn must be a positive duration such as 30m: \"" + expires_in +
                             "\"");
        ack.expires_at = Clock::now() + *in;
    }
    return ack;
}

std::string actor(const http::Request& request) {
    return request.principal ? request.principal->name : "anonymous";
}

http::Response not_found(const std::string& id) {
    return http::Response::error(404, "no firing alert with id " + id);
}

std::size_t pending_count(RuleManager& rules) {
    std::size_t pending = 0;
    auto all = rules.alerts_json();
    for (const auto& a : all["alerts"])
        if (a.value("state", "") == "pending") ++pending;
    return pending;
}

}  // namespace

void register_monitoring_alerts_api(http::Server& server, oncall::OnCall& oncall,
                                    RuleManager& rules,
                                    std::shared_ptr<const http::Authenticator> auth) {
    oncall::OnCall* on = &oncall;
    RuleManager* r = &rules;
    http::RouteOptions read{.auth = auth, .role = http::Role::viewer};
    http::RouteOptions act{.auth = auth, .role = http::Role::operator_, .max_body_bytes = 64 << 10};

    server.route(
        "GET", "/monitoring/alerts/active",
        [on](const http::Request&) {
            json alerts = json::array();
            for (const auto& a : on->active()) alerts.push_back(oncall::active_alert_json(a));
            auto total = alerts.size();
            return http::Response::json({{"alerts", std::move(alerts)}, {"total", total}});
        },
        read);
    server.route(
        "GET", "/monitoring/alerts/stats",
        [on, r](const http::Request& request) {
            return answer_or_400([&] {
                auto range = time_range(request, std::chrono::hours(24));
                auto body = oncall::stats_json(on->stats(range.start, range.end));
                body["pending"] = pending_count(*r);
                return http::Response::json(body);
            });
        },
        read);
    // Before the {alertId} routes, which would take "groups" for an id.
    server.route(
        "POST", "/monitoring/alerts/groups/acknowledge",
        [on](const http::Request& request) {
            return answer_or_400([&] {
                auto group_key = string_field(
                    body_object(request, {"by", "comment", "expiresAt", "expiresIn", "groupKey"}),
                    "groupKey");
                if (group_key.empty()) throw BadRequest("groupKey is required");
                auto acked = on->acknowledge_group(group_key, ack_request(request));
                if (acked.empty())
                    return http::Response::error(404, "no firing alert in group " + group_key);
                json alerts = json::array();
                for (const auto& a : acked) alerts.push_back(oncall::active_alert_json(a));
                return http::Response::json({{"groupKey", group_key}, {"alerts", alerts}});
            });
        },
        act);
    server.route(
        "POST", "/monitoring/alerts/{alertId}/acknowledge",
        [on](const http::Request& request) {
            return answer_or_400([&] {
                const auto& id = request.path_param("alertId");
                auto acked = on->acknowledge(id, ack_request(request));
                if (!acked) return not_found(id);
                return http::Response::json(oncall::active_alert_json(*acked));
            });
        },
        act);
    server.route(
        "POST", "/monitoring/alerts/{alertId}/unacknowledge",
        [on](const http::Request& request) {
            return answer_or_400([&] {
                body_object(request, {});
                const auto& id = request.path_param("alertId");
                auto alert = on->unacknowledge(id, actor(request));
                if (!alert) return not_found(id);
                return http::Response::json(oncall::active_alert_json(*alert));
            });
        },
        act);
    server.route(
        "POST", "/monitoring/alerts/{alertId}/resolve",
        [on](const http::Request& request) {
            return answer_or_400([&] {
                body_object(request, {"comment"});
                const auto& id = request.path_param("alertId");
                auto alert = on->resolve(id, actor(request));
                if (!alert) return not_found(id);
                return http::Response::json({{"id", id},
                                             {"status", "resolved"},
                                             {"resolvedBy", actor(request)},
                                             {"endsAt", iso8601_utc_ms(*alert->ends_at)}});
            });
        },
        act);
}

}  // namespace stackwatch::ruler
