#pragma once
// What scrapes and the remote datasource share about calling out over HTTP: credentials in
// Prometheus's own config shape (basic_auth {username, password, password_file}, authorization
// {type, credentials, credentials_file}) and query-string encoding. Secret files are read per
// request, so rotating a secret needs no reload.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config.hpp"
#include "common/http_client.hpp"

namespace stackwatch::scrape {

struct BasicAuth {
    std::string username;
    std::string password;
    std::filesystem::path password_file;
    bool operator==(const BasicAuth&) const = default;
};

struct Authorization {
    std::string type = "Bearer";
    std::string credentials;
    std::filesystem::path credentials_file;
    bool operator==(const Authorization&) const = default;
};

struct HttpAuth {
    std::optional<BasicAuth> basic_auth;
    std::optional<Authorization> authorization;

    // Adds the credentials to the request. Throws std::runtime_error naming the file (never its
    // content) when a secret file cannot be read.
    void apply(http::ClientRequest& request) const;
    bool operator==(const HttpAuth&) const = default;
};

// Reads `basic_auth` and `authorization` under `parent`, with Prometheus's checks: at most one of
// the two, at most one of a secret and its file. Relative files resolve against the config file.
HttpAuth parse_http_auth(const ConfigNode& parent);

// "a=1&b=x%20y": names and values percent-encoded, in the given order.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace stackwatch::scrape
