#include "ruler/errors/error_json.hpp"

#include <algorithm>
#include <cctype>

#include "common/time_format.hpp"
#include "common/uuid.hpp"

namespace stackwatch::errors {
namespace {

using nlohmann::json;

const std::vector<std::string_view>& known_fields() {
    static const std::vector<std::string_view> fields = {
        "message", "type",   "level",   "timestamp",   "service", "environment", "release",
        "stack",   "frames", "context", "fingerprint", "eventId", "name"};
    return fields;
}

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
    throw InvalidError(where + ": " + why);
}

std::string text_field(const json& value, const char* name, const std::string& where,
                       std::size_t max_bytes = 1024) {
    if (!value.contains(name) || value[name].is_null()) return "";
    if (!value[name].is_string()) refuse(where + "." + name, "must be a string");
    auto text = value[name].get<std::string>();
    if (text.size() > max_bytes)
        refuse(where + "." + name, "longer than " + std::to_string(max_bytes) + " bytes");
    return text;
}

TimePoint timestamp_field(const json& value, const std::string& where, TimePoint now) {
    if (!value.contains("timestamp") || value["timestamp"].is_null()) return now;
    const auto& t = value["timestamp"];
    // Times the clock's nanoseconds cannot hold (past 2262) are refused like unreadable ones:
    // converting them would overflow.
    constexpr auto kMaxMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration::max()).count();
    const std::chrono::duration<double> limit = Clock::duration::max();
    if (t.is_number_integer() && t.get<std::int64_t>() > 100'000'000'000) {
        if (t.get<std::int64_t>() <= kMaxMs)
            return TimePoint(std::chrono::milliseconds(t.get<std::int64_t>()));  // Date.now()
    } else if (t.is_number()) {
        std::chrono::duration<double> seconds(t.get<double>());
        if (seconds < limit && seconds > -limit)
            return TimePoint(std::chrono::duration_cast<Clock::duration>(seconds));
    } else if (t.is_string()) {
        if (auto parsed = parse_api_time(t.get<std::string>())) return *parsed;
    }
    refuse(where + ".timestamp", "must be RFC 3339 or Unix seconds");
}

std::vector<Frame> frames_field(const json& value, const std::string& where,
                                const IntakeLimits& limits) {
    std::vector<Frame> frames;
    if (!value.contains("frames") || value["frames"].is_null()) return frames;
    const auto& list = value["frames"];
    if (!list.is_array()) refuse(where + ".frames", "must be a list of frames");
    if (list.size() > limits.max_frames)
        refuse(where + ".frames", "more than " + std::to_string(limits.max_frames) + " frames");
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto at = where + ".frames[" + std::to_string(i) + "]";
        if (!list[i].is_object()) refuse(at, "must be an object");
        Frame frame;
        frame.function = text_field(list[i], "function", at);
        frame.file = text_field(list[i], "file", at);
        if (list[i].contains("line") && !list[i]["line"].is_null()) {
            if (!list[i]["line"].is_number_integer()) refuse(at + ".line", "must be an integer");
            frame.line = list[i]["line"].get<int>();
        }
        if (list[i].contains("inApp") && !list[i]["inApp"].is_null()) {
            if (!list[i]["inApp"].is_boolean()) refuse(at + ".inApp", "must be true or false");
            frame.in_app = list[i]["inApp"].get<bool>();
        }
        frames.push_back(std::move(frame));
    }
    return frames;
}

std::vector<std::string> fingerprint_field(const json& value, const std::string& where) {
    if (!value.contains("fingerprint") || value["fingerprint"].is_null()) return {};
    const auto& f = value["fingerprint"];
    if (f.is_string()) return {f.get<std::string>()};
    if (!f.is_array() || f.empty() || f.size() > 16)
        refuse(where + ".fingerprint", "must be a string or a list of 1 to 16 strings");
    std::vector<std::string> parts;
    for (const auto& part : f) {
        if (!part.is_string() || part.get<std::string>().empty() ||
            part.get<std::string>().size() > 200)
            refuse(where + ".fingerprint", "each part must be a string of 1 to 200 bytes");
        parts.push_back(part.get<std::string>());
    }
    return parts;
}

// context.userId as the runbook's logs carry it, or user.id as Sentry's do.
std::string user_of(const json& context) {
    for (const char* key : {"userId", "user_id"})
        if (context.contains(key) && (context[key].is_string() || context[key].is_number()))
            return context[key].is_string() ? context[key].get<std::string>() : context[key].dump();
    return "";
}

}  // namespace

