#pragma once
// What the people on call do to alerts: acknowledge one or a whole group (who, comment, optional
// expiry), take an acknowledgement back, resolve by hand; and what they read: the active alerts
// with their acknowledgements and groups, and statistics over a time range. An acknowledgement
// holds back repeat notifications (and escalation) for its alert until the alert resolves or
// the acknowledgement expires; the alert id names one firing, so an alert that fires again
// after resolving is a new alert with nothing acknowledged.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ruler/notify/alert_hooks.hpp"
#include "ruler/notify/notification_manager.hpp"
#include "ruler/oncall/alert_stats.hpp"
#include "ruler/oncall/escalation.hpp"
#include "ruler/oncall/oncall_store.hpp"

namespace stackwatch::oncall {

struct ActiveAlert {
    std::string id;
    notify::AlertView view;
    std::optional<Acknowledgement> ack;
    std::vector<std::string> group_keys;
    std::optional<EscalationState> escalation;  // of its first group that escalates
};

enum class Transition { pending, firing, resolved, acknowledged, unacknowledged, escalated };
const char* transition_name(Transition transition);

struct TransitionEvent {
    Transition kind;
    std::string alert_id;
    notify::Alert alert;
    std::string by;  // who acted; empty when the alert's sender did
    std::optional<Acknowledgement> ack;
    std::string receiver;  // the escalation step's receiver
};

struct AckRequest {
    std::string by;
    std::string comment;
    std::optional<TimePoint> expires_at;
};

class OnCall : public notify::AlertHooks {
  public:
    using Listener = std::function<void(const TransitionEvent&)>;
    explicit OnCall(const std::string& state_path,
                    std::chrono::milliseconds tick = std::chrono::seconds(1));
    ~OnCall() override;
    OnCall(const OnCall&) = delete;
    OnCall& operator=(const OnCall&) = delete;

    // The manager is made after the hooks it calls, so it is attached afterwards; the listener
    // hears every transition (the event stream).
    void attach(notify::NotificationManager& manager);  // starts the timer: expiry
    void stop();
    void listen(Listener listener);

    bool acknowledged(const notify::Alert& alert, TimePoint now) const override;
    void changed(const std::vector<notify::SharedAlert>& alerts) override;

    // Nullopt (and nothing changes) when no alert with this id is firing.
    std::optional<ActiveAlert> acknowledge(const std::string& alert_id, const AckRequest& request);
    // Every firing alert of the group; empty when the group has none.
    std::vector<ActiveAlert> acknowledge_group(const std::string& group_key,
                                               const AckRequest& request);
    std::optional<ActiveAlert> unacknowledge(const std::string& alert_id, const std::string& by);
    std::optional<notify::Alert> resolve(const std::string& alert_id, const std::string& by);

    std::vector<ActiveAlert> active() const;
    std::optional<ActiveAlert> active(const std::string& alert_id) const;
    AlertStats stats(TimePoint from, TimePoint to) const;
    // Ends expired acknowledgements (telling the listener); returns how many ended.
    std::size_t expire(TimePoint now);
    // One round of every escalating group: starts, holds, runs due steps, stops (the timer runs
    // it every tick).
    void escalate(TimePoint now);
    std::vector<EscalationState> escalations() const;

  private:
    void timer_loop();
    void emit(const TransitionEvent& event) const;
    std::optional<Acknowledgement> ack_of(const std::string& alert_id, TimePoint now) const;

    OnCallStore store_;
    notify::NotificationManager* manager_ = nullptr;
    mutable std::mutex mutex_;
    std::mutex history_mutex_;  // taken before mutex_, held while changed() writes the history
    std::map<std::string, Acknowledgement> acks_;
    std::set<std::string> firing_;                     // alert ids seen firing and not yet resolved
    std::map<std::string, std::string> resolving_by_;  // resolve() in progress: who
    std::map<std::string, EscalationState> escalations_;  // by group key
    mutable std::mutex listener_mutex_;
    Listener listener_;

    std::chrono::milliseconds tick_;
    std::mutex timer_mutex_;
    std::condition_variable timer_wake_;
    bool stopping_ = false;
    std::thread timer_;
};

}  // namespace stackwatch::oncall
