#pragma once
// Inhibition as Alertmanager's inhibit package does it: a firing source alert mutes every target
// alert that agrees with it on the `equal` labels (an absent label counts as empty), and an alert
// that matches both sides is never muted by itself or by another two-sided one. Sources are
// indexed by their `equal` values, so a check costs one lookup per rule, not a scan.

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
    // Which rule keys each source sits under, so a changed or forgotten alert leaves no stale
    // entry.
    std::unordered_map<Fingerprint, std::vector<std::pair<std::size_t, std::string>>> placed_;
    mutable std::mutex mutex_;
    void remove_locked(Fingerprint fp);
};

}  // namespace stackwatch::notify
