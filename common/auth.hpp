#pragma once
// Credentials checked per route: a bearer token (from a file or the environment) and HTTP basic
// auth with bcrypt hashes as in the exporter-toolkit web-config.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/http_server.hpp"

namespace stackwatch {

// The first line of a token file, trimmed; throws std::runtime_error naming the file when it is
// unreadable or empty.
std::string read_token_file(const std::string& path);

// What follows "Scheme " in the Authorization header (scheme lower-case), trimmed.
std::optional<std::string> credentials(const http::Request& request, std::string_view scheme);

// Compares in time that depends only on the lengths, so a token cannot be guessed byte by byte.
bool constant_time_equals(std::string_view a, std::string_view b);

class BearerTokenAuth : public http::Authenticator {
public:
    explicit BearerTokenAuth(std::string token);
    // Reads the first line of the file; throws std::runtime_error naming the file when it is
    // unreadable or empty.
    static BearerTokenAuth from_file(const std::string& path);
    bool authenticate(const http::Request& request) const override;
    std::string challenge() const override { return "Bearer"; }

private:
    std::string token_;
};

class BasicAuth : public http::Authenticator {
public:
    // user -> bcrypt hash ($2a$, $2b$ or $2y$)
    explicit BasicAuth(std::map<std::string, std::string> users);
    bool authenticate(const http::Request& request) const override;
    std::string challenge() const override { return "Basic realm=\"stackwatch\""; }

private:
    std::map<std::string, std::string> users_;
};

std::string base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace stackwatch
