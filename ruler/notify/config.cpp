#include "ruler/notify/config.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace stackwatch::notify {
namespace {

// A YAML null where Go expects a string is the empty string.
std::string text_of(const ConfigNode& node) {
    return node.defined() ? node.raw_scalar() : "";
}

Matcher make_matcher(const ConfigNode& at, MatchType type, std::string name, std::string value) {
    try {
        return Matcher(type, std::move(name), std::move(value));
    } catch (const std::invalid_argument& e) {
        at.fail(std::string("error parsing regexp: ") + e.what());
    }
}

// The legacy map forms (match, match_re and their source_/target_ twins) and the `matchers`
// list, merged and sorted. A match_re value keeps the anchors Alertmanager wraps it in, since
// that is how its route tree prints it.
Matchers parse_matcher_fields(const ConfigNode& node, const std::string& prefix) {
    Matchers out;
    for (const auto& [name, value] : node[prefix + "match"].entries()) {
        if (!promql::is_valid_label_name(name)) value.fail("invalid label name \"" + name + "\"");
        out.push_back(make_matcher(value, MatchType::equal, name, text_of(value)));
    }
    for (const auto& [name, value] : node[prefix + "match_re"].entries()) {
        if (!promql::is_valid_label_name(name)) value.fail("invalid label name \"" + name + "\"");
        auto anchored =
            "^(?:" + make_matcher(value, MatchType::regex, name, text_of(value)).value() + ")$";
        out.push_back(make_matcher(value, MatchType::regex, name, anchored));
    }
    for (const auto& line : node[prefix + "matchers"].items()) {
        try {
            for (auto& m : parse_matchers(text_of(line))) out.push_back(std::move(m));
        } catch (const MatcherError& e) {
            line.fail(e.what());
        }
    }
    sort_matchers(out);
    return out;
}

std::optional<Duration> optional_duration(const ConfigNode& node, std::string_view key) {
    if (!node.has(key)) return std::nullopt;
    return node[key].as_duration();
}

RouteConfig parse_route(const ConfigNode& node) {
    node.require_map();
    node.allow_keys({"receiver", "group_by", "match", "match_re", "matchers", "mute_time_intervals",
                     "active_time_intervals", "continue", "routes", "group_wait", "group_interval",
                     "repeat_interval", "escalation"});
    RouteConfig r;
    r.receiver = node.get_raw_string("receiver", "");
    std::set<std::string> seen;
    for (const auto& item : node["group_by"].items()) {
        auto name = item.raw_scalar();
        if (name == "...") {
            r.group_by_all = true;
            continue;
        }
        if (!promql::is_valid_label_name(name))
            item.fail("invalid label name \"" + name + "\" in group_by list");
        if (!seen.insert(name).second) item.fail("duplicated label \"" + name + "\" in group_by");
        r.group_by.push_back(name);
    }
    if (r.group_by_all && !r.group_by.empty())
        node["group_by"].fail(
            "cannot have wildcard group_by (`...`) and other other labels at the same time");
    r.group_by_set = !r.group_by.empty();
    r.matchers = parse_matcher_fields(node, "");
    if (node.has("mute_time_intervals"))
        r.mute_time_intervals = node["mute_time_intervals"].as_raw_string_list();
    if (node.has("active_time_intervals"))
        r.active_time_intervals = node["active_time_intervals"].as_raw_string_list();
    r.continue_matching = node.get_bool("continue", false);
    r.group_wait = optional_duration(node, "group_wait");
    r.group_interval = optional_duration(node, "group_interval");
    r.repeat_interval = optional_duration(node, "repeat_interval");
    r.escalation = node.get_raw_string("escalation", "");
    if (r.group_interval && r.group_interval->count() == 0)
        node["group_interval"].fail("group_interval cannot be zero");
    if (r.repeat_interval && r.repeat_interval->count() == 0)
        node["repeat_interval"].fail("repeat_interval cannot be zero");
    for (const auto& child : node["routes"].items()) r.routes.push_back(parse_route(child));
    return r;
}

InhibitRuleConfig parse_inhibit_rule(const ConfigNode& node) {
    node.require_map();
    node.allow_keys({"source_match", "source_match_re", "source_matchers", "target_match",
                     "target_match_re", "target_matchers", "equal"});
    InhibitRuleConfig rule;
    rule.source_matchers = parse_matcher_fields(node, "source_");
    rule.target_matchers = parse_matcher_fields(node, "target_");
    for (const auto& item : node["equal"].items()) {
        auto name = item.raw_scalar();
        if (!promql::is_valid_label_name(name))
            item.fail("\"" + name + "\" is not a valid label name");
        rule.equal.push_back(name);
    }
    return rule;
}

GlobalConfig parse_global(const ConfigNode& node) {
    node.allow_keys({"resolve_timeout",
                     "http_config",
                     "smtp_from",
                     "smtp_hello",
                     "smtp_smarthost",
                     "smtp_auth_username",
                     "smtp_auth_password",
                     "smtp_auth_password_file",
                     "smtp_auth_secret",
                     "smtp_auth_identity",
                     "smtp_require_tls",
                     "slack_api_url",
                     "slack_api_url_file",
                     "pagerduty_url",
                     "opsgenie_api_url",
                     "opsgenie_api_key",
                     "opsgenie_api_key_file",
                     "wechat_api_url",
                     "wechat_api_secret",
                     "wechat_api_corp_id",
                     "victorops_api_url",
                     "victorops_api_key",
                     "victorops_api_key_file",
                     "telegram_api_url",
                     "webex_api_url"});
    GlobalConfig g;
    g.resolve_timeout = node.get_duration("resolve_timeout", g.resolve_timeout);
    g.receivers = parse_receiver_defaults(node);
    return g;
}

void check_receivers_exist(const RouteConfig& route, const ConfigNode& node,
                           const std::set<std::string>& names) {
    auto children = node["routes"].items();
    for (std::size_t i = 0; i < route.routes.size(); ++i)
        check_receivers_exist(route.routes[i], children[i], names);
    if (!route.receiver.empty() && !names.contains(route.receiver))
        node["receiver"].fail("undefined receiver \"" + route.receiver + "\" used in route");
}

void check_escalations_exist(const RouteConfig& route, const ConfigNode& node,
                             const std::vector<EscalationPolicy>& policies) {
    auto children = node["routes"].items();
    for (std::size_t i = 0; i < route.routes.size(); ++i)
        check_escalations_exist(route.routes[i], children[i], policies);
    if (route.escalation.empty()) return;
    for (const auto& p : policies)
        if (p.name == route.escalation) return;
    node["escalation"].fail("undefined escalation policy \"" + route.escalation +
                            "\" used in route");
}

void check_time_intervals_exist(const RouteConfig& route, const ConfigNode& node,
                                const std::set<std::string>& names) {
    auto children = node["routes"].items();
    for (std::size_t i = 0; i < route.routes.size(); ++i)
        check_time_intervals_exist(route.routes[i], children[i], names);
    for (const char* key : {"active_time_intervals", "mute_time_intervals"}) {
        for (const auto& item : node[key].items())
            if (!names.contains(item.raw_scalar()))
                item.fail("undefined time interval \"" + item.raw_scalar() + "\" used in route");
    }
}

}  // namespace

