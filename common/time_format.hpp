#pragma once

#include <chrono>
#include <string>

namespace stackwatch {

// 2024-01-15T10:30:00.000Z: the runbook's timestamp shape, used by logs and JSON APIs alike.
std::string iso8601_utc_ms(std::chrono::system_clock::time_point tp);

}  // namespace stackwatch
