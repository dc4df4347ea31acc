#pragma once
// What happens to a group's flush, in Alertmanager's order of stages: inhibition, the route's
// active and mute time intervals, silences, then per integration of the receiver dedup against
// the notification log and, when something is new or the repeat interval has passed, a rendered
// notification committed to the outbox together with its log entry.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ruler/notify/alert_hooks.hpp"
#include "ruler/notify/config.hpp"
#include "ruler/notify/dispatcher.hpp"
#include "ruler/notify/inhibit.hpp"
#include "ruler/notify/notification_log.hpp"
#include "ruler/notify/notifier.hpp"
#include "ruler/notify/outbox.hpp"
#include "ruler/notify/silence.hpp"
#include "ruler/notify/templates.hpp"

namespace stackwatch::notify {

struct Integration {
    std::string name;  // "webhook[0]": the kind and its index among the receiver's configs
    std::shared_ptr<const Notifier> notifier;
};
using Receivers = std::map<std::string, std::vector<Integration>>;

// Builds every receiver's integrations from the configuration; they render with `templates`.
Receivers build_receivers(const NotifyConfig& config,
                          std::shared_ptr<const NotificationTemplates> templates);

class Pipeline {
  public:
    struct Parts {
        const NotifyConfig& config;
        const Receivers& receivers;
        const Inhibitor& inhibitor;
        const Silences& silences;
        NotificationLog& log;
        NotifyStore& store;
        Outbox& outbox;
        std::string external_url;
        const AlertHooks* hooks = nullptr;  // acknowledgements hold back repeats
    };
    explicit Pipeline(Parts parts) : parts_(std::move(parts)) {}

    // For each flush, true when every integration is done with it: notified, nothing to tell,
    // or muted. The notifications of all of them are committed in one transaction, and only
    // then handed to the outbox and the in-memory log.
    std::vector<bool> run(const std::vector<GroupFlush>& flushes) const;

  private:
    // What a flush leaves for after the commit.
    struct Committed {
        LogEntry log;
        std::optional<OutboxEntry> notification;
        std::vector<std::int64_t> superseded;
    };
    bool run_one(const GroupFlush& flush, std::vector<Committed>& committed) const;
    bool muted_by_time(const RouteOptions& route, TimePoint now) const;
    bool notify(const GroupFlush& flush, const std::vector<Alert>& alerts,
                const Integration& integration, std::vector<Committed>& committed) const;
    Parts parts_;
};

// DedupStage.needsUpdate: whether an integration must hear about the group now. A group whose
// firing alerts are all acknowledged is not repeated; news (a new firing, a resolution) still
// goes out.
bool needs_update(const std::optional<LogEntry>& entry, const std::vector<Fingerprint>& firing,
                  const std::vector<Fingerprint>& resolved, bool send_resolved,
                  Duration repeat_interval, TimePoint now, bool all_acknowledged = false);

}  // namespace stackwatch::notify
