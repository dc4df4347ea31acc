#pragma once
// The notification configuration when no Alertmanager file is given: the runbook's
// environment (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASS, ALERT_EMAIL, and SMTP_FROM) becomes
// one email receiver for every alert; without them every alert goes to a receiver with no
// integrations, so the API and the log still see it.

#include <functional>
#include <optional>
#include <string>

namespace stackwatch::notify {

using Getenv = std::function<std::optional<std::string>(const std::string& name)>;

// Alertmanager YAML for the environment's settings.
std::string environment_config_text(const Getenv& getenv);
std::optional<std::string> process_getenv(const std::string& name);

}  // namespace stackwatch::notify
