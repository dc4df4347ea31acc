#include "ruler/errors/sentry_event.hpp"

#include "common/time_format.hpp"
#include "common/uuid.hpp"
#include "ruler/errors/error_json.hpp"

namespace stackwatch::errors {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key)) return "";
    const auto& v = object[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    return "";
}

TimePoint sentry_time(const json& value, TimePoint now) {
    if (value.is_number()) {
        // Seconds the clock cannot hold (milliseconds sent as seconds, 1e300) are no time: their
        // conversion to nanoseconds would overflow.
        std::chrono::duration<double> seconds(value.get<double>());
        const std::chrono::duration<double> limit = Clock::duration::max();
        if (!(seconds < limit && seconds > -limit)) return now;
        return TimePoint(std::chrono::duration_cast<Clock::duration>(seconds));
    }
    if (value.is_string())
        if (auto t = parse_api_time(value.get<std::string>())) return *t;
    return now;
}

// Sentry lists frames oldest first; occurrences keep the most recent call first.
std::vector<Frame> sentry_frames(const json& exception) {
    std::vector<Frame> frames;
    if (!exception.contains("stacktrace") || !exception["stacktrace"].is_object()) return frames;
    const auto& list = exception["stacktrace"].value("frames", json::array());
    if (!list.is_array()) return frames;
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
        if (!it->is_object()) continue;
        Frame frame;
        frame.function = text(*it, "function");
        frame.file = text(*it, "filename");
        if (frame.file.empty()) frame.file = text(*it, "abs_path");
        if (frame.file.empty()) frame.file = text(*it, "module");
        if (it->contains("lineno") && (*it)["lineno"].is_number_integer())
            frame.line = (*it)["lineno"].get<int>();
        frame.in_app = it->value("in_app", true);
        frames.push_back(std::move(frame));
    }
    return frames;
}

std::string sentry_message(const json& event) {
    if (event.contains("message")) {
        const auto& m = event["message"];
        if (m.is_string()) return m.get<std::string>();
        if (auto formatted = text(m, "formatted"); !formatted.empty()) return formatted;
        if (auto message = text(m, "message"); !message.empty()) return message;
    }
    if (auto formatted = text(event.value("logentry", json::object()), "formatted");
        !formatted.empty())
        return formatted;
    return text(event.value("logentry", json::object()), "message");
}

std::string_view line_at(std::string_view body, std::size_t& at) {
    auto end = body.find('\n', at);
    if (end == std::string_view::npos) end = body.size();
    auto line = body.substr(at, end - at);
    at = end + 1;
    return line;
}

}  // namespace

ErrorEvent event_from_sentry(const json& event, TimePoint now) {
    if (!event.is_object()) throw InvalidError("a Sentry event must be a JSON object");
    ErrorEvent out;
    out.id = text(event, "event_id");
    if (out.id.empty()) out.id = random_uuid();
    out.timestamp = sentry_time(event.value("timestamp", json()), now);
    // The last exception is the one raised; those before it are its causes.
    json exception;
    if (event.contains("exception")) {
        const auto& e = event["exception"];
        json values = e.is_object() ? e.value("values", json::array()) : e;
        if (values.is_array() && !values.empty() && values.back().is_object())
            exception = std::move(values.back());
    }
    if (exception.is_object()) {
        out.type = text(exception, "type");
        out.message = text(exception, "value");
        out.frames = sentry_frames(exception);
    }
    if (out.message.empty()) out.message = sentry_message(event);
    if (out.message.empty()) out.message = out.type.empty() ? "(no message)" : out.type;
    if (auto level = normalize_level(text(event, "level")); !level.empty()) out.level = level;
    out.environment = text(event, "environment");
    out.release = text(event, "release");
    const auto user = event.value("user", json::object());
    out.user = text(user, "id");
    if (out.user.empty()) out.user = text(user, "email");
    if (out.user.empty()) out.user = text(user, "username");
    const auto tags = event.value("tags", json::object());
    out.service = text(tags, "service");
    if (event.contains("fingerprint") && event["fingerprint"].is_array())
        for (const auto& part : event["fingerprint"])
            if (part.is_string()) out.fingerprint_parts.push_back(part.get<std::string>());
    for (const char* key : {"tags", "contexts", "request", "extra", "user"})
        if (event.contains(key) && !event[key].is_null()) out.context[key] = event[key];
    for (const char* key : {"server_name", "platform", "logger", "transaction"})
        if (auto value = text(event, key); !value.empty()) out.context[key] = value;
    if (!out.user.empty()) out.context["userId"] = out.user;
    return out;
}

std::vector<ErrorEvent> events_from_envelope(std::string_view body, TimePoint now) {
    std::size_t at = 0;
    json header = json::parse(line_at(body, at), nullptr, false);
    if (header.is_discarded() || !header.is_object())
        throw InvalidError("the envelope's first line is not a JSON header");
    std::vector<ErrorEvent> events;
    for (int item = 1; at < body.size(); ++item) {
        auto item_line = line_at(body, at);
        if (item_line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
        json item_header = json::parse(item_line, nullptr, false);
        const auto where = "envelope item " + std::to_string(item);
        if (item_header.is_discarded() || !item_header.is_object())
            throw InvalidError(where + ": its header is not a JSON object");
        std::string_view payload;
        if (item_header.contains("length")) {
            if (!item_header["length"].is_number_unsigned())
                throw InvalidError(where + ": length must be a whole number");
            auto length = item_header["length"].get<std::size_t>();
            if (at > body.size() || body.size() - at < length)
                throw InvalidError(where + ": payload shorter than its length");
            payload = body.substr(at, length);
            at += length;
            if (at < body.size() && body[at] == '\n') ++at;
        } else {
            payload = at <= body.size() ? line_at(body, at) : std::string_view();
        }
        // Only error events are read; any other type, or one that is no string, is skipped.
        const auto type = item_header.find("type");
        if (type == item_header.end() || !type->is_string() || *type != "event") continue;
        json event = json::parse(payload, nullptr, false);
        if (event.is_discarded()) throw InvalidError(where + ": the event is not valid JSON");
        if (!event.contains("event_id") && header.contains("event_id"))
            event["event_id"] = header["event_id"];
        events.push_back(event_from_sentry(event, now));
    }
    return events;
}

}  // namespace stackwatch::errors
