#include "ruler/managed/managed_rules.hpp"

#include <algorithm>

#include "common/atomic_file.hpp"
#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "common/uuid.hpp"
#include "ruler/managed/managed_files.hpp"

namespace stackwatch::managed {
namespace {

std::string now_text() {
    return iso8601_utc_ms(std::chrono::system_clock::now());
}

}  // namespace

ManagedRules::ManagedRules(const std::string& state_path, ManagedPaths paths)
    : store_(state_path), paths_(std::move(paths)), rules_(store_.load()) {}

void ManagedRules::write_files() {
    std::lock_guard lock(mutex_);
    write_file_atomically(paths_.rule_file, render_rule_file(rules_));
    write_file_atomically(paths_.channels_file, render_channels(rules_));
}

std::vector<ApiRule> ManagedRules::list() const {
    std::lock_guard lock(mutex_);
    return rules_;
}

std::optional<ApiRule> ManagedRules::get(const std::string& id) const {
    std::lock_guard lock(mutex_);
    for (const auto& r : rules_)
        if (r.id == id) return r;
    return std::nullopt;
}

void ManagedRules::apply(const std::vector<ApiRule>& next) {
    // Rendering checks every condition before anything is written.
    auto rule_text = render_rule_file(next);
    auto channels_text = render_channels(next);
    write_file_atomically(paths_.rule_file, rule_text);
    write_file_atomically(paths_.channels_file, channels_text);
    auto errors = reload_ ? reload_() : std::vector<std::string>{};
    if (errors.empty()) return;
    write_file_atomically(paths_.rule_file, render_rule_file(rules_));
    write_file_atomically(paths_.channels_file, render_channels(rules_));
    if (reload_) reload_();
    std::string reason = "the ruler did not take the change:";
    for (const auto& e : errors) reason += " " + e;
    throw RejectedChange(reason);
}

ApiRule ManagedRules::create(ApiRule rule) {
    std::lock_guard lock(mutex_);
    rule.id = random_uuid();
    rule.created_at = rule.updated_at = now_text();
    auto next = rules_;
    next.push_back(rule);
    apply(next);
    store_.save(rule);
    rules_ = std::move(next);
    log::info("alert rule created", {{"id", rule.id}, {"name", rule.name}});
    return rule;
}

std::optional<ApiRule> ManagedRules::update(const std::string& id, ApiRule rule) {
    std::lock_guard lock(mutex_);
    auto found =
        std::find_if(rules_.begin(), rules_.end(), [&](const auto& r) { return r.id == id; });
    if (found == rules_.end()) return std::nullopt;
    rule.id = id;
    rule.created_at = found->created_at;
    rule.updated_at = now_text();
    auto next = rules_;
    next[static_cast<std::size_t>(found - rules_.begin())] = rule;
    apply(next);
    store_.save(rule);
    rules_ = std::move(next);
    log::info("alert rule updated", {{"id", id}, {"name", rule.name}});
    return rule;
}

bool ManagedRules::remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto next = rules_;
    auto gone = std::erase_if(next, [&](const auto& r) { return r.id == id; });
    if (gone == 0) return false;
    apply(next);
    store_.remove(id);
    rules_ = std::move(next);
    log::info("alert rule deleted", {{"id", id}});
    return true;
}

}  // namespace stackwatch::managed
