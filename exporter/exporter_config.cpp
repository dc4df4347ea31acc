#include "exporter/exporter_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/redact.hpp"

namespace stackwatch::exporter {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

std::string read_secret_file(const std::string& path, const std::string& what) {
    std::ifstream in(path);
    if (!in) throw ConfigError(what + ": cannot read " + path);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

// A display name for a target taken from its address, without credentials.
std::string name_from_address(const std::string& address) {
    std::string clean = redact(address);
    if (auto at = clean.rfind('@'); at != std::string::npos) clean = clean.substr(at + 1);
    if (auto scheme = clean.find("://"); scheme != std::string::npos) clean = clean.substr(scheme + 3);
    if (auto slash = clean.find('/'); slash != std::string::npos && slash > 0) clean = clean.substr(0, slash);
    if (auto q = clean.find('?'); q != std::string::npos) clean = clean.substr(0, q);
    // key=value DSNs: host and port make the name.
    if (clean.find('=') != std::string::npos) {
        std::string host = "localhost", port = "5432";
        std::stringstream ss(address);
        for (std::string kv; ss >> kv;) {
            if (kv.starts_with("host=")) host = kv.substr(5);
            if (kv.starts_with("port=")) port = kv.substr(5);
        }
        return host + ":" + port;
    }
    return clean;
}

struct AuthModule {
    std::string user;
    std::string password;
    std::map<std::string, std::string> options;
};

std::map<std::string, AuthModule> read_auth_modules(const ConfigNode& node) {
    std::map<std::string, AuthModule> modules;
    for (const auto& [name, module] : node.entries()) {
        module.allow_keys({"type", "userpass", "options"});
        std::string type = module.get_string("type", "userpass");
        if (type != "userpass") module["type"].fail("unsupported auth module type \"" + type + "\" (expected userpass)");
        AuthModule auth;
        auto userpass = module["userpass"];
        userpass.allow_keys({"username", "password", "password_file"});
        auth.user = userpass.get_string("username", "");
        auth.password = userpass.get_string("password", "");
        if (userpass.has("password_file"))
            auth.password = read_secret_file(userpass["password_file"].as_string(), userpass["password_file"].location());
        for (const auto& [key, value] : module["options"].entries()) auth.options[key] = value.as_string();
        modules[name] = auth;
    }
    return modules;
}

}  // namespace

void read_targets(ExporterConfig& config, const ConfigNode& root) {
    if (!root.defined()) return;
    root.allow_keys({"auth_modules", "postgres", "redis", "processes", "health"});
    auto modules = read_auth_modules(root["auth_modules"]);
    for (const auto& item : root["postgres"].items()) {
        item.allow_keys({"name", "dsn", "auth_module", "queries_file", "statement_timeout", "options"});
        PostgresSpec spec;
        spec.dsn = item.require_string("dsn");
        spec.name = item.get_string("name", name_from_address(spec.dsn));
        spec.queries_file = item.get_string("queries_file", "");
        spec.statement_timeout = item.get_duration("statement_timeout", spec.statement_timeout);
        if (item.has("auth_module")) {
            auto module_name = item["auth_module"].as_string();
            auto it = modules.find(module_name);
            if (it == modules.end()) item["auth_module"].fail("no auth module named \"" + module_name + "\"");
            spec.user = it->second.user;
            spec.password = it->second.password;
            spec.options = it->second.options;
        }
        for (const auto& [key, value] : item["options"].entries()) spec.options[key] = value.as_string();
        config.postgres.push_back(std::move(spec));
    }
    for (const auto& item : root["redis"].items()) {
        item.allow_keys({"name", "address", "user", "password", "password_file"});
        RedisSpec spec;
        spec.address = item.require_string("address");
        spec.name = item.get_string("name", name_from_address(spec.address));
        spec.user = item.get_string("user", "");
        spec.password = item.get_string("password", "");
        if (item.has("password_file"))
            spec.password = read_secret_file(item["password_file"].as_string(), item["password_file"].location());
        config.redis.push_back(std::move(spec));
    }
    for (const auto& item : root["processes"].items()) {
        item.allow_keys({"name", "pidfile"});
        config.processes.push_back({item.require_string("name"), item.require_string("pidfile")});
    }
    if (root.has("health")) config.health = root["health"];
}

namespace {

void check_unique_names(const ExporterConfig& config) {
    std::set<std::string> seen;
    auto check = [&](const std::string& name) {
        if (!seen.insert(name).second)
            throw ConfigError((config.config_file.empty() ? "environment" : config.config_file) +
                              ": two targets are named \"" + name + "\"; names must be unique");
    };
    for (const auto& t : config.postgres) check(t.name);
    for (const auto& t : config.redis) check(t.name);
}

}  // namespace

void load_targets(ExporterConfig& config) {
    if (!config.config_file.empty())
        read_targets(config, ConfigNode::load_file(config.config_file));
    // The peers' environment adds targets the file does not already name.
    std::string pg_user = env("DATA_SOURCE_USER");
    std::string pg_pass = env("DATA_SOURCE_PASS");
    if (auto file = env("DATA_SOURCE_PASS_FILE"); !file.empty()) pg_pass = read_secret_file(file, "DATA_SOURCE_PASS_FILE");
    std::vector<std::string> dsns = split_commas(env("DATA_SOURCE_NAME"));
    for (const auto& uri : split_commas(env("DATA_SOURCE_URI")))
        dsns.push_back(uri.find("://") == std::string::npos ? "postgresql://" + uri : uri);
    for (const auto& dsn : dsns) {
        PostgresSpec spec;
        spec.dsn = dsn;
        spec.name = name_from_address(dsn);
        spec.user = pg_user;
        spec.password = pg_pass;
        config.postgres.push_back(std::move(spec));
    }
    std::string redis_password = env("REDIS_PASSWORD");
    if (auto file = env("REDIS_PASSWORD_FILE"); !file.empty()) redis_password = read_secret_file(file, "REDIS_PASSWORD_FILE");
    for (const auto& address : split_commas(env("REDIS_ADDR"))) {
        RedisSpec spec;
        spec.address = address.find("://") == std::string::npos ? "redis://" + address : address;
        spec.name = name_from_address(spec.address);
        spec.user = env("REDIS_USER");
        spec.password = redis_password;
        config.redis.push_back(std::move(spec));
    }
    check_unique_names(config);
}

}  // namespace stackwatch::exporter
