#pragma once
// The part of Alertmanager's API v2 that Prometheus, vmalert, amtool and Alertmanager's UI
// clients use, in its JSON shapes: alerts (post, list, groups), silences, status, receivers.

#include <memory>
#include <string>
#include <vector>

#include "common/http_server.hpp"
#include "ruler/notify/notification_manager.hpp"

namespace stackwatch::ruler {

// What POST /api/v2/alerts reads from its body: the alerts that are valid, and why the others are
// not ("; " between the reasons). Throws std::invalid_argument when the body is no JSON array.
struct PostedAlerts {
    std::vector<notify::Alert> valid;
    std::string errors;
};
PostedAlerts alerts_from_body(const std::string& body);

// What POST /api/v2/silences reads from its body, matchers sorted, not yet validated. Throws
// std::invalid_argument saying what is wrong.
notify::Silence silence_from_body(const std::string& body);

void register_alertmanager_api(http::Server& server, notify::NotificationManager& manager,
                               std::shared_ptr<const http::Authenticator> token);

}  // namespace stackwatch::ruler
