#include "ruler/oncall/oncall.hpp"

#include <algorithm>
#include <iterator>
#include <set>

#include "common/logging.hpp"
#include "common/thread_name.hpp"

namespace stackwatch::oncall {

using notify::Alert;
using notify::alert_id;
using notify::Clock;

const char* transition_name(Transition transition) {
    switch (transition) {
        case Transition::pending:
            return "pending";
        case Transition::firing:
            return "firing";
        case Transition::resolved:
            return "resolved";
        case Transition::acknowledged:
            return "acknowledged";
        case Transition::unacknowledged:
            return "unacknowledged";
        case Transition::escalated:
            return "escalated";
    }
    return "firing";
}

OnCall::OnCall(const std::string& state_path, std::chrono::milliseconds tick)
    : store_(state_path), tick_(tick) {
    for (auto& ack : store_.load_acks()) acks_[ack.alert_id] = std::move(ack);
    for (auto& id : store_.unresolved()) firing_.insert(std::move(id));
    for (const auto& [key, record] : store_.load_escalations())
        escalations_.emplace(key, escalation_from_record(key, nlohmann::json::parse(record)));
}

OnCall::~OnCall() {
    stop();
}

void OnCall::stop() {
    {
        std::lock_guard lock(timer_mutex_);
        stopping_ = true;
    }
    timer_wake_.notify_all();
    if (timer_.joinable()) timer_.join();
}

void OnCall::timer_loop() {
    name_this_thread("oncall-timer");
    std::unique_lock lock(timer_mutex_);
    while (!timer_wake_.wait_for(lock, tick_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            expire(Clock::now());
            escalate(Clock::now());
        } catch (const std::exception& e) {
            log::error("on-call timer failed", {{"error", e.what()}});
        }
        lock.lock();
    }
}

void OnCall::attach(notify::NotificationManager& manager) {
    manager_ = &manager;
    // Firings that ended while the ruler was down end in the history too.
    auto now = Clock::now();
    std::set<std::string> still_firing;
    for (const auto& view : manager.alerts()) still_firing.insert(alert_id(*view.alert));
    std::vector<std::string> ended;
    {
        std::lock_guard lock(mutex_);
        std::set_difference(firing_.begin(), firing_.end(), still_firing.begin(),
                            still_firing.end(), std::back_inserter(ended));
        for (const auto& id : ended) {
            firing_.erase(id);
            acks_.erase(id);
        }
    }
    for (const auto& id : ended) {
        auto alert = manager.find(id);
        store_.resolved(id, "", alert && alert->ends_at ? *alert->ends_at : now);
        store_.delete_ack(id);
    }
    timer_ = std::thread([this] { timer_loop(); });
}

void OnCall::listen(Listener listener) {
    std::lock_guard lock(listener_mutex_);
    listener_ = std::move(listener);
}

void OnCall::emit(const TransitionEvent& event) const {
    log::info("alert " + std::string(transition_name(event.kind)),
              {{"alertId", event.alert_id}, {"alertname", event.alert.name()}, {"by", event.by}});
    std::lock_guard lock(listener_mutex_);
    if (listener_) listener_(event);
}

std::optional<Acknowledgement> OnCall::ack_of(const std::string& alert_id, TimePoint now) const {
    auto found = acks_.find(alert_id);
    if (found == acks_.end() || !found->second.in_force(now)) return std::nullopt;
    return found->second;
}

bool OnCall::acknowledged(const Alert& alert, TimePoint now) const {
    std::lock_guard lock(mutex_);
    return ack_of(notify::alert_id(alert), now).has_value();
}

void OnCall::changed(const std::vector<notify::SharedAlert>& alerts) {
    auto now = Clock::now();
    std::vector<TransitionEvent> events;
    std::vector<HistoryChange> history;
    // The pipeline asks acknowledged() while it holds the state file's write lock, so the history
    // is written after mutex_ is released (waiting for that lock under mutex_ deadlocks until
    // sqlite's busy timeout); history_mutex_ keeps the writes in the order of the changes.
    std::lock_guard in_order(history_mutex_);
    {
        std::lock_guard lock(mutex_);
        for (const auto& shared : alerts) {
            const Alert& a = *shared;
            auto id = notify::alert_id(a);
            if (!a.resolved_at(now)) {
                if (firing_.insert(id).second) {
                    history.push_back({id, a.labels, a.starts_at, std::nullopt, false});
                    events.push_back({Transition::firing, id, a, "", std::nullopt, ""});
                }
                continue;
            }
            if (firing_.erase(id) == 0) continue;
            std::string by;
            if (auto hand = resolving_by_.find(id); hand != resolving_by_.end()) {
                by = hand->second;
                resolving_by_.erase(hand);
            }
            history.push_back({id, {}, a.ends_at.value_or(now), by, acks_.erase(id) > 0});
            events.push_back({Transition::resolved, id, a, by, std::nullopt, ""});
        }
    }
    store_.record(history);
    for (const auto& e : events) emit(e);
}

std::optional<ActiveAlert> OnCall::acknowledge(const std::string& alert_id,
                                               const AckRequest& request) {
    auto now = Clock::now();
    auto alert = manager_->find(alert_id);
    if (!alert || alert->resolved_at(now)) return std::nullopt;
    Acknowledgement ack{alert_id, request.by, request.comment, now, request.expires_at};
    {
        std::lock_guard lock(mutex_);
        acks_[alert_id] = ack;
    }
    store_.save_ack(ack);
    store_.acknowledged(alert_id, request.by, now);
    emit({Transition::acknowledged, alert_id, *alert, request.by, ack, ""});
    return active(alert_id);
}

std::vector<ActiveAlert> OnCall::acknowledge_group(const std::string& group_key,
                                                   const AckRequest& request) {
    std::vector<ActiveAlert> out;
    for (const auto& a : active()) {
        if (std::find(a.group_keys.begin(), a.group_keys.end(), group_key) == a.group_keys.end())
            continue;
        if (auto acked = acknowledge(a.id, request)) out.push_back(std::move(*acked));
    }
    return out;
}

std::optional<ActiveAlert> OnCall::unacknowledge(const std::string& alert_id,
                                                 const std::string& by) {
    auto alert = manager_->find(alert_id);
    if (!alert || alert->resolved_at(Clock::now())) return std::nullopt;
    bool had = false;
    {
        std::lock_guard lock(mutex_);
        had = acks_.erase(alert_id) > 0;
    }
    if (had) {
        store_.delete_ack(alert_id);
        emit({Transition::unacknowledged, alert_id, *alert, by, std::nullopt, ""});
    }
    return active(alert_id);
}

std::optional<Alert> OnCall::resolve(const std::string& alert_id, const std::string& by) {
    {
        std::lock_guard lock(mutex_);
        resolving_by_[alert_id] = by;
    }
    auto resolved = manager_->resolve_by_hand(alert_id);
    std::lock_guard lock(mutex_);
    resolving_by_.erase(alert_id);
    return resolved;
}

std::vector<ActiveAlert> OnCall::active() const {
    auto now = Clock::now();
    auto views = manager_->alerts();
    std::map<notify::Fingerprint, std::vector<std::string>> groups_of;
    for (const auto& group : manager_->groups())
        for (auto fp : group.alerts) groups_of[fp].push_back(group.group_key);
    std::vector<ActiveAlert> out;
    out.reserve(views.size());
    std::lock_guard lock(mutex_);
    for (auto& view : views) {
        auto id = notify::alert_id(*view.alert);
        auto ack = ack_of(id, now);
        auto groups = groups_of[view.alert->fingerprint()];
        std::optional<EscalationState> escalation;
        for (const auto& key : groups)
            if (auto found = escalations_.find(key); found != escalations_.end() && !escalation)
                escalation = found->second;
        out.push_back({std::move(id), std::move(view), std::move(ack), std::move(groups),
                       std::move(escalation)});
    }
    return out;
}

std::optional<ActiveAlert> OnCall::active(const std::string& alert_id) const {
    for (auto& a : active())
        if (a.id == alert_id) return std::move(a);
    return std::nullopt;
}

AlertStats OnCall::stats(TimePoint from, TimePoint to) const {
    auto rows = store_.history(from, to);
    auto now = Clock::now();
    std::lock_guard lock(mutex_);
    return compute_stats(
        rows, from, to, [&](const std::string& id) { return ack_of(id, now).has_value(); },
        [this](const promql::Labels& labels) { return manager_->receivers_for(labels); });
}

std::size_t OnCall::expire(TimePoint now) {
    std::vector<Acknowledgement> ended;
    {
        std::lock_guard lock(mutex_);
        for (auto it = acks_.begin(); it != acks_.end();) {
            if (it->second.in_force(now)) {
                ++it;
                continue;
            }
            ended.push_back(std::move(it->second));
            it = acks_.erase(it);
        }
    }
    for (const auto& ack : ended) {
        store_.delete_ack(ack.alert_id);
        if (auto alert = manager_->find(ack.alert_id))
            emit({Transition::unacknowledged, ack.alert_id, *alert, "", ack, ""});
    }
    return ended.size();
}

void OnCall::escalate(TimePoint now) {
    auto config = manager_->config();
    {
        // Without policies nor running escalations there is nothing to look at.
        std::lock_guard lock(mutex_);
        if (config->escalation_policies.empty() && escalations_.empty()) return;
    }
    std::map<notify::Fingerprint, notify::SharedAlert> firing;
    for (auto& view : manager_->alerts())
        if (view.state() == std::string_view("active"))
            firing.emplace(view.alert->fingerprint(), std::move(view.alert));
    struct Step {
        std::string receiver;
        notify::NotificationData data;
    };
    std::vector<Step> due;
    std::vector<std::pair<std::string, std::optional<std::string>>> changed;  // key, record
    {
        std::lock_guard lock(mutex_);
        std::set<std::string> live;
        for (const auto& group : manager_->groups()) {
            if (group.escalation.empty()) continue;
            std::vector<Alert> alerts;
            bool all_acknowledged = true;
            for (auto fp : group.alerts) {
                auto found = firing.find(fp);
                if (found == firing.end()) continue;
                alerts.push_back(*found->second);
                all_acknowledged = all_acknowledged && ack_of(alert_id(*found->second), now);
            }
            if (alerts.empty()) continue;
            live.insert(group.group_key);
            auto state = escalations_.find(group.group_key);
            if (state == escalations_.end()) {
                const auto* policy = config->escalation_policy(group.escalation);
                if (policy == nullptr) continue;
                state = escalations_
                            .emplace(group.group_key,
                                     EscalationState::start(group.group_key, *policy, now))
                            .first;
                changed.emplace_back(group.group_key, escalation_record(state->second).dump());
            }
            auto before = escalation_record(state->second);
            if (auto receiver = state->second.advance(now, all_acknowledged)) {
                notify::sort_for_notification(alerts);
                for (auto& a : alerts) a.ends_at.reset();
                due.push_back({*receiver,
                               {.receiver = *receiver,
                                .group_key = group.group_key,
                                .alerts = std::move(alerts),
                                .group_labels = group.group_labels,
                                .now = now}});
            }
            auto after = escalation_record(state->second);
            if (after != before) changed.emplace_back(group.group_key, after.dump());
        }
        for (auto it = escalations_.begin(); it != escalations_.end();) {
            if (live.contains(it->first)) {
                ++it;
                continue;
            }
            changed.emplace_back(it->first, std::nullopt);
            it = escalations_.erase(it);
        }
    }
    for (const auto& [key, record] : changed) {
        if (record)
            store_.save_escalation(key, *record);
        else
            store_.delete_escalation(key);
    }
    for (auto& step : due) {
        log::warn("escalating", {{"groupKey", step.data.group_key}, {"receiver", step.receiver}});
        auto alerts = step.data.alerts;
        manager_->notify_receiver(step.receiver, std::move(step.data));
        for (const auto& a : alerts) {
            auto id = alert_id(a);
            store_.escalated(id);
            emit({Transition::escalated, id, a, "", std::nullopt, step.receiver});
        }
    }
}

std::vector<EscalationState> OnCall::escalations() const {
    std::lock_guard lock(mutex_);
    std::vector<EscalationState> out;
    for (const auto& [key, state] : escalations_) out.push_back(state);
    return out;
}

}  // namespace stackwatch::oncall
