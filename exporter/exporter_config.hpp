#pragma once
// Everything the exporter is told: flags in the peers' style, the peers' environment variables
// (DATA_SOURCE_NAME, REDIS_ADDR, ...) and an optional YAML file naming several targets with
// their credentials (auth modules) and per-target options.

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace stackwatch::exporter {

struct PostgresSpec {
    std::string name;
    std::string dsn;  // libpq URI or key=value
    std::string user;  // from an auth module, overriding the DSN's
    std::string password;
    std::map<std::string, std::string> options;  // extra libpq options, e.g. sslmode
    std::string queries_file;                    // postgres_exporter queries.yaml format
    std::chrono::milliseconds statement_timeout{5000};
};

struct RedisSpec {
    std::string name;
    std::string address;  // redis://host:port, unix:///path
    std::string user;
    std::string password;
};

struct ProcessSpec {
    std::string name;  // the groupname label
    std::string pidfile;
};

struct ExporterConfig {
    std::string listen_address = ":19187";
    std::string telemetry_path = "/metrics";
    std::string config_file;
    std::string log_level = "info";
    std::string log_format = "json";
    std::string log_dir;
    std::string web_config_file;   // exporter-toolkit web-config.yml (TLS, basic auth)
    std::string auth_token_file;   // bearer token for /health/detailed and /monitoring/*
    std::string errors_report_url;         // a ruler's /monitoring/errors for own failures
    std::string errors_report_token_file;  // an operator token for it
    std::chrono::milliseconds default_scrape_timeout{10000};
    std::chrono::milliseconds timeout_offset{500};
    std::map<std::string, bool> collectors;  // --[no-]collector.<name> overrides
    std::vector<PostgresSpec> postgres;
    std::vector<RedisSpec> redis;
    std::vector<ProcessSpec> processes;
    std::optional<ConfigNode> health;  // the health: section, read by the health service
};

// Reads the YAML file (when named) and the environment into `config`. Throws ConfigError with
// file:line:column for anything wrong.
void load_targets(ExporterConfig& config);
// The targets a file's YAML names (auth_modules, postgres, redis, processes, health), added to
// `config`: what load_targets reads from config_file. Throws ConfigError.
void read_targets(ExporterConfig& config, const ConfigNode& root);

}  // namespace stackwatch::exporter
