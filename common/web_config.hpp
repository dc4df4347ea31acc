#pragma once
// The exporter-toolkit web configuration file (--web.config.file) that Prometheus exporters
// share: TLS for the listener and basic-auth users with bcrypt hashes.

#include <memory>
#include <optional>
#include <string>

#include "common/http_server.hpp"

namespace stackwatch {

struct WebConfig {
    std::optional<http::TlsOptions> tls;
    std::shared_ptr<const http::Authenticator> basic_auth;  // null when no users are configured
};

// An empty path means no file: plain HTTP, no authentication. Throws ConfigError naming the file,
// line and key for anything wrong, including a password that is not a bcrypt hash.
WebConfig load_web_config(const std::string& path);

}  // namespace stackwatch
