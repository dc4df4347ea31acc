#pragma once
// One occurrence of an error as every source delivers it (the JSON API, Sentry's ingest, a
// followed log file, stackwatch's own failures), and the group of occurrences that share a
// fingerprint.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace stackwatch::errors {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

struct Frame {
    std::string function;
    std::string file;
    int line = 0;
    bool in_app = true;
};

struct ErrorEvent {
    std::string id;  // the sender's event id, else one made on arrival; repeats are ignored
    TimePoint timestamp{};
    std::string type;  // "TypeError", "DatabaseError", ...
    std::string message;
    std::string level = "error";  // fatal, error, warning, info, debug
    std::string service;
    std::string environment;
    std::string release;
    std::string user;           // context.userId (or Sentry's user.id): users affected
    std::vector<Frame> frames;  // most recent call first
    std::string stack;          // the stack as the sender wrote it, when it sent text
    nlohmann::json context = nlohmann::json::object();
    std::string source;  // api, sentry, log, stackwatch
    // The sender's fingerprint parts; "{{ default }}" stands for the default grouping.
    std::vector<std::string> fingerprint_parts;
    std::string fingerprint;  // set on intake
    std::string title;        // set on intake
};

enum class GroupStatus { unresolved, resolved, ignored };
const char* status_name(GroupStatus status);
std::optional<GroupStatus> parse_status(std::string_view name);

struct ErrorGroup {
    std::string fingerprint;
    std::string title;
    std::string type;
    std::string level;
    std::string service;
    TimePoint first_seen{};
    TimePoint last_seen{};
    std::int64_t count = 0;  // exact, also when old occurrences have been dropped
    std::int64_t users = 0;
    GroupStatus status = GroupStatus::unresolved;
    std::optional<TimePoint> resolved_at;
    std::optional<TimePoint> regressed_at;  // a resolved group that came back
    std::string last_event_id;
};

}  // namespace stackwatch::errors
