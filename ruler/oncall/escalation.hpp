#pragma once
// Escalation of alert groups whose route names a policy: when a group starts firing it takes the
// policy in force then (a later edit does not rewrite it), and after each step's wait the step's
// receiver is notified with the group's firing alerts, step by step, then the whole chain again
// `repeat` more times. While every firing alert of the group is acknowledged the escalation
// holds; when an acknowledgement ends, the current step's wait starts over. It stops when the
// group has nothing firing. What it decides is pure; OnCall runs it on its timer and persists
// the state, so a restart in the middle carries on where it was.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ruler/notify/escalation_config.hpp"
#include "ruler/oncall/oncall_store.hpp"

namespace stackwatch::oncall {

struct EscalationState {
    std::string group_key;
    notify::EscalationPolicy policy;
    TimePoint started_at{};
    std::size_t step = 0;  // the next step to run
    int cycle = 0;         // runs of the chain completed
    TimePoint next_at{};
    bool held = false;       // every firing alert acknowledged
    bool exhausted = false;  // every step of every run done

    // What happens now: the receiver to notify, if a step is due; the state moves on.
    // `all_acknowledged`: the group's firing alerts all are.
    std::optional<std::string> advance(TimePoint now, bool all_acknowledged);
    static EscalationState start(std::string group_key, notify::EscalationPolicy policy,
                                 TimePoint now);
};

nlohmann::json escalation_record(const EscalationState& state);
EscalationState escalation_from_record(const std::string& group_key, const nlohmann::json& record);
// As the API and the page show it.
nlohmann::json escalation_json(const EscalationState& state);

}  // namespace stackwatch::oncall
