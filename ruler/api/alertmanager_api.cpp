#include "ruler/api/alertmanager_api.hpp"

#include <re2/re2.h>

#include <algorithm>

#include "common/time_format.hpp"
#include "common/version.hpp"
#include "ruler/promql/labels_json.hpp"

namespace stackwatch::ruler {
namespace {

using nlohmann::json;
using namespace notify;

// Alertmanager answers a bad request with the reason as a JSON string.
http::Response bad_request(const std::string& reason) {
    return http::Response::json(json(reason), 400);
}

// Answers with what `parse` reads from the request, or 400 with why it could not be read.
template <typename Parse, typename Answer>
http::Response answer_parsed(const http::Request& request, Parse parse, Answer answer) {
    std::invoke_result_t<Parse, const http::Request&> input;
    try {
        input = parse(request);
    } catch (const std::exception& e) {
        return bad_request(e.what());
    }
    return answer(input);
}

std::string api_time(TimePoint t) {
    return iso8601_utc_ms(t);
}

json alert_json(const AlertView& view) {
    json receivers = json::array();
    for (const auto& r : view.receivers) receivers.push_back({{"name", r}});
    const auto& a = *view.alert;
    return {{"annotations", a.annotations},
            {"endsAt", a.ends_at ? api_time(*a.ends_at) : rfc3339_nano(std::nullopt)},
            {"fingerprint", fingerprint_text(a.fingerprint())},
            {"receivers", receivers},
            {"startsAt", api_time(a.starts_at)},
            {"status",
             {{"inhibitedBy", view.inhibited_by},
              {"silencedBy", view.silenced_by},
              {"state", view.state()}}},
            {"updatedAt", api_time(a.updated_at)},
            {"generatorURL", a.generator_url},
            {"labels", promql::labels_json(a.labels)}};
}

json matcher_json(const Matcher& m) {
    bool is_regex = m.type() == MatchType::regex || m.type() == MatchType::not_regex;
    bool is_equal = m.type() == MatchType::equal || m.type() == MatchType::regex;
    return {{"isEqual", is_equal}, {"isRegex", is_regex}, {"name", m.name()}, {"value", m.value()}};
}

json silence_json(const Silence& s, TimePoint now) {
    json matchers = json::array();
    for (const auto& m : s.matchers) matchers.push_back(matcher_json(m));
    return {{"id", s.id},
            {"status", {{"state", silence_state_name(s.state_at(now))}}},
            {"updatedAt", api_time(s.updated_at)},
            {"comment", s.comment},
            {"createdBy", s.created_by},
            {"endsAt", api_time(s.ends_at)},
            {"matchers", matchers},
            {"startsAt", api_time(s.starts_at)}};
}

// A required or optional date-time field; throws std::invalid_argument naming it.
std::optional<TimePoint> time_field(const json& object, const char* name, bool required) {
    if (!object.contains(name) || object[name].is_null()) {
        if (required) throw std::invalid_argument(std::string(name) + " in body is required");
        return std::nullopt;
    }
    std::optional<TimePoint> t;
    if (!object[name].is_string() || !parse_rfc3339(object[name].get<std::string>(), t))
        throw std::invalid_argument(std::string(name) +
                                    " in body must be of type date-time: " + object[name].dump());
    return t;
}

Alert alert_from_json(const json& in) {
    if (!in.is_object()) throw std::invalid_argument("an alert must be a JSON object");
    if (!in.contains("labels") || !in["labels"].is_object())
        throw std::invalid_argument("labels in body is required");
    Alert a;
    std::vector<promql::Label> labels;
    for (const auto& [name, value] : in["labels"].items()) {
        if (!value.is_string()) throw std::invalid_argument("label " + name + " must be a string");
        if (!promql::is_valid_label_name(name))
            throw std::invalid_argument("invalid label set: invalid name \"" + name + "\"");
        labels.push_back({name, value.get<std::string>()});
    }
    a.labels =
        promql::Labels(std::move(labels));  // empty values drop out, as removeEmptyLabels does
    if (a.labels.empty()) throw std::invalid_argument("at least one label pair required");
    if (in.contains("annotations") && !in["annotations"].is_null()) {
        if (!in["annotations"].is_object())
            throw std::invalid_argument("annotations must be an object");
        for (const auto& [name, value] : in["annotations"].items()) {
            if (!value.is_string())
                throw std::invalid_argument("annotation " + name + " must be a string");
            a.annotations[name] = value.get<std::string>();
        }
    }
    if (auto starts = time_field(in, "startsAt", false)) a.starts_at = *starts;
    a.ends_at = time_field(in, "endsAt", false);
    if (a.starts_at != TimePoint{} && a.ends_at && *a.ends_at < a.starts_at)
        throw std::invalid_argument("start time must be before end time");
    if (in.contains("generatorURL") && in["generatorURL"].is_string())
        a.generator_url = in["generatorURL"];
    return a;
}

Matcher matcher_from_json(const json& in) {
    if (!in.is_object() || !in.contains("name") || !in["name"].is_string() ||
        !in.contains("value") || !in["value"].is_string() || !in.contains("isRegex") ||
        !in["isRegex"].is_boolean())
        throw std::invalid_argument("a matcher needs name, value and isRegex");
    bool is_regex = in["isRegex"].get<bool>();
    bool is_equal = !in.contains("isEqual") || in["isEqual"].is_null() || in["isEqual"].get<bool>();
    auto name = in["name"].get<std::string>();
    if (!promql::is_valid_label_name(name))
        throw std::invalid_argument("invalid label name \"" + name + "\"");
    auto type = is_regex ? (is_equal ? MatchType::regex : MatchType::not_regex)
                         : (is_equal ? MatchType::equal : MatchType::not_equal);
    return Matcher(type, name, in["value"].get<std::string>());
}

// filter= parameters in amtool's matcher syntax; throws MatcherError.
Matchers filters(const http::Request& request) {
    Matchers out;
    for (const auto& [key, value] : http::parse_query(request.query_string))
        if (key == "filter") out.push_back(parse_matcher(value));
    return out;
}

bool flag(const http::Request& request, const char* name, bool fallback) {
    auto value = request.query_param(name);
    if (!value) return fallback;
    return *value == "true" || *value == "1";
}

struct AlertQuery {
    bool active = true, silenced = true, inhibited = true, unprocessed = true;
    Matchers matchers;
    std::unique_ptr<RE2> receiver;
};

AlertQuery alert_query(const http::Request& request) {
    AlertQuery q{flag(request, "active", true),
                 flag(request, "silenced", true),
                 flag(request, "inhibited", true),
                 flag(request, "unprocessed", true),
                 filters(request),
                 nullptr};
    if (auto receiver = request.query_param("receiver"); receiver && !receiver->empty()) {
        q.receiver = std::make_unique<RE2>("^(?:" + *receiver + ")$", RE2::Quiet);
        if (!q.receiver->ok())
            throw MatcherError("failed to parse receiver param: " + q.receiver->error());
    }
    return q;
}

bool selected(const AlertQuery& q, const AlertView& view) {
    if (q.receiver &&
        std::none_of(view.receivers.begin(), view.receivers.end(),
                     [&](const std::string& r) { return RE2::FullMatch(r, *q.receiver); }))
        return false;
    if (!matches_all(q.matchers, view.alert->labels)) return false;
    if (!q.active && view.state() == std::string_view("active")) return false;
    if (!q.silenced && !view.silenced_by.empty()) return false;
    if (!q.inhibited && !view.inhibited_by.empty()) return false;
    return true;
}

// Alertmanager's order of the silence list: active by end, pending by start, expired latest first.
void sort_silences(std::vector<Silence>& silences, TimePoint now) {
    std::stable_sort(silences.begin(), silences.end(), [now](const Silence& a, const Silence& b) {
        auto sa = a.state_at(now), sb = b.state_at(now);
        if (sa != sb) {
            static constexpr int kRank[] = {1, 0, 2};  // pending, active, expired
            return kRank[static_cast<int>(sa)] < kRank[static_cast<int>(sb)];
        }
        if (sa == SilenceState::active) return a.ends_at < b.ends_at;
        if (sa == SilenceState::pending) return a.starts_at < b.starts_at;
        return a.ends_at > b.ends_at;
    });
}

bool silence_matches_filters(const Silence& s, const Matchers& filters) {
    std::map<std::string, std::string> patterns;
    for (const auto& m : s.matchers) patterns[m.name()] = m.value();
    return std::all_of(filters.begin(), filters.end(), [&](const Matcher& f) {
        auto found = patterns.find(f.name());
        return found != patterns.end() && f.matches(found->second);
    });
}

}  // namespace

PostedAlerts alerts_from_body(const std::string& body) {
    json alerts;
    try {
        alerts = json::parse(body);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
        throw std::invalid_argument(std::string("parsing alerts body failed: ") + e.what());
    }
    if (!alerts.is_array()) throw std::invalid_argument("the body must be a JSON array of alerts");
    PostedAlerts posted;
    for (const auto& item : alerts) {
        try {
            posted.valid.push_back(alert_from_json(item));
        } catch (const std::invalid_argument& e) {
            posted.errors += (posted.errors.empty() ? "" : "; ") + std::string(e.what());
        } catch (const json::exception& e) {
            posted.errors += (posted.errors.empty() ? "" : "; ") + std::string(e.what());
        }
    }
    return posted;
}

Silence silence_from_body(const std::string& text) {
    Silence s;
    try {
        auto body = json::parse(text);
        if (!body.is_object()) throw std::invalid_argument("the body must be a JSON object");
        if (body.contains("id") && body["id"].is_string()) s.id = body["id"];
        for (const auto& item : body.value("matchers", json::array()))
            s.matchers.push_back(matcher_from_json(item));
        sort_matchers(s.matchers);
        s.starts_at = *time_field(body, "startsAt", true);
        s.ends_at = *time_field(body, "endsAt", true);
        s.created_by = body.value("createdBy", "");
        s.comment = body.value("comment", "");
    } catch (const json::exception& e) {  // not JSON, or a field of the wrong type
        throw std::invalid_argument(e.what());
    }
    return s;
}

void register_alertmanager_api(http::Server& server, NotificationManager& manager,
                               std::shared_ptr<const http::Authenticator> token) {
    // Reading is for viewers; sending alerts and silencing are what operators do.
    http::RouteOptions guarded{.auth = token, .role = http::Role::viewer};
    http::RouteOptions posting{
        .auth = token, .role = http::Role::operator_, .max_body_bytes = 16 << 20};
    http::RouteOptions silencing{.auth = token, .role = http::Role::operator_};
    NotificationManager* m = &manager;

    server.route(
        "POST", "/api/v2/alerts",
        [m](const http::Request& request) {
            PostedAlerts posted;
            try {
                posted = alerts_from_body(request.body);
            } catch (const std::invalid_argument& e) {
                return bad_request(e.what());
            }
            m->put(std::move(posted.valid));
            if (!posted.errors.empty()) return bad_request(posted.errors);
            return http::Response::json(json::object());
        },
        posting);

    server.route(
        "GET", "/api/v2/alerts",
        [m](const http::Request& request) {
            return answer_parsed(request, alert_query, [m](const AlertQuery& q) {
                // Written alert by alert: a document of 10,000 alerts built first cost more
                // (its allocations and frees) than the alerts themselves.
                auto views = m->alerts();
                http::Response response;
                response.body.reserve(views.size() * 640 + 2);
                response.body += '[';
                for (const auto& view : views) {
                    if (!selected(q, view)) continue;
                    if (response.body.size() > 1) response.body += ',';
                    response.body +=
                        alert_json(view).dump(-1, ' ', false, json::error_handler_t::replace);
                }
                response.body += ']';
                return response;
            });
        },
        guarded);

    server.route(
        "GET", "/api/v2/alerts/groups",
        [m](const http::Request& request) {
            return answer_parsed(request, alert_query, [m](const AlertQuery& q) {
                std::map<Fingerprint, AlertView> views;
                for (auto& view : m->alerts())
                    views.emplace(view.alert->fingerprint(), std::move(view));
                json out = json::array();
                for (const auto& group : m->groups()) {
                    json alerts = json::array();
                    for (auto fp : group.alerts) {
                        auto found = views.find(fp);
                        if (found != views.end() && selected(q, found->second))
                            alerts.push_back(alert_json(found->second));
                    }
                    if (alerts.empty()) continue;
                    out.push_back({{"alerts", alerts},
                                   {"labels", promql::labels_json(group.group_labels)},
                                   {"receiver", {{"name", group.receiver}}}});
                }
                return http::Response::json(out);
            });
        },
        guarded);

    server.route(
        "GET", "/api/v2/silences",
        [m](const http::Request& request) {
            return answer_parsed(request, filters, [m](const Matchers& f) {
                auto now = Clock::now();
                auto silences = m->silences().list();
                std::erase_if(silences,
                              [&](const Silence& s) { return !silence_matches_filters(s, f); });
                sort_silences(silences, now);
                json out = json::array();
                for (const auto& s : silences) out.push_back(silence_json(s, now));
                return http::Response::json(out);
            });
        },
        guarded);

    server.route(
        "POST", "/api/v2/silences",
        [m](const http::Request& request) {
            Silence s;
            try {
                s = silence_from_body(request.body);
            } catch (const std::invalid_argument& e) {
                return bad_request(e.what());
            }
            if (s.starts_at >= s.ends_at)
                return bad_request("Failed to create silence: start time must be before end time");
            if (s.ends_at < Clock::now())
                return bad_request("Failed to create silence: end time can't be in the past");
            try {
                return http::Response::json({{"silenceID", m->silences().set(s, Clock::now())}});
            } catch (const SilenceNotFound& e) {
                return http::Response::json(json(e.what()), 404);
            } catch (const std::exception& e) {
                return bad_request(std::string("silence invalid: ") + e.what());
            }
        },
        silencing);

    server.route(
        "GET", "/api/v2/silence/{id}",
        [m](const http::Request& request) {
            auto s = m->silences().get(request.path_param("id"));
            if (!s) return http::Response::json(json("silence not found"), 404);
            return http::Response::json(silence_json(*s, Clock::now()));
        },
        guarded);

    server.route(
        "DELETE", "/api/v2/silence/{id}",
        [m](const http::Request& request) {
            try {
                m->silences().expire(request.path_param("id"), Clock::now());
                return http::Response::json(json::object());
            } catch (const SilenceNotFound& e) {
                return http::Response::json(json(e.what()), 404);
            } catch (const SilenceError& e) {
                return bad_request(e.what());
            }
        },
        silencing);

    server.route(
        "GET", "/api/v2/status",
        [m](const http::Request&) {
            return http::Response::json(
                {{"cluster", {{"name", ""}, {"peers", json::array()}, {"status", "disabled"}}},
                 {"config", {{"original", m->config()->original}}},
                 {"uptime", api_time(m->started_at())},
                 // The API version we implement, so that amtool 0.25 does not warn of a
                 // mismatch on every command; our own version is the revision.
                 {"versionInfo",
                  {{"branch", ""},
                   {"buildDate", ""},
                   {"buildUser", ""},
                   {"goVersion", ""},
                   {"revision", std::string("stackwatch-") + kVersion},
                   {"version", "0.25.0"}}}});
        },
        guarded);

    server.route(
        "GET", "/api/v2/receivers",
        [m](const http::Request&) {
            json out = json::array();
            for (const auto& r : m->config()->receivers) out.push_back({{"name", r.name}});
            return http::Response::json(out);
        },
        guarded);
}

}  // namespace stackwatch::ruler
