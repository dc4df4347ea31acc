#include "ruler/api/monitoring_errors_api.hpp"

#include "common/time_format.hpp"
#include "ruler/api/bad_request.hpp"
#include "ruler/api/request_params.hpp"
#include "ruler/errors/error_json.hpp"

namespace stackwatch::ruler {
namespace {

using errors::Clock;
using nlohmann::json;

constexpr std::size_t kMaxIntakeBytes = 4 << 20;

// A group with its sparkline: occurrences per hour over the last day.
json group_with_sparkline(const errors::ErrorStore& store, const errors::ErrorGroup& group,
                          Clock::time_point now) {
    json out = errors::group_json(group);
    out["sparkline"] = {
        {"stepSeconds", 3600},
        {"start", iso8601_utc_ms(now - std::chrono::hours(24))},
        {"counts", store.counts(group.fingerprint, now, std::chrono::minutes(60), 24)}};
    return out;
}

json count_map(const std::vector<errors::CountByKey>& counts) {
    json out = json::object();
    for (const auto& c : counts) out[c.key] = c.count;
    return out;
}

json stats_json(const errors::ErrorStats& stats) {
    json recent = json::array();
    for (const auto& e : stats.recent) recent.push_back(errors::event_json(e));
    json top = json::array();
    for (const auto& c : stats.by_fingerprint)
        top.push_back({{"fingerprint", c.key}, {"title", c.title}, {"count", c.count}});
    return {{"start", iso8601_utc_ms(stats.from)},
            {"end", iso8601_utc_ms(stats.to)},
            {"totalErrors", stats.total},
            {"errorsByType", count_map(stats.by_type)},
            {"errorsByFingerprint", count_map(stats.by_fingerprint)},
            {"topFingerprints", std::move(top)},
            {"recentErrors", std::move(recent)},
            {"intervals",
             {{"stepSeconds", std::chrono::seconds(stats.step).count()},
              {"counts", stats.per_interval}}}};
}

std::optional<errors::GroupStatus> status_param(const http::Request& request) {
    auto text = request.query_param("status");
    if (!text) return std::nullopt;
    auto status = errors::parse_status(*text);
    if (!status) throw BadRequest("status must be unresolved, resolved or ignored");
    return status;
}

}  // namespace

http::Response intake_response(const errors::IntakeResult& result) {
    if (result.status != errors::IntakeStatus::stored) {
        auto response = http::Response::error(503, result.error);
        response.headers.emplace_back("Retry-After", "5");
        return response;
    }
    return http::Response::json({{"status", "success"},
                                 {"accepted", result.ids.size()},
                                 {"ids", result.ids},
                                 {"fingerprints", result.fingerprints}},
                                202);
}

http::Response intake_refusal(const errors::IngestLimiter::Refusal& refusal) {
    if (!refusal.retry_after) return http::Response::error(413, refusal.reason);
    auto response = http::Response::error(429, refusal.reason);
    response.headers.emplace_back("Retry-After", std::to_string(refusal.retry_after->count()));
    return response;
}

void register_monitoring_errors_api(http::Server& server, errors::ErrorTracker& tracker,
                                    errors::IngestLimiter& limiter,
                                    std::shared_ptr<const http::Authenticator> auth) {
    errors::ErrorTracker* t = &tracker;
    http::RouteOptions read{.auth = auth, .role = http::Role::viewer};
    http::RouteOptions act{.auth = auth, .role = http::Role::operator_, .max_body_bytes = 64 << 10};
    http::RouteOptions intake{
        .auth = auth, .role = http::Role::operator_, .max_body_bytes = kMaxIntakeBytes};

    server.route(
        "POST", "/monitoring/errors",
        [t, &limiter](const http::Request& request) {
            return answer_or_400([&] {
                auto events = errors::events_from_body(request.body, Clock::now());
                if (auto refused = limiter.take(request.caller(), events.size()))
                    return intake_refusal(*refused);
                return intake_response(t->ingest(std::move(events), "api"));
            });
        },
        intake);
    server.route(
        "GET", "/monitoring/errors",
        [t](const http::Request& request) {
            return answer_or_400([&] {
                errors::GroupQuery query;
                if (auto glob = request.query_param("fingerprint"))
                    query.fingerprint.emplace(*glob);
                query.status = status_param(request);
                query.limit = limit_param(request, 100, 1000);
                auto now = Clock::now();
                json groups = json::array();
                for (const auto& g : t->store().groups(query))
                    groups.push_back(group_with_sparkline(t->store(), g, now));
                auto total = groups.size();
                return http::Response::json({{"groups", std::move(groups)}, {"total", total}});
            });
        },
        read);
    // Before {errorId}, which would take "stats" for an id.
    server.route(
        "GET", "/monitoring/errors/stats",
        [t](const http::Request& request) {
            return answer_or_400([&] {
                auto range = time_range(request, std::chrono::hours(24));
                std::optional<errors::Glob> glob;
                if (auto pattern = request.query_param("fingerprint")) glob.emplace(*pattern);
                return http::Response::json(
                    stats_json(t->store().stats(range.start, range.end, glob)));
            });
        },
        read);
    server.route(
        "GET", "/monitoring/errors/{errorId}",
        [t](const http::Request& request) {
            const auto& id = request.path_param("errorId");
            auto event = t->store().event(id);
            if (!event) return http::Response::error(404, "no tracked error with id " + id);
            json out = errors::event_json(*event);
            auto groups = t->store().groups({.fingerprint = errors::Glob(event->fingerprint)});
            out["group"] = groups.empty() ? json(nullptr) : errors::group_json(groups.front());
            return http::Response::json(out);
        },
        read);
    server.route(
        "GET", "/monitoring/errors/fingerprint/{fingerprint}",
        [t](const http::Request& request) {
            return answer_or_400([&] {
                errors::Glob glob(request.path_param("fingerprint"));
                auto limit = limit_param(request, 20, 500);
                auto now = Clock::now();
                auto found = t->store().groups({.fingerprint = glob, .limit = 1000});
                if (found.empty() && glob.literal())
                    return http::Response::error(
                        404, "no tracked error has the fingerprint " + glob.pattern());
                json groups = json::array();
                std::int64_t total = 0;
                for (const auto& g : found) {
                    total += g.count;
                    groups.push_back(group_with_sparkline(t->store(), g, now));
                }
                json events = json::array();
                for (const auto& e : t->store().recent_events(glob, limit))
                    events.push_back(errors::event_json(e));
                return http::Response::json({{"fingerprint", glob.pattern()},
                                             {"totalErrors", total},
                                             {"groups", std::move(groups)},
                                             {"recentErrors", std::move(events)}});
            });
        },
        read);
    server.route(
        "POST", "/monitoring/errors/fingerprint/{fingerprint}/status",
        [t](const http::Request& request) {
            return answer_or_400([&] {
                json body = json::parse(request.body, nullptr, false);
                if (body.is_discarded() || !body.is_object())
                    throw BadRequest(
                        "the body must be a JSON object like {\"status\": \"resolved\"}");
                if (!body.contains("status") || !body["status"].is_string())
                    throw BadRequest("status is required: unresolved, resolved or ignored");
                auto status = errors::parse_status(body["status"].get<std::string>());
                if (!status) throw BadRequest("status must be unresolved, resolved or ignored");
                errors::Glob glob(request.path_param("fingerprint"));
                if (t->store().groups({.fingerprint = glob, .limit = 1}).empty())
                    return http::Response::error(
                        404, "no tracked error has the fingerprint " + glob.pattern());
                json changed = json::array();
                for (const auto& g : t->set_status(glob, *status))
                    changed.push_back(errors::group_json(g));
                return http::Response::json({{"status", "success"}, {"changed", changed}});
            });
        },
        act);
}

}  // namespace stackwatch::ruler
