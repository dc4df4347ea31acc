#pragma once
// The JSON records the state file keeps: alerts as the dispatcher holds them, and the data a
// notification was rendered from (kept with an outbox entry whose receiver has a fallback, so the
// fallback can render it again for its own integrations). Times are system_clock ticks.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ruler/notify/alert.hpp"
#include "ruler/notify/notifier.hpp"

namespace stackwatch::notify {

std::int64_t ticks(TimePoint t);
TimePoint from_ticks(std::int64_t ticks);

nlohmann::json alert_record(const Alert& alert);
Alert alert_from_record(const nlohmann::json& record);  // throws nlohmann::json::exception

std::string notification_record(const NotificationData& data);
NotificationData notification_from_record(const std::string& record);  // throws likewise

}  // namespace stackwatch::notify
