#pragma once
// slack_configs: one attachment in Alertmanager's shape, every text field a template, posted to
// the incoming-webhook URL (from api_url, api_url_file or global.slack_api_url).

#include <memory>

#include "ruler/notify/http_delivery.hpp"
#include "ruler/notify/receiver_config.hpp"
#include "ruler/notify/templates.hpp"

namespace stackwatch::notify {

class SlackNotifier : public Notifier {
  public:
    SlackNotifier(SlackConfig config, std::shared_ptr<const NotificationTemplates> templates)
        : config_(std::move(config)), templates_(std::move(templates)) {}
    const char* integration() const override { return "slack"; }
    bool send_resolved() const override { return config_.send_resolved; }
    std::string render(const NotificationData& data) const override;
    DeliveryResult deliver(const std::string& payload,
                           const std::string& idempotency_key) const override;

  private:
    SlackConfig config_;
    std::shared_ptr<const NotificationTemplates> templates_;
};

}  // namespace stackwatch::notify
