#include "ruler/notify/escalation_config.hpp"

namespace stackwatch::notify {

std::vector<EscalationPolicy> parse_escalation_policies(const ConfigNode& list,
                                                        const std::set<std::string>& receivers) {
    std::vector<EscalationPolicy> policies;
    std::set<std::string> names;
    for (const auto& item : list.items()) {
        item.require_map();
        item.allow_keys({"name", "steps", "repeat"});
        EscalationPolicy policy;
        policy.name = item.require_string("name");
        if (!names.insert(policy.name).second)
            item["name"].fail("escalation policy name \"" + policy.name + "\" is not unique");
        policy.repeat = static_cast<int>(item.get_int("repeat", 0));
        if (policy.repeat < 0 || policy.repeat > 100)
            item["repeat"].fail("repeat must be from 0 to 100");
        if (item["steps"].items().empty())
            item.fail("escalation policy \"" + policy.name + "\" needs at least one step");
        for (const auto& step_node : item["steps"].items()) {
            step_node.require_map();
            step_node.allow_keys({"wait", "receiver"});
            EscalationStep step{step_node["wait"].as_duration(),
                                step_node.require_string("receiver")};
            if (step.wait.count() <= 0) step_node["wait"].fail("wait must be longer than zero");
            if (!receivers.contains(step.receiver))
                step_node["receiver"].fail("undefined receiver \"" + step.receiver +
                                           "\" used in escalation policy");
            policy.steps.push_back(std::move(step));
        }
        policies.push_back(std::move(policy));
    }
    return policies;
}

nlohmann::json policy_record(const EscalationPolicy& policy) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& s : policy.steps)
        steps.push_back({{"waitMs", s.wait.count()}, {"receiver", s.receiver}});
    return {{"name", policy.name}, {"steps", steps}, {"repeat", policy.repeat}};
}

EscalationPolicy policy_from_record(const nlohmann::json& record) {
    EscalationPolicy policy{record.at("name"), {}, record.at("repeat")};
    for (const auto& s : record.at("steps"))
        policy.steps.push_back({Duration(s.at("waitMs").get<std::int64_t>()), s.at("receiver")});
    return policy;
}

}  // namespace stackwatch::notify
