#include "ruler/managed/managed_files.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "ruler/managed/condition.hpp"

namespace stackwatch::managed {
namespace {

const char* kHeader =
    "# Written by stackwatch-ruler from POST/PUT/DELETE /monitoring/alerts/rules.\n"
    "# Edits here are replaced at the next change; change rules through the API.\n";

std::string receiver_name(const ApiRule& rule) {
    return "stackwatch-rule-" + rule.id;
}

bool has_channels(const ApiRule& rule) {
    if (!rule.enabled) return false;
    for (const auto& c : rule.channels)
        if (c.enabled) return true;
    return false;
}

void emit_headers(YAML::Emitter& out, const nlohmann::json& headers) {
    std::vector<std::pair<std::string, std::string>> others;
    for (const auto& [name, value] : headers.items()) {
        std::string lowered = name;
        for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lowered != "authorization") {
            others.emplace_back(name, value.get<std::string>());
            continue;
        }
        auto text = value.get<std::string>();
        auto space = text.find(' ');
        out << YAML::Key << "authorization" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "type" << YAML::Value
            << (space == std::string::npos ? "Bearer" : text.substr(0, space));
        out << YAML::Key << "credentials" << YAML::Value
            << (space == std::string::npos ? text : text.substr(space + 1));
        out << YAML::EndMap;
    }
    if (others.empty()) return;
    out << YAML::Key << "http_headers" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, value] : others) {
        out << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << "secrets"
            << YAML::Value << YAML::Flow << YAML::BeginSeq << value << YAML::EndSeq << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void emit_receiver(YAML::Emitter& out, const ApiRule& rule) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << receiver_name(rule);
    for (const char* type : {"email", "slack", "webhook"}) {
        bool any = false;
        for (const auto& c : rule.channels) {
            if (!c.enabled || c.type != type) continue;
            if (!any) {
                out << YAML::Key << (std::string(type) + "_configs") << YAML::Value
                    << YAML::BeginSeq;
                any = true;
            }
            out << YAML::BeginMap;
            const auto& config = c.config;
            auto text = [&](const char* key) { return config.value(key, ""); };
            if (c.type == "email") {
                out << YAML::Key << "to" << YAML::Value << text("to");
                for (const char* key : {"from", "smarthost"})
                    if (config.contains(key)) out << YAML::Key << key << YAML::Value << text(key);
                out << YAML::Key << "send_resolved" << YAML::Value << true;
            } else if (c.type == "slack") {
                out << YAML::Key << "api_url" << YAML::Value << text("webhookUrl");
                if (config.contains("channel"))
                    out << YAML::Key << "channel" << YAML::Value << text("channel");
                out << YAML::Key << "send_resolved" << YAML::Value << true;
            } else {
                out << YAML::Key << "url" << YAML::Value << text("url");
                if (config.contains("headers") && !config["headers"].empty()) {
                    out << YAML::Key << "http_config" << YAML::Value << YAML::BeginMap;
                    emit_headers(out, config["headers"]);
                    out << YAML::EndMap;
                }
            }
            out << YAML::EndMap;
        }
        if (any) out << YAML::EndSeq;
    }
    out << YAML::EndMap;
}

}  // namespace

std::string alert_name(const std::string& name) {
    std::string out;
    bool upper = true;
    for (unsigned char c : name) {
        if (!std::isalnum(c)) {
            upper = true;
            continue;
        }
        out += static_cast<char>(upper ? std::toupper(c) : c);
        upper = false;
    }
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out = "Rule" + out;
    return out;
}

std::string render_rule_file(const std::vector<ApiRule>& rules) {
    // No group at all while nothing is enabled, so /api/v1/rules shows no empty one.
    if (std::none_of(rules.begin(), rules.end(), [](const ApiRule& r) { return r.enabled; }))
        return std::string(kHeader) + "groups: []\n";
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << kGroupName;
    out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
    for (const auto& rule : rules) {
        if (!rule.enabled) continue;
        auto alert = condition_to_promql(rule);
        out << YAML::BeginMap;
        out << YAML::Key << "alert" << YAML::Value << alert_name(rule.name);
        out << YAML::Key << "expr" << YAML::Value << alert.expr;
        if (!alert.for_duration.empty())
            out << YAML::Key << "for" << YAML::Value << alert.for_duration;
        out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "severity" << YAML::Value << rule.severity;
        out << YAML::Key << "type" << YAML::Value << rule.type;
        out << YAML::Key << kRuleIdLabel << YAML::Value << rule.id;
        out << YAML::EndMap;
        out << YAML::Key << "annotations" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "title" << YAML::Value << rule.name;
        out << YAML::Key << "summary" << YAML::Value
            << rule.name + ": " + rule.condition + " over " +
                   std::to_string(rule.time_window_minutes) + "m (value {{ $value }})";
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
    return std::string(kHeader) + out.c_str() + "\n";
}

std::string render_channels(const std::vector<ApiRule>& rules) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "receivers" << YAML::Value << YAML::BeginSeq;
    for (const auto& rule : rules)
        if (has_channels(rule)) emit_receiver(out, rule);
    out << YAML::EndSeq;
    out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
    for (const auto& rule : rules) {
        if (!has_channels(rule)) continue;
        out << YAML::BeginMap << YAML::Key << "receiver" << YAML::Value << receiver_name(rule);
        out << YAML::Key << "matchers" << YAML::Value << YAML::Flow << YAML::BeginSeq
            << (std::string(kRuleIdLabel) + "=\"" + rule.id + "\"") << YAML::EndSeq;
        out << YAML::Key << "continue" << YAML::Value << true << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(kHeader) + out.c_str() + "\n";
}

std::string merge_channels(const std::string& alertmanager_text, const std::string& fragment_text) {
    YAML::Node config = YAML::Load(alertmanager_text);
    YAML::Node fragment = YAML::Load(fragment_text);
    if (!fragment["receivers"] || fragment["receivers"].size() == 0) return alertmanager_text;
    YAML::Node receivers = config["receivers"];
    for (const auto& r : fragment["receivers"]) receivers.push_back(r);
    config["receivers"] = receivers;
    YAML::Node routes(YAML::NodeType::Sequence);
    for (const auto& r : fragment["routes"]) routes.push_back(r);
    if (config["route"]["routes"])
        for (const auto& r : config["route"]["routes"]) routes.push_back(r);
    config["route"]["routes"] = routes;
    YAML::Emitter out;
    out << config;
    return std::string(out.c_str()) + "\n";
}

}  // namespace stackwatch::managed
