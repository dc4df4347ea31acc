#include "ruler/notify/inhibit.hpp"

#include <algorithm>

namespace stackwatch::notify {

Inhibitor::Inhibitor(const std::vector<InhibitRuleConfig>& rules) {
    for (const auto& rule : rules) rules_.push_back(Rule{rule, {}});
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const auto& matchers = rules_[i].config.target_matchers;
        // alertname first: it is what rules name, and it divides alerts the most.
        auto fixed = std::find_if(matchers.begin(), matchers.end(), [](const Matcher& m) {
            return m.name() == "alertname" && !m.fixed_values().empty();
        });
        if (fixed == matchers.end())
            fixed = std::find_if(matchers.begin(), matchers.end(),
                                 [](const Matcher& m) { return !m.fixed_values().empty(); });
        if (fixed == matchers.end()) {
            unindexed_.push_back(i);
            continue;
        }
        auto& by_value = by_target_[fixed->name()];
        for (const auto& value : fixed->fixed_values()) by_value[value].push_back(i);
    }
}

std::vector<std::size_t> Inhibitor::candidates(const promql::Labels& labels) const {
    std::vector<std::size_t> out = unindexed_;
    for (const auto& [name, by_value] : by_target_)
        if (auto found = by_value.find(labels.get(name)); found != by_value.end())
            out.insert(out.end(), found->second.begin(), found->second.end());
    // The first rule that mutes names the source, as in Alertmanager: keep the file's order.
    std::sort(out.begin(), out.end());
    return out;
}

std::string Inhibitor::Rule::equal_key(const promql::Labels& labels) const {
    std::string key;
    for (const auto& name : config.equal) {
        const auto& value = labels.get(name);
        key += std::to_string(value.size()) + ':' +
               value;  // length-prefixed, so no value can forge a key
    }
    return key;
}

void Inhibitor::remove_locked(Fingerprint fp) {
    auto placed = placed_.find(fp);
    if (placed == placed_.end()) return;
    for (const auto& [rule, key] : placed->second) {
        auto& bucket = rules_[rule].sources[key];
        bucket.erase(fp);
        if (bucket.empty()) rules_[rule].sources.erase(key);
    }
    placed_.erase(placed);
}

void Inhibitor::observe(const Alert& alert) {
    auto fp = alert.fingerprint();
    std::lock_guard lock(mutex_);
    remove_locked(fp);
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        auto& rule = rules_[i];
        if (!matches_all(rule.config.source_matchers, alert.labels)) continue;
        auto key = rule.equal_key(alert.labels);
        rule.sources[key][fp] =
            Source{alert.ends_at, matches_all(rule.config.target_matchers, alert.labels)};
        placed_[fp].emplace_back(i, std::move(key));
    }
}

void Inhibitor::forget(Fingerprint fp) {
    std::lock_guard lock(mutex_);
    remove_locked(fp);
}

std::optional<Fingerprint> Inhibitor::inhibited_by(const promql::Labels& labels,
                                                   TimePoint now) const {
    std::lock_guard lock(mutex_);
    for (auto index : candidates(labels)) {
        const auto& rule = rules_[index];
        if (rule.sources.empty() || !matches_all(rule.config.target_matchers, labels)) continue;
        // A target that is also a source may only be muted by a source that is not a target.
        bool two_sided = matches_all(rule.config.source_matchers, labels);
        auto bucket = rule.sources.find(rule.equal_key(labels));
        if (bucket == rule.sources.end()) continue;
        for (const auto& [fp, source] : bucket->second) {
            if (source.ends_at && *source.ends_at <= now) continue;
            if (two_sided && source.also_target) continue;
            return fp;
        }
    }
    return std::nullopt;
}

}  // namespace stackwatch::notify
