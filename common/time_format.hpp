#pragma once
// Timestamps as text: the runbook's shape for logs and JSON APIs, and RFC 3339 as Go writes and
// reads it, for the Alertmanager API and webhook payloads.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace stackwatch {

// 2024-01-15T10:30:00.000Z: the runbook's timestamp shape, used by logs and JSON APIs alike.
std::string iso8601_utc_ms(std::chrono::system_clock::time_point tp);

// Go's time.RFC3339Nano in UTC, as encoding/json writes a time.Time: trailing zeros of the
// fraction dropped ("2024-01-15T10:30:00.5Z", "2024-01-15T10:30:00Z"). The zero time point of
// Go, 0001-01-01T00:00:00Z, is written for `std::nullopt`.
std::string rfc3339_nano(std::optional<std::chrono::system_clock::time_point> tp);

// RFC 3339 with an optional fraction and a Z or +hh:mm offset. False when the text is not one;
// Go's zero time (year 1, which a time_point cannot hold) is read as std::nullopt.
bool parse_rfc3339(std::string_view text,
                   std::optional<std::chrono::system_clock::time_point>& out);

// A time as Prometheus's API takes one: RFC 3339, or Unix seconds with an optional fraction.
std::optional<std::chrono::system_clock::time_point> parse_api_time(std::string_view text);

}  // namespace stackwatch
