#pragma once
// stackwatch's own failures as error-tracking events. Like the log, a process-wide sink: the
// places that fail (a collector, a scrape, a delivery, a refused token) report what failed under
// the runbook's fingerprints, and the program decides where reports go (the ruler's error store,
// or the exporter's reporter that posts them to the ruler). Without a sink, a report is dropped:
// the failure has been logged where it happened.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stackwatch {

struct Failure {
    std::string fingerprint;  // "database:connection:refused", "external:http:503", ...
    std::string type;         // the kind of failure: "ConnectionError", "Timeout", ...
    std::string message;
    std::string level = "error";
    nlohmann::json context = nlohmann::json::object();  // target, url, ... (never secrets)
};

using FailureSink = std::function<void(const Failure&)>;

// Thread-safe; an empty sink turns reporting off. The sink must not block: it runs on the thread
// that failed.
void set_failure_sink(FailureSink sink);
void report_failure(const Failure& failure);

// The runbook's fingerprints for what a message from a client library says.
std::string database_failure_fingerprint(std::string_view message);  // database:connection:*...
std::string redis_failure_fingerprint(std::string_view message);     // redis:connection:*...
// An HTTP peer (a scrape target, a remote datasource, a receiver): the status when one came back,
// else what the transport said.
std::string http_failure_fingerprint(int status, std::string_view error);

}  // namespace stackwatch
