#pragma once
// The runbook's error endpoints: POST /monitoring/errors (operator: one error, a list, or
// {"errors": [...]}), GET /monitoring/errors (groups), /monitoring/errors/stats,
// /monitoring/errors/{errorId}, /monitoring/errors/fingerprint/{fingerprint} ('*' globs)
// (viewer), and POST /monitoring/errors/fingerprint/{fingerprint}/status (operator).

#include <memory>

#include "common/http_server.hpp"
#include "ruler/errors/error_tracker.hpp"

namespace stackwatch::ruler {

void register_monitoring_errors_api(http::Server& server, errors::ErrorTracker& tracker,
                                    std::shared_ptr<const http::Authenticator> auth);

// The answer to an intake: 202 with the ids and fingerprints, or 503 with Retry-After.
http::Response intake_response(const errors::IntakeResult& result);

}  // namespace stackwatch::ruler
