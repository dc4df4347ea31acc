#include "ruler/api/sentry_api.hpp"

#include "common/failure_report.hpp"
#include "common/gzip.hpp"
#include "ruler/api/bad_request.hpp"
#include "ruler/api/monitoring_errors_api.hpp"
#include "ruler/errors/error_json.hpp"
#include "ruler/errors/sentry_event.hpp"

namespace stackwatch::ruler {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCompressedBytes = 4 << 20;
constexpr std::size_t kMaxInflatedBytes = 16 << 20;

// "Sentry sentry_key=abc, sentry_version=7, sentry_client=..." -> "abc".
std::string key_from_auth_header(const std::string& header) {
    auto at = header.find("sentry_key=");
    if (at == std::string::npos) return "";
    at += std::string_view("sentry_key=").size();
    auto end = header.find_first_of(", ", at);
    return header.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::string sentry_key(const http::Request& request) {
    if (auto query = request.query_param("sentry_key")) return *query;
    for (const char* name : {"x-sentry-auth", "authorization"})
        if (auto header = request.header(name))
            if (auto key = key_from_auth_header(*header); !key.empty()) return key;
    return "";
}

std::string body_of(const http::Request& request) {
    auto encoding = request.header("content-encoding").value_or("identity");
    if (encoding == "identity" || encoding.empty()) return request.body;
    if (encoding != "gzip" && encoding != "deflate")
        throw BadRequest("Content-Encoding " + encoding + " is not gzip or deflate");
    auto inflated = inflate_body(request.body, kMaxInflatedBytes);
    if (!inflated)
        throw BadRequest("the " + encoding + " body does not inflate (or is larger than " +
                         std::to_string(kMaxInflatedBytes) + " bytes inflated)");
    return *inflated;
}

http::Handler intake(errors::ErrorTracker& tracker, const errors::SentryProjects& projects,
                     errors::IngestLimiter& limiter, bool envelope) {
    return [&tracker, &projects, &limiter, envelope](const http::Request& request) {
        const auto& id = request.path_param("project");
        auto project = projects.find(id, sentry_key(request));
        if (!project) {
            report_failure(
                {.fingerprint = "auth:sentry:invalid",
                 .type = "AuthenticationError",
                 .message = "Sentry key refused for project " + id,
                 .level = "warning",
                 .context = {{"path", request.path}, {"remoteAddr", request.remote_addr}}});
            return http::Response::error(
                401,
                "no Sentry project " + id + " with this key in error_tracking.sentry_projects");
        }
        return answer_or_400([&] {
            auto body = body_of(request);
            std::vector<errors::ErrorEvent> events;
            auto now = errors::Clock::now();
            if (envelope) {
                events = errors::events_from_envelope(body, now);
            } else {
                json event = json::parse(body, nullptr, false);
                if (event.is_discarded()) throw BadRequest("the body is not valid JSON");
                events.push_back(errors::event_from_sentry(event, now));
            }
            if (events.empty()) return http::Response::json(json::object());  // nothing for us
            if (auto refused = limiter.take("Sentry project " + id, events.size())) {
                auto response = intake_refusal(*refused);
                // What Sentry's SDKs read to hold back: seconds, all categories, this key.
                if (refused->retry_after)
                    response.headers.emplace_back(
                        "X-Sentry-Rate-Limits",
                        std::to_string(refused->retry_after->count()) + "::key");
                return response;
            }
            for (auto& e : events)
                if (e.service.empty()) e.service = project->service;
            auto result = tracker.ingest(std::move(events), "sentry");
            if (result.status != errors::IntakeStatus::stored) return intake_response(result);
            return http::Response::json({{"id", result.ids.front()}});
        });
    };
}

}  // namespace

void register_sentry_api(http::Server& server, errors::ErrorTracker& tracker,
                         const errors::SentryProjects& projects, errors::IngestLimiter& limiter) {
    http::RouteOptions options{.max_body_bytes = kMaxCompressedBytes};
    server.route("POST", "/api/{project}/envelope", intake(tracker, projects, limiter, true),
                 options);
    server.route("POST", "/api/{project}/store", intake(tracker, projects, limiter, false),
                 options);
}

}  // namespace stackwatch::ruler
