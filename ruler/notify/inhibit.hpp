#pragma once
// Inhibition as Alertmanager's inhibit package does it: a firing source alert mutes every target
// alert that agrees with it on the `equal` labels (an absent label counts as empty), and an alert
// that matches both sides is never muted by itself or by another two-sided one. Sources are
// indexed by their `equal` values, so a check costs one lookup per rule, not a scan; and rules
// are indexed by a target matcher that names fixed values (alertname="X",
// alertname=~"A|B"), so an alert is checked only against the rules that can mute it.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ruler/notify/alert.hpp"
#include "ruler/notify/config.hpp"

namespace stackwatch::notify {

class Inhibitor {
  public:
    explicit Inhibitor(const std::vector<InhibitRuleConfig>& rules);

    // Every alert the store takes or changes passes here, resolved ones included.
    void observe(const Alert& alert);
    void forget(Fingerprint fp);
    // The fingerprint of an alert that inhibits one with `labels` at `now`, if any.
    std::optional<Fingerprint> inhibited_by(const promql::Labels& labels, TimePoint now) const;

  private:
    struct Source {
        std::optional<TimePoint> ends_at;
        bool also_target = false;
    };
    struct Rule {
        InhibitRuleConfig config;
        // equal-label values -> sources with them
        std::unordered_map<std::string, std::map<Fingerprint, Source>> sources;
        std::string equal_key(const promql::Labels& labels) const;
    };
    std::vector<Rule> rules_;
    // label name -> value -> the rules (in order) one of whose target matchers takes only
    // fixed values of that label, among them this one
    std::map<std::string, std::unordered_map<std::string, std::vector<std::size_t>>> by_target_;
    std::vector<std::size_t> unindexed_;  // rules with no such matcher
    // The rules that an alert with these labels may be a target of, in configuration order.
    std::vector<std::size_t> candidates(const promql::Labels& labels) const;
    // Which rule keys each source sits under, so a changed or forgotten alert leaves no stale
    // entry.
    std::unordered_map<Fingerprint, std::vector<std::pair<std::size_t, std::string>>> placed_;
    mutable std::mutex mutex_;
    void remove_locked(Fingerprint fp);
};

}  // namespace stackwatch::notify
