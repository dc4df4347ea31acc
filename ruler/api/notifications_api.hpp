#pragma once
// stackwatch's own view of notification delivery, beside Alertmanager's API: the dead letters
// (notifications that ran out of retries) and the outbox depth.

#include <memory>

#include "common/http_server.hpp"
#include "ruler/notify/notification_manager.hpp"

namespace stackwatch::ruler {

void register_notifications_api(http::Server& server, notify::NotificationManager& manager,
                                std::shared_ptr<const http::Authenticator> token);

}  // namespace stackwatch::ruler
