#include "ruler/notify/environment_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdlib>

namespace stackwatch::notify {

std::optional<std::string> process_getenv(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

std::string environment_config_text(const Getenv& getenv) {
    YAML::Node root;
    root["route"]["receiver"] = "default";
    YAML::Node receiver;
    receiver["name"] = "default";
    auto host = getenv("SMTP_HOST");
    auto to = getenv("ALERT_EMAIL");
    if (host && to) {
        YAML::Node email;
        email["to"] = *to;
        email["smarthost"] = *host + ":" + getenv("SMTP_PORT").value_or("587");
        auto user = getenv("SMTP_USER");
        email["from"] = getenv("SMTP_FROM").value_or(user.value_or("stackwatch@" + *host));
        if (user) email["auth_username"] = *user;
        if (auto password = getenv("SMTP_PASS")) email["auth_password"] = *password;
        email["send_resolved"] = true;
        receiver["email_configs"].push_back(email);
    }
    root["receivers"].push_back(receiver);
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
}

}  // namespace stackwatch::notify
