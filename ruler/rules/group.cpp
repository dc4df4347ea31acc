#include "ruler/rules/group.hpp"

#include "common/logging.hpp"
#include "ruler/rules/recording_rule.hpp"
#include "common/xxhash.hpp"

namespace stackwatch::rules {
namespace {

std::unique_ptr<Rule> make_rule(const RuleSpec& spec, const RuleGroupSpec& group,
                                const GroupOptions& options) {
    // Group labels apply to every rule; a rule's own label of the same name wins.
    auto labels = group.labels;
    for (const auto& [name, value] : spec.labels) labels[name] = value;
    if (!spec.is_alert())
        return std::make_unique<RecordingRule>(spec.record, spec.expr, labels_from_map(labels));
    return std::make_unique<AlertingRule>(
        spec.alert, spec.expr, spec.for_duration, spec.keep_firing_for, labels_from_map(labels),
        spec.annotations, AlertContext{options.external_labels, options.external_url},
        !options.restore_pending);
}

// The API reports when an evaluation actually ran, not the slot it evaluated (as Prometheus does).
promql::Timestamp wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Group::Group(std::string file, const RuleGroupSpec& spec, const GroupOptions& options)
    : file_(std::move(file)),
      name_(spec.name),
      interval_(spec.interval.count() != 0 ? spec.interval : options.default_interval),
      query_offset_(spec.query_offset.value_or(std::chrono::milliseconds(0))),
      limit_(spec.limit),
      options_(options) {
    for (const auto& rule : spec.rules) rules_.push_back(make_rule(rule, spec, options));
    series_in_previous_eval_.resize(rules_.size());
}

std::vector<AlertingRule*> Group::alerting_rules() const {
    std::vector<AlertingRule*> out;
    for (const auto& rule : rules_)
        if (auto* alerting = dynamic_cast<AlertingRule*>(rule.get())) out.push_back(alerting);
    return out;
}

promql::Timestamp Group::eval_timestamp(promql::Timestamp now) const {
    // Prometheus's offset is the hash of {file, name} modulo the interval in nanoseconds; it
    // writes samples at that time truncated to milliseconds, which is the offset used here.
    std::string key = "file\xff" + file_ + "\xffname\xff" + name_ + "\xff";
    auto interval_ns = static_cast<std::uint64_t>(interval_.count()) * 1'000'000;
    auto offset = static_cast<promql::Timestamp>(xxhash64(key) % interval_ns / 1'000'000);
    promql::Timestamp adjusted = now - offset;
    return adjusted - adjusted % interval_.count() + offset;
}

promql::Timestamp Group::next_evaluation(promql::Timestamp now) {
    std::lock_guard lock(mutex_);
    if (!last_slot_) return eval_timestamp(now) + interval_.count();
    std::int64_t behind = (now - *last_slot_) / interval_.count();
    std::int64_t missed = behind - 1;
    if (missed > 0) missed_ += missed;
    return *last_slot_ + std::max<std::int64_t>(behind, 1) * interval_.count();
}

std::int64_t Group::missed_iterations() const {
    std::lock_guard lock(mutex_);
    return missed_;
}

void Group::evaluate(promql::Timestamp t, datasource::Datasource& data, SampleAppender& out) {
    auto started = std::chrono::steady_clock::now();
    promql::Timestamp wall_start = wall_clock_ms();
    promql::Timestamp query_time = t - query_offset_.count();
    for (std::size_t i = 0; i < rules_.size(); ++i) evaluate_rule(i, query_time, data, out);
    mark_removed_series_stale(query_time, out);
    std::lock_guard lock(mutex_);
    last_slot_ = t;
    last_evaluation_ = wall_start;
    evaluation_time_ = std::chrono::steady_clock::now() - started;
}

void Group::evaluate_rule(std::size_t index, promql::Timestamp t, datasource::Datasource& data,
                          SampleAppender& out) {
    Rule& rule = *rules_[index];
    auto started = std::chrono::steady_clock::now();
    promql::Timestamp wall_start = wall_clock_ms();
    promql::Vector vector;
    try {
        vector = rule.eval(t, data, limit_);
    } catch (const std::exception& e) {
        std::string message = error_message(e);
        rule.record_evaluation(wall_start, std::chrono::steady_clock::now() - started, message);
        if (options_.log_failures)
            log::warn("Evaluating rule failed", {{"file", file_},
                                                 {"group", name_},
                                                 {"rule", rule.name()},
                                                 {"index", index},
                                                 {"err", message}});
        return;
    }
    std::optional<std::string> append_error;
    if (auto* alerting = dynamic_cast<AlertingRule*>(&rule); alerting != nullptr) {
        if (options_.notify) {
            auto alerts = alerting->alerts_to_send(t, options_.resend_delay, interval_);
            if (!alerts.empty()) options_.notify(rule.query(), alerts);
        }
        if (options_.on_pending) {
            std::vector<Alert> started;
            for (auto& a : alerting->active_alerts())
                if (a.state == AlertState::pending && a.active_at == t)
                    started.push_back(std::move(a));
            if (!started.empty()) options_.on_pending(rule.query(), started);
        }
    }
    std::set<promql::Labels> returned;
    for (const auto& sample : vector) {
        if (auto refused = out.append(sample.labels, sample.t, sample.v); !refused.empty())
            append_error = refused;
        else
            returned.insert(sample.labels);
    }
    std::lock_guard lock(mutex_);
    // Series this rule produced last time but not now end with a staleness marker.
    for (const auto& gone : series_in_previous_eval_[index])
        if (returned.count(gone) == 0) out.append(gone, t, promql::stale_marker());
    series_in_previous_eval_[index] = std::move(returned);
    rule.record_evaluation(wall_start, std::chrono::steady_clock::now() - started, append_error);
}

void Group::mark_removed_series_stale(promql::Timestamp t, SampleAppender& out) {
    std::lock_guard lock(mutex_);
    for (const auto& series : stale_series_) out.append(series, t, promql::stale_marker());
    stale_series_.clear();
}

void Group::copy_state_from(const Group& previous) {
    std::scoped_lock lock(mutex_, previous.mutex_);
    evaluation_time_ = previous.evaluation_time_;
    last_evaluation_ = previous.last_evaluation_;
    last_slot_ = previous.last_slot_;
    auto key = [](const Rule& r) { return r.name() + r.labels().to_string(); };
    std::map<std::string, std::vector<std::size_t>> unmatched;  // previous rules by key, in order
    for (std::size_t i = 0; i < previous.rules_.size(); ++i)
        unmatched[key(*previous.rules_[i])].push_back(i);
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        auto& candidates = unmatched[key(*rules_[i])];
        if (candidates.empty()) continue;
        std::size_t from = candidates.front();
        candidates.erase(candidates.begin());
        series_in_previous_eval_[i] = previous.series_in_previous_eval_[from];
        auto* now_alerting = dynamic_cast<AlertingRule*>(rules_[i].get());
        const auto* was_alerting = dynamic_cast<const AlertingRule*>(previous.rules_[from].get());
        if (now_alerting != nullptr && was_alerting != nullptr)
            now_alerting->copy_alerts_from(*was_alerting);
    }
    stale_series_ = previous.stale_series_;
    for (const auto& [name, indexes] : unmatched)
        for (std::size_t from : indexes)
            stale_series_.insert(previous.series_in_previous_eval_[from].begin(),
                                 previous.series_in_previous_eval_[from].end());
}

void Group::restore_for_state(promql::Timestamp t, const promql::Queryable& data,
                              std::chrono::milliseconds outage_tolerance,
                              std::chrono::milliseconds grace_period) {
    for (auto* rule : alerting_rules())
        rule->restore_for_state(t, data, outage_tolerance, grace_period);
}

void Group::restore_new_alerts(promql::Timestamp until, const promql::Queryable& data,
                               std::chrono::milliseconds outage_tolerance,
                               std::chrono::milliseconds grace_period) {
    for (auto* rule : alerting_rules())
        rule->restore_new_alerts(until, data, outage_tolerance, grace_period);
}

nlohmann::json Group::to_json() const {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& rule : rules_) rules.push_back(rule->to_json());
    std::lock_guard lock(mutex_);
    return {{"name", name_},
            {"file", file_},
            {"rules", rules},
            {"interval", std::chrono::duration<double>(interval_).count()},
            {"limit", limit_},
            {"evaluationTime", std::chrono::duration<double>(evaluation_time_).count()},
            {"lastEvaluation", format_rfc3339(last_evaluation_)}};
}

nlohmann::json Group::active_alerts_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto* rule : alerting_rules())
        for (const auto& alert : rule->active_alerts()) out.push_back(alert_to_json(alert));
    return out;
}

LoadedGroups load_groups(const std::vector<std::string>& files, const GroupOptions& options) {
    LoadedGroups loaded;
    for (const auto& path : files) {
        RuleFileResult result = load_rule_file(path);
        if (!result.ok()) {
            loaded.groups.clear();
            loaded.errors = std::move(result.errors);
            return loaded;
        }
        for (const auto& spec : result.file.groups)
            loaded.groups.push_back(std::make_unique<Group>(path, spec, options));
    }
    return loaded;
}

}  // namespace stackwatch::rules
