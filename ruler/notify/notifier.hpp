#pragma once
// The one interface every receiver integration implements. A notification is rendered once,
// when the pipeline decides to send it, and the rendered payload is what the outbox keeps and
// retries, so a restart or a reload never re-renders or loses it.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ruler/notify/alert.hpp"

namespace stackwatch::notify {

// template.Data: what templates and payloads are made from.
struct NotificationData {
    std::string receiver;
    std::string group_key;
    std::vector<Alert> alerts;  // in notification order; a firing alert's ends_at is cleared
    promql::Labels group_labels;
    TimePoint now{};
    std::string external_url;
    std::size_t truncated = 0;

    bool firing() const;  // any alert still firing
    std::size_t firing_count() const;
    std::size_t resolved_count() const;
    promql::Labels common_labels() const;
    // For an integration with send_resolved off: only the alerts still firing.
    void drop_resolved();
    std::map<std::string, std::string> common_annotations() const;
};

struct DeliveryResult {
    bool ok = false;
    bool retry = false;  // worth another attempt (5xx, 429, a network failure)
    std::optional<std::chrono::milliseconds> retry_after;  // what a 429 or 503 asked for
    std::string error;
};

class Notifier {
  public:
    virtual ~Notifier() = default;
    virtual const char* integration() const = 0;  // "webhook", "slack", "email"
    virtual bool send_resolved() const = 0;
    // Throws nothing: a template that fails still renders best-effort text (Alertmanager #3490).
    virtual std::string render(const NotificationData& data) const = 0;
    // Sends a rendered payload; `idempotency_key` travels with it so a receiver can drop the
    // one copy a crash mid-send may repeat.
    virtual DeliveryResult deliver(const std::string& payload,
                                   const std::string& idempotency_key) const = 0;
};

}  // namespace stackwatch::notify
