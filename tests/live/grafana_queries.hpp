#pragma once
// The queries Grafana would send to Prometheus for a dashboard: each panel target's expression
// and each label_values() template variable, with Grafana's variables substituted as Grafana's
// Prometheus data source does it ($__interval, $__rate_interval, $__range, and multi-value
// variables as an escaped regex alternation).

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace stackwatch::test {

struct PanelQuery {
    std::string panel;  // the panel's title
    int index = 0;      // of the target within the panel
    std::string expr;   // before substitution
};

struct LabelValuesQuery {
    std::string variable;
    std::string selector;  // may be empty: label_values(label)
    std::string label;
    std::string all_value;  // Grafana's "custom all value", what "All" stands for when set
};

std::vector<PanelQuery> panel_queries(const nlohmann::json& dashboard);
std::vector<LabelValuesQuery> variable_queries(const nlohmann::json& dashboard);

struct GrafanaTime {
    std::chrono::seconds range{60};
    std::chrono::seconds interval{1};         // $__interval, also the range query's step
    std::chrono::seconds scrape_interval{1};  // the data source's scrape interval setting
};

// What a multi-value variable with "All" chosen becomes in a query: its custom all value when it
// has one, else every value regex-escaped in an alternation, (a|b).
std::string all_selected(const LabelValuesQuery& variable, const std::vector<std::string>& values);

// $var and ${var} by the variables' substitutions, and Grafana's own $__ variables.
std::string interpolate(const std::string& expr,
                        const std::map<std::string, std::string>& variables,
                        const GrafanaTime& time);

}  // namespace stackwatch::test
