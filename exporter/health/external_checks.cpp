#include "exporter/health/external_checks.hpp"

#include <algorithm>
#include <cmath>

#include "common/http_client.hpp"
#include "common/redact.hpp"

namespace stackwatch::exporter::health {

nlohmann::json check_external(const ExternalCheck& check, std::chrono::milliseconds budget) {
    http::ClientRequest request;
    request.url = check.url;
    request.timeout = std::max(std::chrono::milliseconds(1), std::min(check.timeout, budget));
    request.verify_tls = check.verify_tls;
    request.max_response_bytes = 1 << 20;
    auto response = http::perform(request);
    nlohmann::json result = {{"name", check.name},
                             {"url", redact(check.url)},
                             {"expected_status", check.expected_status},
                             {"latency_ms", std::round(response.seconds * 1e6) / 1e3}};
    if (!response.error.empty()) {
        result["status"] = "down";
        result["error"] = response.error;
    } else if (response.status != check.expected_status) {
        result["status"] = "down";
        result["http_status"] = response.status;
        result["error"] = "expected HTTP " + std::to_string(check.expected_status) + ", got " +
                          std::to_string(response.status);
    } else {
        result["status"] = "ok";
        result["http_status"] = response.status;
    }
    return result;
}

}  // namespace stackwatch::exporter::health
