#pragma once
// An Alertmanager 0.25 configuration file read as it is: global, route, inhibit_rules,
// receivers, time_intervals, mute_time_intervals and templates, with Alertmanager's defaults,
// inheritance from `global` and its checks. Every error names file:line:column and the key.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "ruler/notify/escalation_config.hpp"
#include "ruler/notify/http_config.hpp"
#include "ruler/notify/matchers.hpp"
#include "ruler/notify/receiver_config.hpp"
#include "ruler/notify/time_interval.hpp"

namespace stackwatch::notify {

struct GlobalConfig {
    Duration resolve_timeout = std::chrono::minutes(5);
    ReceiverDefaults receivers;  // smtp_*, slack_api_url, http_config
};

// One `route` as written; dispatch's Route resolves what it inherits.
struct RouteConfig {
    std::string receiver;
    bool group_by_set = false;  // group_by given with names (an empty list inherits, as in Go)
    std::vector<std::string> group_by;
    bool group_by_all = false;  // group_by: ['...']
    Matchers matchers;          // match, match_re and matchers together, sorted
    std::vector<std::string> mute_time_intervals;
    std::vector<std::string> active_time_intervals;
    bool continue_matching = false;
    std::optional<Duration> group_wait;
    std::optional<Duration> group_interval;
    std::optional<Duration> repeat_interval;
    std::string escalation;  // a stackwatch extension: the name of an escalation policy
    std::vector<RouteConfig> routes;
};

struct InhibitRuleConfig {
    Matchers source_matchers;  // source_match, source_match_re and source_matchers
    Matchers target_matchers;
    std::vector<std::string> equal;
};

struct NotifyConfig {
    std::string file;
    std::string original;  // the file's text, which /api/v2/status and `config show` print
    GlobalConfig global;
    RouteConfig route;
    std::vector<InhibitRuleConfig> inhibit_rules;
    std::vector<ReceiverConfig> receivers;
    std::vector<NamedTimeInterval> time_intervals;  // time_intervals and mute_time_intervals
    std::vector<std::string> templates;             // globs, relative to the file
    std::vector<EscalationPolicy> escalation_policies;  // a stackwatch extension

    const ReceiverConfig* receiver(const std::string& name) const;
    const NamedTimeInterval* time_interval(const std::string& name) const;
    const EscalationPolicy* escalation_policy(const std::string& name) const;
};

// Throws ConfigError.
NotifyConfig load_notify_config(const std::string& path);
NotifyConfig parse_notify_config(const std::string& text, const std::string& name);

}  // namespace stackwatch::notify
