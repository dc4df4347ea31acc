#pragma once
// `scrape_configs` in Prometheus's own shape (static_configs only), with its defaults and checks:
// intervals and timeouts from `global`, a timeout never above its interval, unique job names.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "ruler/scrape/http_client_config.hpp"

namespace stackwatch::scrape {

struct StaticConfig {
    std::vector<std::string> targets;  // host:port
    std::map<std::string, std::string> labels;
    bool operator==(const StaticConfig&) const = default;
};

struct ScrapeConfig {
    std::string job_name;
    Duration scrape_interval{0};
    Duration scrape_timeout{0};
    std::string metrics_path = "/metrics";
    std::string scheme = "http";
    std::map<std::string, std::vector<std::string>> params;
    bool honor_labels = false;
    bool honor_timestamps = true;
    HttpAuth auth;
    std::uint64_t sample_limit = 0;  // 0: unlimited
    std::vector<StaticConfig> static_configs;
    bool operator==(const ScrapeConfig&) const = default;
};

struct ScrapeDefaults {
    Duration scrape_interval = std::chrono::minutes(1);
    Duration scrape_timeout = std::chrono::seconds(10);
};

// scrape_interval and scrape_timeout of a `global` section; its other keys belong to the caller.
ScrapeDefaults parse_scrape_defaults(const ConfigNode& global);
std::vector<ScrapeConfig> parse_scrape_configs(const ConfigNode& scrape_configs,
                                               const ScrapeDefaults& defaults);
// Both of the above from a whole configuration file.
std::vector<ScrapeConfig> parse_scrape_configs(const ConfigNode& root);

}  // namespace stackwatch::scrape
