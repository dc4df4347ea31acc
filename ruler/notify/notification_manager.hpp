#pragma once
// The notification side as one piece: it takes alerts (from the rules in process and from
// /api/v2/alerts), keeps them, the silences, the notification log and the outbox in the state
// file, and runs the dispatcher and pipeline of the configuration in force. A reload swaps in a
// new routing tree, receivers and inhibition rules while alerts, silences, the log and pending
// notifications carry on, so nothing is sent twice.

#include <prometheus/registry.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ruler/notify/alert_hooks.hpp"
#include "ruler/notify/config.hpp"
#include "ruler/notify/dispatcher.hpp"
#include "ruler/notify/inhibit.hpp"
#include "ruler/notify/notification_log.hpp"
#include "ruler/notify/notify_metrics.hpp"
#include "ruler/notify/notify_store.hpp"
#include "ruler/notify/outbox.hpp"
#include "ruler/notify/pipeline.hpp"
#include "ruler/notify/silence.hpp"
#include "ruler/notify/templates.hpp"

namespace stackwatch::notify {

struct NotifyOptions {
    std::string state_path;  // the sqlite file; ":memory:" keeps nothing across restarts
    std::string external_url;
    RetryPolicy retry;  // what a receiver's own `retry:` does not set
    std::size_t max_in_flight = Outbox::kMaxInFlight;
    std::chrono::milliseconds gc_interval = std::chrono::minutes(30);  // Alertmanager's alert GC
    std::chrono::milliseconds retention =
        std::chrono::hours(120);  // expired silences, delivered rows
    AlertHooks* hooks = nullptr;  // the on-call layer, when there is one; outlives the manager
};

// An alert with what the API reports about it.
struct AlertView {
    SharedAlert alert;
    std::vector<std::string> receivers;
    std::vector<std::string> silenced_by;
    std::vector<std::string> inhibited_by;
    const char* state() const {
        return silenced_by.empty() && inhibited_by.empty() ? "active" : "suppressed";
    }
};

class NotificationManager {
    struct Generation;

  public:
    NotificationManager(NotifyConfig config, NotifyOptions options, prometheus::Registry& registry);
    ~NotificationManager();
    NotificationManager(const NotificationManager&) = delete;
    NotificationManager& operator=(const NotificationManager&) = delete;

    // A configuration made ready to apply: its routing tree, templates and receivers are built,
    // so every error shows here and nothing changes until apply().
    class Prepared {
        friend class NotificationManager;
        std::shared_ptr<Generation> generation;
    };
    std::unique_ptr<Prepared> prepare(NotifyConfig config);
    void apply(std::unique_ptr<Prepared> prepared);
    void reload(NotifyConfig config) { apply(prepare(std::move(config))); }
    // Alerts as Alertmanager's API takes them: a missing start is the end, or now when that is
    // missing too; a missing end is now + resolve_timeout, marked as a timeout.
    void put(std::vector<Alert> alerts);
    // Resolves the firing alert with this alert_id() now: its resolved notice goes out as for
    // any resolution, and resends of the same firing are ignored. Nullopt when no such alert
    // fires.
    std::optional<Alert> resolve_by_hand(const std::string& id);
    std::optional<Alert> find(const std::string& id) const;  // resolved ones too, until collected
    // Renders `data` for every integration of `receiver` and commits it to the outbox, outside
    // any group's log: an escalation step's notification. False when it has none.
    bool notify_receiver(const std::string& receiver, NotificationData data);
    void stop();

    std::vector<AlertView> alerts() const;  // the unresolved ones
    std::vector<GroupView> groups() const;
    Silences& silences() { return silences_; }
    std::shared_ptr<const NotifyConfig> config() const;
    std::vector<OutboxEntry> dead_letters(std::size_t limit) const {
        return store_.dead_letters(limit);
    }
    std::size_t outbox_pending() const { return outbox_.pending(); }
    TimePoint started_at() const { return started_at_; }
    // The receivers an alert with these labels is routed to, in tree order.
    std::vector<std::string> receivers_for(const promql::Labels& labels) const;
    // Runs what the periodic collection does, now.
    void collect_garbage();

  private:
    struct Generation {
        std::shared_ptr<const NotifyConfig> config;
        std::shared_ptr<const Route> route;
        std::shared_ptr<const NotificationTemplates> templates;
        Receivers receivers;
        Inhibitor inhibitor;
        std::unique_ptr<Pipeline> pipeline;
        std::unique_ptr<Dispatcher> dispatcher;  // made by apply(), when the generation goes live
        explicit Generation(NotifyConfig c);
    };
    // Saves what an intake changed, tells the hooks, and hands it to the dispatcher.
    void publish(const std::vector<SharedAlert>& merged,
                 const std::shared_ptr<Generation>& generation);
    Outbox::Target target_for(const OutboxEntry& entry) const;
    // With mutex_ held: `data` rendered for each integration of `receiver`, log keys from
    // `key_prefix`.
    std::vector<OutboxEntry> render_for(const std::string& receiver, NotificationData data,
                                        const std::string& key_prefix, bool fallback) const;
    void enqueue_all(std::vector<OutboxEntry> entries);
    // Out of retries: the log forgets it, and a receiver's fallback_receiver gets it instead.
    void on_dead_letter(const OutboxEntry& entry);
    void update_gauges(const std::vector<AlertView>& views) const;
    void collector_loop();

    NotifyOptions options_;
    TimePoint started_at_;
    NotifyStore store_;
    mutable NotifyMetrics metrics_;
    Silences silences_;
    NotificationLog log_;
    Outbox outbox_;

    std::mutex intake_mutex_;   // held through put()
    mutable std::mutex mutex_;  // alerts_ and generation_
    std::map<Fingerprint, SharedAlert> alerts_;
    std::shared_ptr<Generation> generation_;

    std::mutex collector_mutex_;
    std::condition_variable collector_wake_;
    bool stopping_ = false;
    std::thread collector_;
};

}  // namespace stackwatch::notify
