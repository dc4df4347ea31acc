#include "ruler/oncall/escalation.hpp"

#include "common/time_format.hpp"
#include "ruler/notify/records.hpp"

namespace stackwatch::oncall {

using notify::from_ticks;
using notify::ticks;

EscalationState EscalationState::start(std::string group_key, notify::EscalationPolicy policy,
                                       TimePoint now) {
    EscalationState state{std::move(group_key), std::move(policy), now};
    state.next_at = now + state.policy.steps.front().wait;
    return state;
}

std::optional<std::string> EscalationState::advance(TimePoint now, bool all_acknowledged) {
    if (all_acknowledged) {
        held = true;
        return std::nullopt;
    }
    if (held) {
        held = false;
        next_at = now + policy.steps[step].wait;
        return std::nullopt;
    }
    if (exhausted || now < next_at) return std::nullopt;
    auto receiver = policy.steps[step].receiver;
    if (++step == policy.steps.size()) {
        step = 0;
        if (++cycle > policy.repeat) exhausted = true;
    }
    if (!exhausted) next_at = now + policy.steps[step].wait;
    return receiver;
}

nlohmann::json escalation_record(const EscalationState& s) {
    return {{"policy", notify::policy_record(s.policy)},
            {"startedAt", ticks(s.started_at)},
            {"step", s.step},
            {"cycle", s.cycle},
            {"nextAt", ticks(s.next_at)},
            {"held", s.held},
            {"exhausted", s.exhausted}};
}

EscalationState escalation_from_record(const std::string& group_key, const nlohmann::json& r) {
    EscalationState s{group_key, notify::policy_from_record(r.at("policy")),
                      from_ticks(r.at("startedAt").get<std::int64_t>())};
    s.step = r.at("step").get<std::size_t>();
    s.cycle = r.at("cycle").get<int>();
    s.next_at = from_ticks(r.at("nextAt").get<std::int64_t>());
    s.held = r.at("held").get<bool>();
    s.exhausted = r.at("exhausted").get<bool>();
    return s;
}

nlohmann::json escalation_json(const EscalationState& s) {
    nlohmann::json out = {{"policy", s.policy.name},
                          {"groupKey", s.group_key},
                          {"startedAt", iso8601_utc_ms(s.started_at)},
                          {"step", s.step},
                          {"steps", s.policy.steps.size()},
                          {"cycle", s.cycle},
                          {"held", s.held},
                          {"exhausted", s.exhausted}};
    out["nextAt"] =
        s.exhausted || s.held ? nlohmann::json(nullptr) : nlohmann::json(iso8601_utc_ms(s.next_at));
    out["nextReceiver"] =
        s.exhausted ? nlohmann::json(nullptr) : nlohmann::json(s.policy.steps[s.step].receiver);
    return out;
}

}  // namespace stackwatch::oncall
