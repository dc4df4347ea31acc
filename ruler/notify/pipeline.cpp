#include "ruler/notify/pipeline.hpp"

#include <algorithm>

#include "common/logging.hpp"
#include "common/uuid.hpp"
#include "ruler/notify/email.hpp"
#include "ruler/notify/records.hpp"
#include "ruler/notify/slack.hpp"
#include "ruler/notify/webhook.hpp"

namespace stackwatch::notify {
namespace {

bool subset(const std::vector<Fingerprint>& part, const std::vector<Fingerprint>& whole) {
    return std::all_of(part.begin(), part.end(), [&](Fingerprint fp) {
        return std::find(whole.begin(), whole.end(), fp) != whole.end();
    });
}

template <typename Config, typename Make>
void add_integrations(std::vector<Integration>& out, const char* kind,
                      const std::vector<Config>& configs, Make make) {
    for (std::size_t i = 0; i < configs.size(); ++i)
        out.push_back({std::string(kind) + "[" + std::to_string(i) + "]", make(configs[i])});
}

}  // namespace

Receivers build_receivers(const NotifyConfig& config,
                          std::shared_ptr<const NotificationTemplates> templates) {
    Receivers receivers;
    for (const auto& r : config.receivers) {
        auto& integrations = receivers[r.name];
        add_integrations(integrations, "email", r.email_configs, [&](const EmailConfig& c) {
            return std::make_shared<EmailNotifier>(c, templates);
        });
        add_integrations(integrations, "slack", r.slack_configs, [&](const SlackConfig& c) {
            return std::make_shared<SlackNotifier>(c, templates);
        });
        add_integrations(integrations, "webhook", r.webhook_configs, [](const WebhookConfig& c) {
            return std::make_shared<WebhookNotifier>(c);
        });
    }
    return receivers;
}

bool needs_update(const std::optional<LogEntry>& entry, const std::vector<Fingerprint>& firing,
                  const std::vector<Fingerprint>& resolved, bool send_resolved,
                  Duration repeat_interval, TimePoint now, bool all_acknowledged) {
    // Never told about this group: only news of firing alerts is worth a first notification.
    if (!entry) return !firing.empty();
    if (!subset(firing, entry->firing)) return true;
    // All resolved: tell the receiver when it knew of firing alerts (whatever send_resolved says,
    // so that the log is cleared of them); alerts that fired and resolved in between it never
    // heard of.
    if (firing.empty()) return !entry->firing.empty();
    if (send_resolved && !subset(resolved, entry->resolved)) return true;
    return !all_acknowledged && entry->at < now - repeat_interval;
}

bool Pipeline::muted_by_time(const RouteOptions& route, TimePoint now) const {
    auto inside = [&](const std::string& name) {
        const auto* interval = parts_.config.time_interval(name);
        return interval != nullptr && interval->contains(now);
    };
    if (!route.active_time_intervals.empty() &&
        std::none_of(route.active_time_intervals.begin(), route.active_time_intervals.end(),
                     inside))
        return true;
    return std::any_of(route.mute_time_intervals.begin(), route.mute_time_intervals.end(), inside);
}

std::vector<bool> Pipeline::run(const std::vector<GroupFlush>& flushes) const {
    std::vector<bool> done(flushes.size(), false);
    std::vector<Committed> committed;
    try {
        parts_.store.batch([&] {
            for (std::size_t i = 0; i < flushes.size(); ++i)
                done[i] = run_one(flushes[i], committed);
        });
    } catch (const std::exception& e) {
        log::error("could not queue notifications; their groups try again at the next flush",
                   {{"groups", flushes.size()}, {"error", e.what()}});
        return std::vector<bool>(flushes.size(), false);
    }
    for (auto& c : committed) {
        parts_.log.set(std::move(c.log));
        if (c.notification) parts_.outbox.submit(std::move(*c.notification), c.superseded);
    }
    return done;
}

bool Pipeline::run_one(const GroupFlush& flush, std::vector<Committed>& committed) const {
    std::vector<Alert> alerts;
    for (const auto& a : flush.alerts)
        if (!parts_.inhibitor.inhibited_by(a.labels, flush.now)) alerts.push_back(a);
    if (alerts.empty() || muted_by_time(flush.route, flush.now)) return true;
    std::erase_if(alerts, [&](const Alert& a) {
        return !parts_.silences.silenced_by(a.labels, flush.now).empty();
    });
    if (alerts.empty()) return true;
    auto found = parts_.receivers.find(flush.route.receiver);
    if (found == parts_.receivers.end()) return true;
    bool all_done = true;
    for (const auto& integration : found->second)
        all_done = notify(flush, alerts, integration, committed) && all_done;
    return all_done;
}

bool Pipeline::notify(const GroupFlush& flush, const std::vector<Alert>& alerts,
                      const Integration& integration, std::vector<Committed>& committed) const {
    std::vector<Fingerprint> firing, resolved;
    bool all_acknowledged = parts_.hooks != nullptr;
    for (const auto& a : alerts) {
        bool is_resolved = a.resolved_at(flush.now);
        (is_resolved ? resolved : firing).push_back(a.fingerprint());
        if (!is_resolved && all_acknowledged)
            all_acknowledged = parts_.hooks->acknowledged(a, flush.now);
    }
    auto log_key = NotificationLog::key(flush.group_key, flush.route.receiver, integration.name);
    bool send_resolved = integration.notifier->send_resolved();
    if (!needs_update(parts_.log.get(log_key), firing, resolved, send_resolved,
                      flush.route.repeat_interval, flush.now, all_acknowledged && !firing.empty()))
        return true;
    LogEntry entry{log_key, firing, resolved, flush.now,
                   flush.now + 2 * flush.route.repeat_interval};
    NotificationData data{.receiver = flush.route.receiver,
                          .group_key = flush.group_key,
                          .alerts = alerts,
                          .group_labels = flush.group_labels,
                          .now = flush.now,
                          .external_url = parts_.external_url};
    if (!send_resolved) data.drop_resolved();
    try {
        if (data.alerts.empty()) {
            // Nothing the integration wants to hear, but the log must know that nothing fires.
            parts_.store.record(entry);
            committed.push_back({std::move(entry), std::nullopt, {}});
            return true;
        }
        OutboxEntry outbox_entry{.idempotency_key = random_uuid(),
                                 .receiver = flush.route.receiver,
                                 .integration = integration.name,
                                 .group_key = flush.group_key,
                                 .log_key = log_key,
                                 .payload = integration.notifier->render(data),
                                 .created_at = flush.now,
                                 .next_attempt_at = flush.now};
        if (const auto* receiver = parts_.config.receiver(flush.route.receiver);
            receiver != nullptr && !receiver->fallback_receiver.empty())
            outbox_entry.data = notification_record(data);
        auto superseded = parts_.store.enqueue(outbox_entry, entry).second;
        committed.push_back({std::move(entry), std::move(outbox_entry), std::move(superseded)});
        return true;
    } catch (const std::exception& e) {
        log::error("could not queue a notification", {{"receiver", flush.route.receiver},
                                                      {"integration", integration.name},
                                                      {"groupKey", flush.group_key},
                                                      {"error", e.what()}});
        return false;
    }
}

}  // namespace stackwatch::notify
