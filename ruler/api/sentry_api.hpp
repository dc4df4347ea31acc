#pragma once
// Sentry's ingest endpoints, POST /api/{project}/envelope/ and /api/{project}/store/, so an
// application with a Sentry SDK reports to the ruler by pointing its DSN here. The DSN's key
// (X-Sentry-Auth, or ?sentry_key= as the JavaScript SDKs send it) must be the project's key in
// ruler.yml; gzip and deflate bodies are inflated.

#include "common/http_server.hpp"
#include "ruler/errors/error_tracker.hpp"
#include "ruler/errors/ingest_limiter.hpp"
#include "ruler/errors/sentry_projects.hpp"

namespace stackwatch::ruler {

void register_sentry_api(http::Server& server, errors::ErrorTracker& tracker,
                         const errors::SentryProjects& projects, errors::IngestLimiter& limiter);

}  // namespace stackwatch::ruler
