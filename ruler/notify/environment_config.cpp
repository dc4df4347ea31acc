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
    // The server goes in `global`, so email channels of rules made through the API use it too.
    auto host = getenv("SMTP_HOST");
    if (host) {
        auto user = getenv("SMTP_USER");
        root["global"]["smtp_smarthost"] = *host + ":" + getenv("SMTP_PORT").value_or("587");
        root["global"]["smtp_from"] =
            getenv("SMTP_FROM").value_or(user.value_or("stackwatch@" + *host));
        if (user) root["global"]["smtp_auth_username"] = *user;
        if (auto password = getenv("SMTP_PASS")) root["global"]["smtp_auth_password"] = *password;
    }
    root["route"]["receiver"] = "default";
    YAML::Node receiver;
    receiver["name"] = "default";
    if (auto to = getenv("ALERT_EMAIL"); host && to) {
        YAML::Node email;
        email["to"] = *to;
        email["send_resolved"] = true;
        receiver["email_configs"].push_back(email);
    }
    root["receivers"].push_back(receiver);
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
}

}  // namespace stackwatch::notify
