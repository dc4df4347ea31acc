#include "ruler/rules/alerting_rule.hpp"

#include <charconv>
#include <cmath>

#include "ruler/promql/labels_json.hpp"
#include "ruler/rules/alert_template.hpp"

namespace stackwatch::rules {
namespace {

constexpr const char* kAlertsMetric = "ALERTS";
constexpr const char* kForStateMetric = "ALERTS_FOR_STATE";

// Go's time.Unix() of a millisecond timestamp: whole seconds, rounded down.
std::int64_t unix_seconds(promql::Timestamp ms) {
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

// strconv.FormatFloat(v, 'e', -1, 64), the API's alert value.
std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    return std::string(buf, end);
}

}  // namespace

const char* alert_state_name(AlertState state) {
    switch (state) {
        case AlertState::pending:
            return "pending";
        case AlertState::firing:
            return "firing";
        case AlertState::inactive:
            break;
    }
    return "inactive";
}

nlohmann::json alert_to_json(const Alert& alert) {
    nlohmann::json out = {{"labels", labels_json(alert.labels)},
                          {"annotations", alert.annotations},
                          {"state", alert_state_name(alert.state)},
                          {"activeAt", format_rfc3339(alert.active_at)}};
    if (alert.keep_firing_since) out["keepFiringSince"] = format_rfc3339(alert.keep_firing_since);
    out["value"] = format_value(alert.value);
    return out;
}

AlertingRule::AlertingRule(std::string name, std::string expr, std::chrono::milliseconds hold,
                           std::chrono::milliseconds keep_firing_for, promql::Labels labels,
                           Annotations annotations, AlertContext context, bool restored)
    : Rule(std::move(name), std::move(expr), std::move(labels)),
      hold_(hold),
      keep_firing_for_(keep_firing_for),
      annotations_(std::move(annotations)),
      context_(std::move(context)),
      restored_(restored) {}

std::map<promql::Labels, Alert> AlertingRule::build_alerts(const promql::Vector& result,
                                                           promql::Timestamp t,
                                                           datasource::Datasource& data) const {
    tmpl::QueryFunc template_query = [&data, t](const std::string& expr) {
        tmpl::QueryResult out;
        for (const auto& s : query_vector(data, expr, t))
            out.push_back({labels_map(s.labels), s.v});
        return out;
    };
    std::map<promql::Labels, Alert> alerts;
    for (const auto& sample : result) {
        AlertTemplateData template_data{.labels = labels_map(sample.labels),
                                        .external_labels = labels_map(context_.external_labels),
                                        .external_url = context_.external_url,
                                        .value = sample.v};
        auto expand = [&](const std::string& text) {
            return expand_alert_template(name(), text, template_data, template_query);
        };
        promql::Labels alert_labels = sample.labels.without_metric_name();
        for (const auto& l : labels()) alert_labels.set(l.name, expand(l.value));
        alert_labels.set("alertname", name());
        Annotations expanded;
        for (const auto& [name, text] : annotations_) expanded[name] = expand(text);

        Alert alert{.state = AlertState::pending,
                    .labels = alert_labels,
                    .annotations = std::move(expanded),
                    .value = sample.v,
                    .active_at = t};
        if (!alerts.emplace(alert_labels, std::move(alert)).second)
            throw RuleError(
                "vector contains metrics with the same labelset after applying alert labels");
    }
    return alerts;
}

promql::Vector AlertingRule::eval(promql::Timestamp t, datasource::Datasource& data, int limit) {
    promql::Vector result = query_vector(data, expr(), t);
    std::map<promql::Labels, Alert> fresh = build_alerts(result, t, data);

    std::lock_guard lock(alerts_mutex_);
    for (auto& [labels, alert] : fresh) {
        auto it = active_.find(labels);
        if (it != active_.end() && it->second.state != AlertState::inactive) {
            it->second.value = alert.value;
            it->second.annotations = alert.annotations;
        } else {
            if (late_restore_ && t <= late_restore_->until)
                restore_alert(alert, t, *late_restore_->data, late_restore_->outage_tolerance,
                              late_restore_->grace_period);
            active_[labels] = std::move(alert);
        }
    }

    promql::Vector out;
    std::size_t active_count = 0;
    for (auto it = active_.begin(); it != active_.end();) {
        Alert& alert = it->second;
        bool remove = false;
        if (fresh.count(it->first) == 0) {
            bool keep_firing = false;
            if (alert.state == AlertState::firing && keep_firing_for_.count() > 0) {
                if (!alert.keep_firing_since) alert.keep_firing_since = t;
                keep_firing = t - *alert.keep_firing_since < keep_firing_for_.count();
            }
            // A pending alert just goes away; a resolved one stays for notifiers until retention
            // ends.
            remove = alert.state == AlertState::pending ||
                     (alert.resolved_at && t - *alert.resolved_at > kResolvedRetentionMs);
            if (alert.state != AlertState::inactive && !keep_firing) {
                alert.state = AlertState::inactive;
                alert.resolved_at = t;
            }
            if (!keep_firing) {
                it = remove ? active_.erase(it) : std::next(it);
                continue;
            }
        } else {
            alert.keep_firing_since.reset();
        }
        ++active_count;
        if (alert.state == AlertState::pending && t - alert.active_at >= hold_.count()) {
            alert.state = AlertState::firing;
            alert.fired_at = t;
        }
        if (restored_) {
            out.push_back(alerts_sample(alert, t));
            out.push_back(for_state_sample(alert, t));
        }
        it = remove ? active_.erase(it) : std::next(it);
    }
    if (limit > 0 && active_count > static_cast<std::size_t>(limit)) {
        active_.clear();
        throw RuleError("exceeded limit of " + std::to_string(limit) + " with " +
                        std::to_string(active_count) + " alerts");
    }
    return out;
}

promql::VectorSample AlertingRule::alerts_sample(const Alert& alert, promql::Timestamp t) const {
    promql::Labels l = labels();
    for (const auto& label : alert.labels) l.set(label.name, label.value);
    l.set(promql::kMetricName, kAlertsMetric);
    l.set("alertname", name());
    l.set("alertstate", alert_state_name(alert.state));
    return {.labels = std::move(l), .t = t, .v = 1};
}

promql::VectorSample AlertingRule::for_state_sample(const Alert& alert, promql::Timestamp t) const {
    promql::Labels l = labels();
    for (const auto& label : alert.labels) l.set(label.name, label.value);
    l.set(promql::kMetricName, kForStateMetric);
    l.set("alertname", name());
    return {
        .labels = std::move(l), .t = t, .v = static_cast<double>(unix_seconds(alert.active_at))};
}

AlertState AlertingRule::state() const {
    std::lock_guard lock(alerts_mutex_);
    AlertState highest = AlertState::inactive;
    for (const auto& [labels, alert] : active_) highest = std::max(highest, alert.state);
    return highest;
}

std::vector<Alert> AlertingRule::current_alerts() const {
    std::lock_guard lock(alerts_mutex_);
    std::vector<Alert> out;
    for (const auto& [labels, alert] : active_) out.push_back(alert);
    return out;
}

std::vector<Alert> AlertingRule::active_alerts() const {
    std::vector<Alert> out;
    for (auto& alert : current_alerts())
        if (!alert.resolved_at) out.push_back(std::move(alert));
    return out;
}

void AlertingRule::set_restored(bool restored) {
    std::lock_guard lock(alerts_mutex_);
    restored_ = restored;
}

bool AlertingRule::restored() const {
    std::lock_guard lock(alerts_mutex_);
    return restored_;
}

std::vector<Alert> AlertingRule::alerts_to_send(promql::Timestamp t,
                                                std::chrono::milliseconds resend_delay,
                                                std::chrono::milliseconds interval) {
    std::lock_guard lock(alerts_mutex_);
    std::vector<Alert> out;
    for (auto& [labels, alert] : active_) {
        if (alert.state == AlertState::pending) continue;
        bool resolved_since_sent =
            alert.resolved_at && (!alert.last_sent_at || *alert.resolved_at > *alert.last_sent_at);
        bool resend_due = !alert.last_sent_at || *alert.last_sent_at + resend_delay.count() < t;
        if (!resolved_since_sent && !resend_due) continue;
        alert.last_sent_at = t;
        // Valid for two missed evaluations or notification failures.
        alert.valid_until = t + 4 * std::max(resend_delay, interval).count();
        out.push_back(alert);
    }
    return out;
}

void AlertingRule::copy_alerts_from(const AlertingRule& previous) {
    std::scoped_lock lock(alerts_mutex_, previous.alerts_mutex_);
    for (const auto& [labels, alert] : previous.active_) active_[labels] = alert;
}

void AlertingRule::restore_alert(Alert& alert, promql::Timestamp t, const promql::Queryable& data,
                                 std::chrono::milliseconds outage_tolerance,
                                 std::chrono::milliseconds grace_period) const {
    promql::VectorSample wanted = for_state_sample(alert, t);
    std::vector<promql::Matcher> matchers;
    for (const auto& l : wanted.labels)
        matchers.emplace_back(promql::MatchType::equal, l.name, l.value);
    const promql::Series* series = nullptr;
    auto found = data.select(matchers, t - outage_tolerance.count(), t);
    for (const auto& s : found)
        if (s.labels.size() == matchers.size() && !s.samples.empty()) series = &s;
    if (series == nullptr || promql::is_stale_marker(series->samples.back().v)) return;

    promql::Timestamp down_at = unix_seconds(series->samples.back().t) * 1000;
    auto restored_active_at = static_cast<promql::Timestamp>(series->samples.back().v) * 1000;
    promql::Timestamp remaining = hold_.count() - (down_at - restored_active_at);
    if (remaining <= 0) {
        // It was firing when we went down; the next evaluation fires it again if still true.
    } else if (remaining < grace_period.count()) {
        restored_active_at = t + grace_period.count() - hold_.count();
    } else {
        restored_active_at += t - down_at;  // the outage does not count towards `for`
    }
    alert.active_at = restored_active_at;
}

void AlertingRule::restore_for_state(promql::Timestamp t, const promql::Queryable& data,
                                     std::chrono::milliseconds outage_tolerance,
                                     std::chrono::milliseconds grace_period) {
    std::lock_guard lock(alerts_mutex_);
    // Waiting out the grace period would delay it beyond its own `for`.
    if (hold_ >= grace_period)
        for (auto& [labels, alert] : active_)
            restore_alert(alert, t, data, outage_tolerance, grace_period);
    restored_ = true;
}

void AlertingRule::restore_new_alerts(promql::Timestamp until, const promql::Queryable& data,
                                      std::chrono::milliseconds outage_tolerance,
                                      std::chrono::milliseconds grace_period) {
    std::lock_guard lock(alerts_mutex_);
    if (hold_ >= grace_period)
        late_restore_ = LateRestore{until, &data, outage_tolerance, grace_period};
}

nlohmann::json AlertingRule::to_json() const {
    nlohmann::json alerts = nlohmann::json::array();
    for (const auto& alert : active_alerts()) alerts.push_back(alert_to_json(alert));
    nlohmann::json out = {
        {"state", alert_state_name(state())},
        {"name", name()},
        {"query", query()},
        {"duration", std::chrono::duration<double>(hold_).count()},
        {"keepFiringFor", std::chrono::duration<double>(keep_firing_for_).count()},
        {"labels", labels_json(labels())},
        {"annotations", annotations_},
        {"alerts", alerts}};
    add_status_json(out);
    out["type"] = "alerting";
    return out;
}

}  // namespace stackwatch::rules
