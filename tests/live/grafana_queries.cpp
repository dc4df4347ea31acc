#include "tests/live/grafana_queries.hpp"

#include <algorithm>
#include <regex>

namespace stackwatch::test {
namespace {

void collect_panels(const nlohmann::json& node, std::vector<PanelQuery>& out) {
    if (node.is_array()) {
        for (const auto& item : node) collect_panels(item, out);
        return;
    }
    if (!node.is_object()) return;
    if (node.contains("targets") && node["targets"].is_array()) {
        int index = 0;
        for (const auto& target : node["targets"]) {
            if (target.contains("expr") && target["expr"].is_string())
                out.push_back({node.value("title", ""), index, target["expr"]});
            ++index;
        }
    }
    if (node.contains("panels")) collect_panels(node["panels"], out);
}

std::string seconds(std::chrono::seconds s) {
    return std::to_string(s.count()) + "s";
}

// Grafana's prometheusSpecialRegexEscape: the value inside a PromQL string that is a regex.
std::string regex_escape(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\\\\\";
        } else if (std::string_view("$^*+?.()|[]{}").find(c) != std::string_view::npos) {
            out += "\\\\";
            out += c;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::vector<PanelQuery> panel_queries(const nlohmann::json& dashboard) {
    std::vector<PanelQuery> out;
    collect_panels(dashboard.value("panels", nlohmann::json::array()), out);
    return out;
}

std::vector<LabelValuesQuery> variable_queries(const nlohmann::json& dashboard) {
    static const std::regex label_values(
        R"(^label_values\((?:(.*),\s*)?([A-Za-z_][A-Za-z0-9_]*)\)$)");
    std::vector<LabelValuesQuery> out;
    if (!dashboard.contains("templating")) return out;
    for (const auto& variable : dashboard["templating"].value("list", nlohmann::json::array())) {
        if (variable.value("type", "") != "query") continue;
        const auto& query = variable["query"];
        std::string text = query.is_object() ? query.value("query", "") : query.get<std::string>();
        std::smatch match;
        if (std::regex_match(text, match, label_values))
            out.push_back(
                {variable.value("name", ""), match[1], match[2], variable.value("allValue", "")});
    }
    return out;
}

std::string all_selected(const LabelValuesQuery& variable, const std::vector<std::string>& values) {
    if (!variable.all_value.empty()) return variable.all_value;
    std::string alternation = "(";
    for (std::size_t i = 0; i < values.size(); ++i)
        alternation += (i ? "|" : "") + regex_escape(values[i]);
    return alternation + ")";
}

std::string interpolate(const std::string& expr,
                        const std::map<std::string, std::string>& variables,
                        const GrafanaTime& time) {
    // Grafana's $__rate_interval: max($__interval + scrape interval, 4 x scrape interval).
    auto rate_interval = std::max(time.interval + time.scrape_interval, 4 * time.scrape_interval);
    static const std::regex variable(
        R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*))");
    std::string out;
    auto begin = std::sregex_iterator(expr.begin(), expr.end(), variable);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const auto& match = *it;
        out += expr.substr(last, match.position() - last);
        last = match.position() + match.length();
        std::string name = match[1].matched ? match[1].str() : match[2].str();
        if (name == "__interval") {
            out += seconds(time.interval);
        } else if (name == "__rate_interval") {
            out += seconds(rate_interval);
        } else if (name == "__range") {
            out += seconds(time.range);
        } else if (auto found = variables.find(name); found != variables.end()) {
            out += found->second;
        } else {
            out += match.str();  // not a variable Grafana knows: left as written
        }
    }
    return out + expr.substr(last);
}

}  // namespace stackwatch::test
