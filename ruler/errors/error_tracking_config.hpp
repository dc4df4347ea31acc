#pragma once
// ruler.yml's error_tracking section:
//
//   error_tracking:
//     retention: 30d                    # occurrences, minute counts and idle groups older go
//     max_events_per_fingerprint: 100   # newest occurrences kept per group; counts stay exact
//     max_store_bytes: 1073741824       # past it, intake answers 503 (0: the disk's size)
//     ingest_rate: 1000                 # errors a second one caller may send (0: no limit)...
//     ingest_burst: 10000               # ...and at once; beyond, 429 with Retry-After
//     fingerprint_rules: [...]          # see fingerprint_rules.hpp
//     sentry_projects: [...]            # see sentry_projects.hpp
//     log_files: [...]                  # see log_follower.hpp

#include "common/config.hpp"
#include "ruler/errors/error_store.hpp"
#include "ruler/errors/fingerprint_rules.hpp"
#include "ruler/errors/ingest_limiter.hpp"
#include "ruler/errors/log_follower.hpp"
#include "ruler/errors/sentry_projects.hpp"

namespace stackwatch::errors {

struct ErrorTrackingConfig {
    Duration retention{std::chrono::hours(24 * 30)};
    StoreLimits limits;
    IngestRate ingest;
    FingerprintRules rules;
    std::vector<SentryProject> sentry_projects;
    std::vector<LogFileConfig> log_files;  // relative paths are relative to ruler.yml
};

// Throws ConfigError naming file:line and the key.
ErrorTrackingConfig parse_error_tracking(const ConfigNode& node);

}  // namespace stackwatch::errors
