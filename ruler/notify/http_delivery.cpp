#include "ruler/notify/http_delivery.hpp"

#include <charconv>

#include "common/redact.hpp"
#include "common/time_format.hpp"
#include "common/version.hpp"

namespace stackwatch::notify {
namespace {

// Retry-After is either seconds or an HTTP date; only the seconds form is common from the
// services we post to, and an unreadable value leaves the backoff in charge.
std::optional<std::chrono::milliseconds> retry_after(
    const std::map<std::string, std::string>& headers) {
    auto found = headers.find("retry-after");
    if (found == headers.end()) return std::nullopt;
    long long seconds = 0;
    auto [end, ec] =
        std::from_chars(found->second.data(), found->second.data() + found->second.size(), seconds);
    if (ec != std::errc() || seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
}

}  // namespace

DeliveryResult post(const HttpPost& request, const HttpConfig& http_config) {
    http::ClientRequest r;
    r.method = "POST";
    r.url = request.url;
    r.body = request.body;
    r.timeout = request.timeout;
    r.max_response_bytes = 1 << 20;
    r.headers = request.headers;
    r.headers.emplace_back("Content-Type", request.content_type);
    r.headers.emplace_back("User-Agent", std::string("stackwatch-ruler/") + kVersion);
    if (!request.idempotency_key.empty())
        r.headers.emplace_back("Idempotency-Key", request.idempotency_key);
    DeliveryResult result;
    try {
        http_config.apply(r);
    } catch (const std::exception& e) {
        result.error = e.what();
        result.retry = true;  // a secret file may be back by the next attempt
        return result;
    }
    auto response = http::perform(r);
    if (response.status == 0 || !response.error.empty()) {
        result.error = response.error.empty() ? "no response" : response.error;
        result.retry = true;
        return result;
    }
    if (response.status >= 200 && response.status < 300) {
        result.ok = true;
        return result;
    }
    std::string excerpt = response.body.substr(0, 200);
    result.error = "unexpected status code " + std::to_string(response.status) +
                   (excerpt.empty() ? "" : ": " + redact(excerpt));
    result.retry = response.status >= 500 || response.status == 429;
    if (result.retry) result.retry_after = retry_after(response.headers);
    return result;
}

}  // namespace stackwatch::notify
