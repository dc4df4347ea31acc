#pragma once
// An alert rule as the runbook's API takes it: name, type, condition, threshold, timeWindow
// (minutes), severity, enabled and channels ({type: email|slack|webhook, config, enabled}).
// Reading a body checks every field and names the one that is wrong.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace stackwatch::managed {

// A body the API answers with 400, naming the field.
class InvalidRule : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

struct Channel {
    std::string type;  // email, slack, webhook
    nlohmann::json config;
    bool enabled = true;
};

struct ApiRule {
    std::string id;
    std::string name;
    std::string type;
    std::string condition;
    std::optional<double> threshold;
    int time_window_minutes = 5;
    std::string severity;
    bool enabled = true;
    std::vector<Channel> channels;
    std::string created_at, updated_at;  // the runbook's timestamps
};

// Throws InvalidRule naming the field.
ApiRule rule_from_json(const nlohmann::json& body);
nlohmann::json rule_to_json(const ApiRule& rule);

}  // namespace stackwatch::managed
