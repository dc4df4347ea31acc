#include "ruler/notify/test_command.hpp"

#include <ostream>

#include "ruler/notify/config.hpp"
#include "ruler/notify/pipeline.hpp"
#include "ruler/notify/templates.hpp"

namespace stackwatch::notify {

int test_receiver(const std::string& config_file, const std::string& receiver, std::ostream& out,
                  std::ostream& err) {
    if (config_file.empty() || receiver.empty()) {
        err << "stackwatch-ruler: error: notify test needs --notify.config.file and --receiver\n";
        return 2;
    }
    NotifyConfig config;
    std::shared_ptr<const NotificationTemplates> templates;
    try {
        config = load_notify_config(config_file);
        templates = std::make_shared<const NotificationTemplates>(
            NotificationTemplates::load(config.templates));
    } catch (const std::exception& e) {
        err << "stackwatch-ruler: error: " << e.what() << "\n";
        return 1;
    }
    auto receivers = build_receivers(config, templates);
    auto found = receivers.find(receiver);
    if (found == receivers.end()) {
        err << "stackwatch-ruler: error: no receiver named \"" << receiver << "\" in "
            << config_file << "\n";
        return 1;
    }
    if (found->second.empty()) {
        out << "receiver " << receiver << " has no integrations stackwatch sends through\n";
        return 1;
    }
    auto now = Clock::now();
    Alert alert;
    alert.labels =
        promql::Labels{{"alertname", "StackwatchTestNotification"}, {"severity", "none"}};
    alert.annotations = {{"summary", "A test notification from stackwatch-ruler notify test"}};
    alert.starts_at = now;
    NotificationData data{
        .receiver = receiver,
        .group_key = "{}:{alertname=\"StackwatchTestNotification\"}",
        .alerts = {alert},
        .group_labels = promql::Labels{{"alertname", "StackwatchTestNotification"}},
        .now = now};
    int status = 0;
    for (const auto& integration : found->second) {
        auto result =
            integration.notifier->deliver(integration.notifier->render(data), "notify-test");
        out << receiver << "/" << integration.name << ": "
            << (result.ok ? "ok" : "FAILED: " + result.error) << "\n";
        if (!result.ok) status = 1;
    }
    return status;
}

}  // namespace stackwatch::notify
