#pragma once
// One POST of a rendered notification and what its answer means for the outbox: 2xx delivered,
// 5xx, 429 and network failures worth a retry (Retry-After honoured), any other 4xx final.

#include <chrono>
#include <string>
#include <vector>

#include "ruler/notify/http_config.hpp"
#include "ruler/notify/notifier.hpp"

namespace stackwatch::notify {

struct HttpPost {
    std::string url;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string idempotency_key;
    std::chrono::milliseconds timeout{10000};
};

DeliveryResult post(const HttpPost& request, const HttpConfig& http_config);

}  // namespace stackwatch::notify