std::string normalize_level(std::string_view level) {
    std::string l(level);
    std::transform(l.begin(), l.end(), l.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (l == "warn") return "warning";
    if (l == "critical" || l == "fatal" || l == "panic") return "fatal";
    if (l == "err") return "error";
    if (l == "fatal" || l == "error" || l == "warning" || l == "info" || l == "debug") return l;
    return "";
}

ErrorEvent event_from_json(const json& value, const std::string& where, TimePoint now,
                           const IntakeLimits& limits) {
    if (!value.is_object()) refuse(where, "an error must be a JSON object");
    ErrorEvent event;
    event.message = text_field(value, "message", where, limits.max_message_bytes);
    if (event.message.empty()) refuse(where + ".message", "is required");
    event.type = text_field(value, "type", where);
    if (event.type.empty()) event.type = text_field(value, "name", where);  // JavaScript's
    if (auto level = text_field(value, "level", where); !level.empty()) {
        event.level = normalize_level(level);
        if (event.level.empty())
            refuse(where + ".level",
                   "\"" + level + "\" is not one of fatal, error, warning, info, debug");
    }
    event.timestamp = timestamp_field(value, where, now);
    event.service = text_field(value, "service", where);
    event.environment = text_field(value, "environment", where);
    event.release = text_field(value, "release", where);
    event.stack = text_field(value, "stack", where, limits.max_stack_bytes);
    event.frames = frames_field(value, where, limits);
    event.fingerprint_parts = fingerprint_field(value, where);
    event.id = text_field(value, "eventId", where, 64);
    if (event.id.empty()) event.id = random_uuid();
    if (value.contains("context") && !value["context"].is_null()) {
        if (!value["context"].is_object()) refuse(where + ".context", "must be an object");
        event.context = value["context"];
    }
    for (const auto& [key, field] : value.items())
        if (std::find(known_fields().begin(), known_fields().end(), key) == known_fields().end())
            event.context["extra"][key] = field;  // kept, not refused: loggers add their own
    event.user = user_of(event.context);
    return event;
}

std::vector<ErrorEvent> events_from_body(const std::string& body, TimePoint now,
                                         const IntakeLimits& limits) {
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded()) throw InvalidError("the body is not valid JSON");
    std::string where = "error";
    if (doc.is_object() && doc.contains("errors")) {
        if (doc.size() != 1) throw InvalidError("a batch has only the key \"errors\"");
        doc = std::move(doc["errors"]);
        where = "errors";
        if (!doc.is_array()) throw InvalidError("errors: must be a list");
    } else if (doc.is_array()) {
        where = "errors";
    }
    std::vector<ErrorEvent> events;
    if (!doc.is_array()) {
        events.push_back(event_from_json(doc, where, now, limits));
        return events;
    }
    if (doc.empty()) throw InvalidError(where + "[]: a batch needs at least one error");
    if (doc.size() > limits.max_batch)
        throw InvalidError("a batch holds at most " + std::to_string(limits.max_batch) +
                           " errors; this one has " + std::to_string(doc.size()));
    for (std::size_t i = 0; i < doc.size(); ++i)
        events.push_back(
            event_from_json(doc[i], where + "[" + std::to_string(i) + "]", now, limits));
    return events;
}

json event_json(const ErrorEvent& event) {
    json frames = json::array();
    for (const auto& f : event.frames)
        frames.push_back(
            {{"function", f.function}, {"file", f.file}, {"line", f.line}, {"inApp", f.in_app}});
    return {{"id", event.id},
            {"fingerprint", event.fingerprint},
            {"title", event.title},
            {"timestamp", iso8601_utc_ms(event.timestamp)},
            {"type", event.type},
            {"message", event.message},
            {"level", event.level},
            {"service", event.service},
            {"environment", event.environment},
            {"release", event.release},
            {"userId", event.user},
            {"frames", std::move(frames)},
            {"stack", event.stack},
            {"context", event.context},
            {"source", event.source}};
}

std::string event_record(const ErrorEvent& event) {
    return event_json(event).dump(-1, ' ', false, json::error_handler_t::replace);
}

ErrorEvent event_from_record(const json& record) {
    ErrorEvent event;
    event.id = record.at("id").get<std::string>();
    event.fingerprint = record.at("fingerprint").get<std::string>();
    event.title = record.at("title").get<std::string>();
    event.timestamp =
        parse_api_time(record.at("timestamp").get<std::string>()).value_or(TimePoint{});
    event.type = record.at("type").get<std::string>();
    event.message = record.at("message").get<std::string>();
    event.level = record.at("level").get<std::string>();
    event.service = record.at("service").get<std::string>();
    event.environment = record.at("environment").get<std::string>();
    event.release = record.at("release").get<std::string>();
    event.user = record.at("userId").get<std::string>();
    for (const auto& f : record.at("frames"))
        event.frames.push_back({f.at("function").get<std::string>(),
                                f.at("file").get<std::string>(), f.at("line").get<int>(),
                                f.at("inApp").get<bool>()});
    event.stack = record.at("stack").get<std::string>();
    event.context = record.at("context");
    event.source = record.at("source").get<std::string>();
    return event;
}

json group_json(const ErrorGroup& group) {
    auto optional_time = [](const std::optional<TimePoint>& t) {
        return t ? json(iso8601_utc_ms(*t)) : json(nullptr);
    };
    return {{"fingerprint", group.fingerprint},
            {"title", group.title},
            {"type", group.type},
            {"level", group.level},
            {"service", group.service},
            {"firstSeen", iso8601_utc_ms(group.first_seen)},
            {"lastSeen", iso8601_utc_ms(group.last_seen)},
            {"count", group.count},
            {"usersAffected", group.users},
            {"status", status_name(group.status)},
            {"resolvedAt", optional_time(group.resolved_at)},
            {"regressed", group.regressed_at.has_value()},
            {"regressedAt", optional_time(group.regressed_at)},
            {"lastEventId", group.last_event_id}};
}

const char* status_name(GroupStatus status) {
    switch (status) {
        case GroupStatus::unresolved:
            return "unresolved";
        case GroupStatus::resolved:
            return "resolved";
        case GroupStatus::ignored:
            return "ignored";
    }
    return "unresolved";
}

std::optional<GroupStatus> parse_status(std::string_view name) {
    if (name == "unresolved") return GroupStatus::unresolved;
    if (name == "resolved") return GroupStatus::resolved;
    if (name == "ignored") return GroupStatus::ignored;
    return std::nullopt;
}

}  // namespace stackwatch::errors
