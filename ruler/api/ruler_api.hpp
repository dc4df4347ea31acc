#pragma once
// The ruler's HTTP API in Prometheus's shapes: /api/v1/rules, /api/v1/alerts, /api/v1/targets,
// /api/v1/query (embedded store), /-/reload, /-/healthy, /-/ready, and /metrics.

#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>

#include "common/http_server.hpp"
#include "ruler/rules/rule_manager.hpp"
#include "ruler/scrape/scrape_manager.hpp"

namespace stackwatch::ruler {

struct ApiDeps {
    RuleManager& rules;
    scrape::ScrapeManager& scrapes;
    datasource::Datasource& data;  // what /api/v1/query answers from
    std::shared_ptr<prometheus::Registry> registry;
    // Reloads the configuration; returns the errors (empty on success).
    std::function<std::vector<std::string>()> reload;
};

void register_api(http::Server& server, ApiDeps deps, std::shared_ptr<const http::Authenticator> token);

// {"status":"success","data":...} as every Prometheus API answer.
http::Response api_success(const nlohmann::json& data);
http::Response api_error(int status, const std::string& type, const std::string& message);

}  // namespace stackwatch::ruler
