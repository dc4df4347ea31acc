#include "ruler/api/monitoring_rules_api.hpp"

#include "ruler/api/bad_request.hpp"
#include "ruler/managed/condition.hpp"
#include "ruler/managed/managed_files.hpp"

namespace stackwatch::ruler {
namespace {

using nlohmann::json;

json api_rule_json(const managed::ApiRule& rule, const managed::ManagedPaths& paths) {
    auto out = managed::rule_to_json(rule);
    auto alert = managed::condition_to_promql(rule);
    out["source"] = "api";
    out["alertname"] = managed::alert_name(rule.name);
    out["expr"] = alert.expr;
    out["for"] = alert.for_duration;
    out["file"] = paths.rule_file;
    return out;
}

// The alerting rules of rule files, as the runbook's list shows them, not editable here.
void add_file_rules(json& out, RuleManager& rules) {
    auto all = rules.rules_json();
    for (const auto& group : all["groups"]) {
        if (group.value("name", "") == managed::kGroupName) continue;
        for (const auto& rule : group["rules"]) {
            if (rule.value("type", "") != "alerting") continue;
            std::string file = group.value("file", "");
            out.push_back({{"id", "file:" + file + ":" + group.value("name", "") + ":" +
                                      rule.value("name", "")},
                           {"source", "file"},
                           {"file", file},
                           {"group", group["name"]},
                           {"name", rule["name"]},
                           {"alertname", rule["name"]},
                           {"expr", rule["query"]},
                           {"severity",
                            rule["labels"].is_object() ? rule["labels"].value("severity", "") : ""},
                           {"enabled", true},
                           {"health", rule.value("health", "")},
                           {"state", rule.value("state", "")}});
        }
    }
}

managed::ApiRule parse_body(const http::Request& request) {
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) throw managed::InvalidRule("the body is not valid JSON");
    return managed::rule_from_json(body);
}

http::Response read_only(const std::string& id) {
    return http::Response::error(
        409, "rule " + id + " is defined in a rule file; change it there and reload");
}

}  // namespace

void register_monitoring_rules_api(http::Server& server, managed::ManagedRules& managed,
                                   RuleManager& rules,
                                   std::shared_ptr<const http::Authenticator> auth) {
    managed::ManagedRules* m = &managed;
    RuleManager* r = &rules;
    http::RouteOptions read{.auth = auth, .role = http::Role::viewer};
    http::RouteOptions admin{.auth = auth, .role = http::Role::admin, .max_body_bytes = 256 << 10};
    server.route(
        "GET", "/monitoring/alerts/rules",
        [m, r](const http::Request&) {
            json out = json::array();
            for (const auto& rule : m->list()) out.push_back(api_rule_json(rule, m->paths()));
            add_file_rules(out, *r);
            auto total = out.size();
            return http::Response::json({{"rules", std::move(out)}, {"total", total}});
        },
        read);
    server.route(
        "POST", "/monitoring/alerts/rules",
        [m](const http::Request& request) {
            return answer_or_400([&] {
                return http::Response::json(
                    api_rule_json(m->create(parse_body(request)), m->paths()), 201);
            });
        },
        admin);
    server.route(
        "GET", "/monitoring/alerts/rules/{id}",
        [m](const http::Request& request) {
            const auto& id = request.path_param("id");
            auto rule = m->get(id);
            if (!rule) return http::Response::error(404, "no rule with id " + id);
            return http::Response::json(api_rule_json(*rule, m->paths()));
        },
        read);
    server.route(
        "PUT", "/monitoring/alerts/rules/{id}",
        [m](const http::Request& request) {
            const auto& id = request.path_param("id");
            if (id.starts_with("file:")) return read_only(id);
            return answer_or_400([&] {
                auto rule = m->update(id, parse_body(request));
                if (!rule) return http::Response::error(404, "no rule with id " + id);
                return http::Response::json(api_rule_json(*rule, m->paths()));
            });
        },
        admin);
    server.route(
        "DELETE", "/monitoring/alerts/rules/{id}",
        [m](const http::Request& request) {
            const auto& id = request.path_param("id");
            if (id.starts_with("file:")) return read_only(id);
            return answer_or_400([&] {
                if (!m->remove(id)) return http::Response::error(404, "no rule with id " + id);
                return http::Response::json({{"id", id}, {"deleted", true}});
            });
        },
        admin);
}

}  // namespace stackwatch::ruler
