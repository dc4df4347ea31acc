#pragma once
// email_configs through libcurl's SMTP: Alertmanager's message (Subject/To/From and the
// configured headers Q-encoded, Message-Id, Date, multipart/alternative with quoted-printable
// text and HTML parts from the templates), STARTTLS when require_tls (the default), implicit TLS
// on port 465, and AUTH with the mechanism the server offers (CRAM-MD5 when auth_secret is set).

#include <memory>

#include "ruler/notify/notifier.hpp"
#include "ruler/notify/receiver_config.hpp"
#include "ruler/notify/templates.hpp"

namespace stackwatch::notify {

class EmailNotifier : public Notifier {
  public:
    EmailNotifier(EmailConfig config, std::shared_ptr<const NotificationTemplates> templates);
    const char* integration() const override { return "email"; }
    bool send_resolved() const override { return config_.send_resolved; }
    // The envelope and the whole message, as JSON; what cannot be addressed renders an error
    // that delivery reports as final.
    std::string render(const NotificationData& data) const override;
    DeliveryResult deliver(const std::string& payload,
                           const std::string& idempotency_key) const override;

  private:
    EmailConfig config_;
    std::shared_ptr<const NotificationTemplates> templates_;
    std::string hostname_;
};

}  // namespace stackwatch::notify
