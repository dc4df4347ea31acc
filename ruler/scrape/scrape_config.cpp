#include "ruler/scrape/scrape_config.hpp"

#include <set>

namespace stackwatch::scrape {
namespace {

bool is_label_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

Duration positive_duration(const ConfigNode& parent, std::string_view key, Duration fallback) {
    Duration d = parent.get_duration(key, fallback);
    if (d.count() <= 0) parent[key].fail("must be greater than 0");
    return d;
}

StaticConfig parse_static_config(const ConfigNode& node) {
    node.allow_keys({"targets", "labels"});
    StaticConfig config;
    for (const auto& item : node["targets"].items()) {
        std::string target = item.as_string();
        // Like Prometheus: a target is host:port; scheme and path come from the job.
        if (target.empty() || target.find('/') != std::string::npos)
            item.fail("\"" + target + "\" is not a valid hostname");
        config.targets.push_back(std::move(target));
    }
    for (const auto& [name, value] : node["labels"].entries()) {
        if (!is_label_name(name)) value.fail("\"" + name + "\" is not a valid label name");
        config.labels[name] = value.as_string();
    }
    return config;
}

ScrapeConfig parse_scrape_config(const ConfigNode& node, const ScrapeDefaults& defaults) {
    node.require_map();
    node.allow_keys({"job_name", "scrape_interval", "scrape_timeout", "metrics_path", "scheme",
                     "params", "honor_labels", "honor_timestamps", "basic_auth", "authorization",
                     "sample_limit", "static_configs"});
    ScrapeConfig config;
    config.job_name = node.require_string("job_name");
    if (config.job_name.empty()) node["job_name"].fail("job_name is empty");
    config.scrape_interval = positive_duration(node, "scrape_interval", defaults.scrape_interval);
    // Prometheus caps an inherited timeout at the job's own interval; an explicit one must fit.
    config.scrape_timeout = positive_duration(
        node, "scrape_timeout", std::min(defaults.scrape_timeout, config.scrape_interval));
    if (config.scrape_timeout > config.scrape_interval)
        node["scrape_timeout"].fail(
            "scrape timeout greater than scrape interval for scrape config with job name \"" +
            config.job_name + "\"");
    config.metrics_path = node.get_string("metrics_path", config.metrics_path);
    if (!config.metrics_path.starts_with("/")) node["metrics_path"].fail("must start with '/'");
    config.scheme = node.get_string("scheme", config.scheme);
    if (config.scheme != "http" && config.scheme != "https")
        node["scheme"].fail("must be http or https, got \"" + config.scheme + "\"");
    for (const auto& [name, values] : node["params"].entries())
        config.params[name] = values.as_string_list();
    config.honor_labels = node.get_bool("honor_labels", false);
    config.honor_timestamps = node.get_bool("honor_timestamps", true);
    config.auth = parse_http_auth(node);
    std::int64_t limit = node.get_int("sample_limit", 0);
    if (limit < 0) node["sample_limit"].fail("must not be negative");
    config.sample_limit = static_cast<std::uint64_t>(limit);
    for (const auto& item : node["static_configs"].items())
        config.static_configs.push_back(parse_static_config(item));
    return config;
}

}  // namespace

ScrapeDefaults parse_scrape_defaults(const ConfigNode& global) {
    ScrapeDefaults defaults;
    defaults.scrape_interval =
        positive_duration(global, "scrape_interval", defaults.scrape_interval);
    // As in Prometheus, an unset global timeout shrinks to a shorter global interval.
    defaults.scrape_timeout = positive_duration(
        global, "scrape_timeout", std::min(defaults.scrape_timeout, defaults.scrape_interval));
    if (defaults.scrape_timeout > defaults.scrape_interval)
        global["scrape_timeout"].fail("global scrape timeout greater than scrape interval");
    return defaults;
}

std::vector<ScrapeConfig> parse_scrape_configs(const ConfigNode& scrape_configs,
                                               const ScrapeDefaults& defaults) {
    std::vector<ScrapeConfig> configs;
    std::set<std::string> jobs;
    for (const auto& item : scrape_configs.items()) {
        configs.push_back(parse_scrape_config(item, defaults));
        if (!jobs.insert(configs.back().job_name).second)
            item["job_name"].fail("found multiple scrape configs with job name \"" +
                                  configs.back().job_name + "\"");
    }
    return configs;
}

std::vector<ScrapeConfig> parse_scrape_configs(const ConfigNode& root) {
    return parse_scrape_configs(root["scrape_configs"], parse_scrape_defaults(root["global"]));
}

}  // namespace stackwatch::scrape
