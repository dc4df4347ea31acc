#pragma once
// Occurrences and groups as JSON: reading the runbook's error shape that applications POST (one
// object, an array, or {"errors": [...]}) and writing what the /monitoring/errors API answers.
//
//   {"message": "...", "type": "DatabaseError", "level": "error", "timestamp": "...",
//    "service": "api", "environment": "production", "release": "1.4.2",
//    "stack": "Error: ...\n    at ..." | "frames": [{"function", "file", "line", "inApp"}],
//    "context": {"userId": "u1", "requestId": "req_1", ...}, "fingerprint": ["{{ default }}", "x"],
//    "eventId": "..."}

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ruler/errors/error_event.hpp"

namespace stackwatch::errors {

// A body that is not an error: the reason names the field ("errors[2].level: ...").
class InvalidError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

struct IntakeLimits {
    std::size_t max_batch = 1000;
    std::size_t max_message_bytes = 16 * 1024;
    std::size_t max_stack_bytes = 256 * 1024;
    std::size_t max_frames = 250;
};

// Missing times are `now`; missing ids are made. Throws InvalidError.
std::vector<ErrorEvent> events_from_body(const std::string& body, TimePoint now,
                                         const IntakeLimits& limits = {});
ErrorEvent event_from_json(const nlohmann::json& value, const std::string& where, TimePoint now,
                           const IntakeLimits& limits = {});
// "warn" -> "warning", "critical" -> "fatal"; empty when it is no level.
std::string normalize_level(std::string_view level);

nlohmann::json event_json(const ErrorEvent& event);
// event_json() as the store keeps it; invalid UTF-8 from a sender is replaced, not refused.
std::string event_record(const ErrorEvent& event);
ErrorEvent event_from_record(const nlohmann::json& record);  // what event_json() wrote
nlohmann::json group_json(const ErrorGroup& group);

}  // namespace stackwatch::errors
