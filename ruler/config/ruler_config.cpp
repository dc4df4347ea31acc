#include "ruler/config/ruler_config.hpp"

#include <glob.h>

#include <algorithm>
#include <filesystem>

namespace stackwatch::ruler {
namespace {

std::vector<std::string> expand_glob(const std::string& pattern, const ConfigNode& where) {
    glob_t matches{};
    int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &matches);
    std::vector<std::string> files;
    if (rc == 0)
        for (size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
    globfree(&matches);
    if (rc != 0 && rc != GLOB_NOMATCH) where.fail("cannot expand \"" + pattern + "\"");
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

RulerConfig load_ruler_config(const std::string& path) {
    return parse_ruler_config(ConfigNode::load_file(path), path);
}

RulerConfig parse_ruler_config(const ConfigNode& root, const std::string& path) {
    RulerConfig config;
    config.file = path;
    root.allow_keys({"global", "rule_files", "scrape_configs", "datasource", "notify_config_file",
                     "alerting", "error_tracking", "remote_write"});
    auto global = root["global"];
    global.allow_keys({"scrape_interval", "scrape_timeout", "evaluation_interval",
                       "external_labels", "external_url", "query_log_file"});
    config.evaluation_interval =
        global.get_duration("evaluation_interval", config.evaluation_interval);
    if (config.evaluation_interval.count() <= 0)
        global["evaluation_interval"].fail("must be positive");
    config.external_url = global.get_string("external_url", "");
    std::vector<promql::Label> external;
    for (const auto& [name, value] : global["external_labels"].entries())
        external.push_back({name, value.as_string()});
    config.external_labels = promql::Labels(std::move(external));

    auto base = std::filesystem::path(path).parent_path();
    for (const auto& item : root["rule_files"].items()) {
        std::string pattern = item.as_string();
        if (std::filesystem::path(pattern).is_relative()) pattern = (base / pattern).string();
        for (auto& file : expand_glob(pattern, item)) config.rule_files.push_back(std::move(file));
    }
    if (root.has("notify_config_file")) {
        std::filesystem::path notify = root["notify_config_file"].as_string();
        config.notify_config_file = (notify.is_relative() ? base / notify : notify).string();
    }
    config.alertmanagers = notify::parse_alerting(root["alerting"]);
    config.remote_write = remote_write::parse_remote_write(root["remote_write"]);
    config.scrape_configs = scrape::parse_scrape_configs(root);
    if (root.has("datasource")) config.datasource = root["datasource"];
    config.error_tracking = errors::parse_error_tracking(root["error_tracking"]);
    return config;
}

}  // namespace stackwatch::ruler
