#pragma once
// The part of Alertmanager's API v2 that Prometheus, vmalert, amtool and Alertmanager's UI
// clients use, in its JSON shapes: alerts (post, list, groups), silences, status, receivers.

#include <memory>

#include "common/http_server.hpp"
#include "ruler/notify/notification_manager.hpp"

namespace stackwatch::ruler {

void register_alertmanager_api(http::Server& server, notify::NotificationManager& manager,
                               std::shared_ptr<const http::Authenticator> token);

}  // namespace stackwatch::ruler
