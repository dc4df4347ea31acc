#pragma once
// ruler.yml in Prometheus's shape (global, rule_files, scrape_configs) plus a `datasource`
// section for the remote mode, `notify_config_file` (the Alertmanager file for notifications) and
// `alerting.alertmanagers` (real Alertmanagers that get the alerts too), `error_tracking` and
// `remote_write` (where rule results are written).

#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "ruler/errors/error_tracking_config.hpp"
#include "ruler/notify/alertmanager_forwarder.hpp"
#include "ruler/promql/value.hpp"
#include "ruler/remote_write/remote_write_config.hpp"
#include "ruler/scrape/scrape_config.hpp"

namespace stackwatch::ruler {

struct RulerConfig {
    std::string file;
    Duration evaluation_interval{60'000};
    promql::Labels external_labels;
    std::string external_url;
    std::vector<std::string> rule_files;  // globs expanded, relative to the config file
    std::vector<scrape::ScrapeConfig> scrape_configs;
    std::optional<ConfigNode> datasource;  // absent: the embedded store
    std::string notify_config_file;        // an Alertmanager configuration, relative to this file
    std::vector<notify::AlertmanagerTarget>
        alertmanagers;  // alerting.alertmanagers: where alerts also go
    errors::ErrorTrackingConfig error_tracking;
    std::vector<remote_write::RemoteWriteConfig> remote_write;  // where rule results also go
};

// Throws ConfigError naming file:line:column and the key.
RulerConfig load_ruler_config(const std::string& path);
// The same from the file's YAML; rule_files globs are expanded relative to `path`.
RulerConfig parse_ruler_config(const ConfigNode& root, const std::string& path);

}  // namespace stackwatch::ruler
