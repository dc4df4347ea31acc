#include "ruler/managed/api_rule.hpp"

#include <cmath>

namespace stackwatch::managed {
namespace {

using nlohmann::json;

const json& field(const json& body, const char* name) {
    static const json missing;
    return body.contains(name) ? body[name] : missing;
}

std::string required_string(const json& body, const char* name) {
    const auto& v = field(body, name);
    if (v.is_null()) throw InvalidRule(std::string(name) + " is required");
    if (!v.is_string()) throw InvalidRule(std::string(name) + " must be a string");
    auto text = v.get<std::string>();
    if (text.find_first_not_of(" \t") == std::string::npos)
        throw InvalidRule(std::string(name) + " must not be empty");
    return text;
}

Channel channel_from_json(const json& in, std::size_t index) {
    auto where = "channels[" + std::to_string(index) + "]";
    if (!in.is_object()) throw InvalidRule(where + " must be an object");
    for (const auto& [key, value] : in.items())
        if (key != "type" && key != "config" && key != "enabled")
            throw InvalidRule(where + ": unknown field \"" + key + "\"");
    Channel c;
    if (!in.contains("type") || !in["type"].is_string())
        throw InvalidRule(where + ".type is required (email, slack or webhook)");
    c.type = in["type"];
    if (c.type != "email" && c.type != "slack" && c.type != "webhook")
        throw InvalidRule(where + ".type must be email, slack or webhook, not \"" + c.type + "\"");
    c.config = in.value("config", json::object());
    if (!c.config.is_object()) throw InvalidRule(where + ".config must be an object");
    auto need = [&](const char* key) {
        if (!c.config.contains(key) || !c.config[key].is_string() ||
            c.config[key].get<std::string>().empty())
            throw InvalidRule(where + ".config." + key + " is required for a " + c.type +
                              " channel");
    };
    if (c.type == "email") need("to");
    if (c.type == "slack") need("webhookUrl");
    if (c.type == "webhook") {
        need("url");
        if (c.config.contains("headers")) {
            if (!c.config["headers"].is_object())
                throw InvalidRule(where + ".config.headers must be an object");
            for (const auto& [name, value] : c.config["headers"].items())
                if (!value.is_string())
                    throw InvalidRule(where + ".config.headers." + name + " must be a string");
        }
    }
    if (in.contains("enabled")) {
        if (!in["enabled"].is_boolean())
            throw InvalidRule(where + ".enabled must be true or false");
        c.enabled = in["enabled"];
    }
    return c;
}

}  // namespace

ApiRule rule_from_json(const json& body) {
    if (!body.is_object()) throw InvalidRule("the body must be a JSON object");
    static const std::vector<std::string> known = {
        "id",      "name",     "type",      "condition", "threshold", "timeWindow", "severity",
        "enabled", "channels", "createdAt", "updatedAt", "expr",      "source",     "file"};
    for (const auto& [key, value] : body.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            throw InvalidRule("unknown field \"" + key + "\"");
    ApiRule rule;
    rule.name = required_string(body, "name");
    rule.type = body.contains("type") ? required_string(body, "type") : "custom";
    rule.condition = required_string(body, "condition");
    if (const auto& t = field(body, "threshold"); !t.is_null()) {
        if (!t.is_number() || !std::isfinite(t.get<double>()))
            throw InvalidRule("threshold must be a number");
        rule.threshold = t.get<double>();
    }
    if (const auto& w = field(body, "timeWindow"); !w.is_null()) {
        if (!w.is_number_integer() || w.get<long long>() < 1 || w.get<long long>() > 7 * 24 * 60)
            throw InvalidRule("timeWindow must be a whole number of minutes from 1 to 10080");
        rule.time_window_minutes = static_cast<int>(w.get<long long>());
    }
    rule.severity = body.contains("severity") ? required_string(body, "severity") : "warning";
    if (const auto& e = field(body, "enabled"); !e.is_null()) {
        if (!e.is_boolean()) throw InvalidRule("enabled must be true or false");
        rule.enabled = e;
    }
    if (const auto& channels = field(body, "channels"); !channels.is_null()) {
        if (!channels.is_array()) throw InvalidRule("channels must be an array");
        for (std::size_t i = 0; i < channels.size(); ++i)
            rule.channels.push_back(channel_from_json(channels[i], i));
    }
    return rule;
}

json rule_to_json(const ApiRule& rule) {
    json channels = json::array();
    for (const auto& c : rule.channels)
        channels.push_back({{"type", c.type}, {"config", c.config}, {"enabled", c.enabled}});
    return {{"id", rule.id},
            {"name", rule.name},
            {"type", rule.type},
            {"condition", rule.condition},
            {"threshold", rule.threshold ? json(*rule.threshold) : json(nullptr)},
            {"timeWindow", rule.time_window_minutes},
            {"severity", rule.severity},
            {"enabled", rule.enabled},
            {"channels", channels},
            {"createdAt", rule.created_at},
            {"updatedAt", rule.updated_at}};
}

}  // namespace stackwatch::managed
