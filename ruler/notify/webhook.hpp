#pragma once
// webhook_configs: Alertmanager's webhook message, version "4", posted as JSON.

#include <nlohmann/json.hpp>

#include "ruler/notify/http_delivery.hpp"
#include "ruler/notify/receiver_config.hpp"

namespace stackwatch::notify {

class WebhookNotifier : public Notifier {
  public:
    explicit WebhookNotifier(WebhookConfig config) : config_(std::move(config)) {}
    const char* integration() const override { return "webhook"; }
    bool send_resolved() const override { return config_.send_resolved; }
    std::string render(const NotificationData& data) const override;
    DeliveryResult deliver(const std::string& payload,
                           const std::string& idempotency_key) const override;

  private:
    WebhookConfig config_;
};

// template.Data as Alertmanager's webhook and its templates see it, with fields in Go's order.
nlohmann::ordered_json template_data_json(const NotificationData& data);

}  // namespace stackwatch::notify