const ReceiverConfig* NotifyConfig::receiver(const std::string& name) const {
    for (const auto& r : receivers)
        if (r.name == name) return &r;
    return nullptr;
}

const EscalationPolicy* NotifyConfig::escalation_policy(const std::string& name) const {
    for (const auto& p : escalation_policies)
        if (p.name == name) return &p;
    return nullptr;
}

const NamedTimeInterval* NotifyConfig::time_interval(const std::string& name) const {
    for (const auto& t : time_intervals)
        if (t.name == name) return &t;
    return nullptr;
}

NotifyConfig parse_notify_config(const std::string& text, const std::string& name) {
    auto root = ConfigNode::load_string(text, name);
    if (!root.defined()) throw ConfigError(name + ": no route provided in config");
    root.require_map();
    root.allow_keys({"global", "route", "inhibit_rules", "receivers", "templates",
                     "mute_time_intervals", "time_intervals", "escalation_policies"});
    NotifyConfig c;
    c.file = name;
    c.original = text;
    c.global = parse_global(root["global"]);

    std::set<std::string> receiver_names;
    for (const auto& item : root["receivers"].items()) {
        item.require_map();
        auto receiver = parse_receiver(item, c.global.receivers);
        if (!receiver_names.insert(receiver.name).second)
            item["name"].fail("notification config name \"" + receiver.name + "\" is not unique");
        c.receivers.push_back(std::move(receiver));
    }
    for (const auto& item : root["inhibit_rules"].items())
        c.inhibit_rules.push_back(parse_inhibit_rule(item));

    c.time_intervals = parse_time_interval_lists(root);
    std::set<std::string> interval_names;
    for (const auto& interval : c.time_intervals) interval_names.insert(interval.name);
    if (root.has("templates")) {
        auto base = std::filesystem::path(name).parent_path();
        for (auto& glob : root["templates"].as_raw_string_list())
            c.templates.push_back(glob.empty() || glob.starts_with('/') ? glob
                                                                        : (base / glob).string());
    }

    auto route_node = root["route"];
    if (!route_node.defined()) root.fail("no routes provided");
    c.route = parse_route(route_node);
    if (c.route.receiver.empty()) route_node.fail("root route must specify a default receiver");
    if (!c.route.matchers.empty()) route_node.fail("root route must not have any matchers");
    if (!c.route.mute_time_intervals.empty())
        route_node.fail("root route must not have any mute time intervals");
    if (!c.route.active_time_intervals.empty())
        route_node.fail("root route must not have any active time intervals");
    check_receivers_exist(c.route, route_node, receiver_names);
    auto receiver_items = root["receivers"].items();
    for (std::size_t i = 0; i < c.receivers.size(); ++i) {
        const auto& fallback = c.receivers[i].fallback_receiver;
        if (!fallback.empty() && !receiver_names.contains(fallback))
            receiver_items[i]["fallback_receiver"].fail("undefined receiver \"" + fallback +
                                                        "\" used as fallback_receiver");
    }
    check_time_intervals_exist(c.route, route_node, interval_names);
    c.escalation_policies = parse_escalation_policies(root["escalation_policies"], receiver_names);
    check_escalations_exist(c.route, route_node, c.escalation_policies);
    if (c.route.continue_matching)
        route_node["continue"].fail("cannot have continue in root route");
    return c;
}

NotifyConfig load_notify_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot read the file");
    std::stringstream text;
    text << in.rdbuf();
    return parse_notify_config(text.str(), path);
}

}  // namespace stackwatch::notify
