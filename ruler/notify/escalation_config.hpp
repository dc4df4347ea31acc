#pragma once
// Escalation policies, a stackwatch extension beside Alertmanager's keys: named chains of steps,
// each a wait and then a receiver to notify, run again `repeat` more times, referenced from a
// route with `escalation: NAME` (not inherited: each route names its own).
//
//   escalation_policies:
//   - name: database
//     steps:
//     - {wait: 5m, receiver: dba-secondary}
//     - {wait: 15m, receiver: engineering-manager}
//     repeat: 1

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace stackwatch::notify {

struct EscalationStep {
    Duration wait{};
    std::string receiver;
};

struct EscalationPolicy {
    std::string name;
    std::vector<EscalationStep> steps;
    int repeat = 0;  // further runs of the whole chain after the first
};

// Throws ConfigError naming file:line and the key; receivers must be among `receivers`.
std::vector<EscalationPolicy> parse_escalation_policies(const ConfigNode& list,
                                                        const std::set<std::string>& receivers);

// What a running escalation keeps: the policy as it was when its group started.
nlohmann::json policy_record(const EscalationPolicy& policy);
EscalationPolicy policy_from_record(const nlohmann::json& record);

}  // namespace stackwatch::notify
