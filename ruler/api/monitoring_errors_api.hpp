#pragma once
// The runbook's error endpoints: POST /monitoring/errors (operator: one error, a list, or
// {"errors": [...]}), GET /monitoring/errors (groups), /monitoring/errors/stats,
// /monitoring/errors/{errorId}, /monitoring/errors/fingerprint/{fingerprint} ('*' globs)
// (viewer), and POST /monitoring/errors/fingerprint/{fingerprint}/status (operator).

#include <memory>

#include "common/http_server.hpp"
#include "ruler/errors/error_tracker.hpp"
#include "ruler/errors/ingest_limiter.hpp"

namespace stackwatch::ruler {

void register_monitoring_errors_api(http::Server& server, errors::ErrorTracker& tracker,
                                    errors::IngestLimiter& limiter,
                                    std::shared_ptr<const http::Authenticator> auth);

// The answer to an intake: 202 with the ids and fingerprints, or 503 with Retry-After.
http::Response intake_response(const errors::IntakeResult& result);
// A caller over its ingest rate: 429 with Retry-After, or 413 for a batch over the burst.
http::Response intake_refusal(const errors::IngestLimiter::Refusal& refusal);

}  // namespace stackwatch::ruler
