#pragma once
// Who may do what: bearer tokens with roles from a file (--web.tokens-file), the single admin
// token of --web.auth-token-file, and the basic-auth users of --web.config.file with the roles
// the tokens file gives them. A bearer token may also come as ?access_token= (for EventSource
// and WebSocket clients). Tokens are compared in constant time and never logged.
//
//   tokens:
//     - {name: grafana, role: viewer, token_file: grafana.token}
//     - {name: oncall-bot, role: operator, token: "${ONCALL_TOKEN}"}
//   users: {alice: admin}        # basic_auth_users; an unlisted user is a viewer

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/http_server.hpp"

namespace stackwatch {

class AccessControl : public http::Authenticator {
  public:
    struct Token {
        std::string name;
        http::Role role;
        std::string secret;
    };

    AccessControl(std::vector<Token> tokens, std::shared_ptr<const http::Authenticator> basic_auth,
                  std::map<std::string, http::Role> user_roles);

    // Either file may be empty; null when neither gives any credential (the API stays open).
    // Throws ConfigError naming the file, line and key.
    static std::shared_ptr<const AccessControl> load(
        const std::string& tokens_file, const std::string& admin_token_file,
        std::shared_ptr<const http::Authenticator> basic_auth);

    bool authenticate(const http::Request& request) const override {
        return identify(request).has_value();
    }
    std::optional<http::Principal> identify(const http::Request& request) const override;
    std::string challenge() const override;

  private:
    std::vector<Token> tokens_;
    std::shared_ptr<const http::Authenticator> basic_auth_;
    std::map<std::string, http::Role> user_roles_;
};

}  // namespace stackwatch
