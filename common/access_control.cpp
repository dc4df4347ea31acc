#include "common/access_control.hpp"

#include <filesystem>

#include "common/auth.hpp"
#include "common/config.hpp"

namespace stackwatch {
namespace {

std::string basic_user(const http::Request& request) {
    std::string decoded = base64_decode(credentials(request, "basic").value_or(""));
    return decoded.substr(0, decoded.find(':'));
}

http::Role role_at(const ConfigNode& node) {
    auto role = http::parse_role(node.as_string());
    if (!role)
        node.fail("unknown role \"" + node.as_string() + "\" (expected viewer, operator or admin)");
    return *role;
}

AccessControl::Token token_at(const ConfigNode& entry, const std::filesystem::path& base) {
    entry.require_map();
    entry.allow_keys({"name", "role", "token", "token_file"});
    AccessControl::Token token{entry.require_string("name"), role_at(entry["role"]), ""};
    if (entry.has("token") == entry.has("token_file"))
        entry.fail("a token needs exactly one of token and token_file");
    if (entry.has("token")) {
        token.secret = entry["token"].as_string();
        if (token.secret.empty()) entry["token"].fail("token is empty");
        return token;
    }
    std::filesystem::path path = entry["token_file"].as_string();
    if (path.is_relative()) path = base / path;
    try {
        token.secret = read_token_file(path.string());
    } catch (const std::runtime_error& e) {
        entry["token_file"].fail(e.what());
    }
    return token;
}

}  // namespace

AccessControl::AccessControl(std::vector<Token> tokens,
                             std::shared_ptr<const http::Authenticator> basic_auth,
                             std::map<std::string, http::Role> user_roles)
    : tokens_(std::move(tokens)),
      basic_auth_(std::move(basic_auth)),
      user_roles_(std::move(user_roles)) {}

std::shared_ptr<const AccessControl> AccessControl::load(
    const std::string& tokens_file, const std::string& admin_token_file,
    std::shared_ptr<const http::Authenticator> basic_auth) {
    std::vector<Token> tokens;
    std::map<std::string, http::Role> user_roles;
    if (!tokens_file.empty()) {
        auto root = ConfigNode::load_file(tokens_file);
        root.allow_keys({"tokens", "users"});
        auto base = std::filesystem::path(tokens_file).parent_path();
        for (const auto& entry : root["tokens"].items()) {
            auto token = token_at(entry, base);
            for (const auto& other : tokens)
                if (other.name == token.name)
                    entry["name"].fail("token name \"" + token.name + "\" is used twice");
            tokens.push_back(std::move(token));
        }
        for (const auto& [user, role] : root["users"].entries()) user_roles[user] = role_at(role);
    }
    if (!admin_token_file.empty())
        tokens.push_back({"admin", http::Role::admin, read_token_file(admin_token_file)});
    if (tokens.empty() && !basic_auth) return nullptr;
    return std::make_shared<AccessControl>(std::move(tokens), std::move(basic_auth),
                                           std::move(user_roles));
}

std::optional<http::Principal> AccessControl::identify(const http::Request& request) const {
    auto presented = credentials(request, "bearer");
    // Browsers' EventSource and WebSocket cannot set headers; the access log never has queries.
    if (!presented && !request.header("authorization")) presented = request.query_param("access_token");
    if (presented) {
        // Every token is compared, so the time taken does not tell which one nearly matched.
        const Token* found = nullptr;
        for (const auto& token : tokens_)
            if (constant_time_equals(*presented, token.secret) && found == nullptr) found = &token;
        if (found == nullptr) return std::nullopt;
        return http::Principal{found->name, found->role};
    }
    if (!basic_auth_ || !basic_auth_->authenticate(request)) return std::nullopt;
    auto user = basic_user(request);
    auto role = user_roles_.find(user);
    return http::Principal{user, role == user_roles_.end() ? http::Role::viewer : role->second};
}

std::string AccessControl::challenge() const {
    return tokens_.empty() ? basic_auth_->challenge() : "Bearer";
}

}  // namespace stackwatch
