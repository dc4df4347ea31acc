#include "common/web_config.hpp"

#include <filesystem>
#include <map>

#include "common/auth.hpp"
#include "common/config.hpp"

namespace stackwatch {

WebConfig load_web_config(const std::string& path) {
    WebConfig web;
    if (path.empty()) return web;
    auto root = ConfigNode::load_file(path);
    if (!root.defined()) return web;
    root.allow_keys({"tls_server_config", "basic_auth_users", "http_server_config"});
    auto tls = root["tls_server_config"];
    if (tls.defined()) {
        tls.allow_keys({"cert_file", "key_file", "min_version", "max_version", "client_auth_type",
                        "client_ca_file", "cipher_suites", "prefer_server_cipher_suites",
                        "curve_preferences"});
        http::TlsOptions options;
        options.cert_file = tls.require_string("cert_file");
        options.key_file = tls.require_string("key_file");
        options.min_version = tls.get_string("min_version", "TLS12");
        if (options.min_version != "TLS10" && options.min_version != "TLS11" &&
            options.min_version != "TLS12" && options.min_version != "TLS13")
            tls["min_version"].fail("unknown TLS version \"" + options.min_version +
                                    "\" (expected TLS10, TLS11, TLS12 or TLS13)");
        // Relative paths are relative to the web config, as in exporter-toolkit.
        auto base = std::filesystem::path(path).parent_path();
        for (auto* file : {&options.cert_file, &options.key_file}) {
            if (!file->empty() && std::filesystem::path(*file).is_relative()) *file = (base / *file).string();
        }
        for (const auto& [key, file] : {std::pair{"cert_file", options.cert_file}, {"key_file", options.key_file}})
            if (!std::filesystem::exists(file)) tls[key].fail("file " + file + " does not exist");
        web.tls = options;
    }
    std::map<std::string, std::string> users;
    for (const auto& [user, hash] : root["basic_auth_users"].entries()) {
        std::string value = hash.as_string();
        if (!(value.starts_with("$2a$") || value.starts_with("$2b$") || value.starts_with("$2y$")))
            hash.fail("password of user \"" + user + "\" must be a bcrypt hash");
        users[user] = value;
    }
    if (!users.empty()) web.basic_auth = std::make_shared<BasicAuth>(users);
    return web;
}

}  // namespace stackwatch
