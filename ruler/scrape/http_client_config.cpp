#include "ruler/scrape/http_client_config.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace stackwatch::scrape {
namespace {

std::filesystem::path resolve_file(const ConfigNode& node) {
    std::filesystem::path file = node.as_string();
    if (file.is_relative()) file = std::filesystem::path(node.file()).parent_path() / file;
    return file;
}

// Prometheus trims secret files, so a trailing newline from an editor is not part of the secret.
std::string read_secret(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read secret file " + file.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string secret = buffer.str();
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    secret.erase(std::find_if(secret.rbegin(), secret.rend(), not_space).base(), secret.end());
    secret.erase(secret.begin(), std::find_if(secret.begin(), secret.end(), not_space));
    return secret;
}

BasicAuth parse_basic_auth(const ConfigNode& node) {
    node.allow_keys({"username", "password", "password_file"});
    if (node.has("password") && node.has("password_file"))
        node.fail("at most one of basic_auth password & password_file must be configured");
    BasicAuth auth;
    auth.username = node.get_string("username", "");
    auth.password = node.get_string("password", "");
    if (node.has("password_file")) auth.password_file = resolve_file(node["password_file"]);
    return auth;
}

Authorization parse_authorization(const ConfigNode& node) {
    node.allow_keys({"type", "credentials", "credentials_file"});
    if (node.has("credentials") && node.has("credentials_file"))
        node.fail("at most one of authorization credentials & credentials_file must be configured");
    Authorization auth;
    auth.type = node.get_string("type", auth.type);
    std::string lowered = auth.type;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lowered == "basic")
        node["type"].fail(
            "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    auth.credentials = node.get_string("credentials", "");
    if (node.has("credentials_file"))
        auth.credentials_file = resolve_file(node["credentials_file"]);
    return auth;
}

}  // namespace

void HttpAuth::apply(http::ClientRequest& request) const {
    if (basic_auth) {
        request.basic_user = basic_auth->username;
        request.basic_password = basic_auth->password_file.empty()
                                     ? basic_auth->password
                                     : read_secret(basic_auth->password_file);
    }
    if (authorization) {
        std::string credentials = authorization->credentials_file.empty()
                                      ? authorization->credentials
                                      : read_secret(authorization->credentials_file);
        request.headers.emplace_back("Authorization", authorization->type + " " + credentials);
    }
}

HttpAuth parse_http_auth(const ConfigNode& parent) {
    HttpAuth auth;
    if (parent.has("basic_auth") && parent.has("authorization"))
        parent.fail("at most one of basic_auth & authorization must be configured");
    if (parent.has("basic_auth")) auth.basic_auth = parse_basic_auth(parent["basic_auth"]);
    if (parent.has("authorization"))
        auth.authorization = parse_authorization(parent["authorization"]);
    return auth;
}

std::string encode_query(const std::vector<std::pair<std::string, std::string>>& params) {
    auto escape = [](const std::string& text) {
        // libcurl ignores the handle argument for escaping, so none is created.
        std::unique_ptr<char, decltype(&curl_free)> escaped(
            curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), curl_free);
        return std::string(escaped.get());
    };
    std::string query;
    for (const auto& [name, value] : params) {
        if (!query.empty()) query += '&';
        query += escape(name) + "=" + escape(value);
    }
    return query;
}

}  // namespace stackwatch::scrape
