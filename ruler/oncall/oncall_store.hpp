#pragma once
// The on-call state in the ruler's sqlite file: acknowledgements in force, and one history row
// per firing of an alert (when it started, was acknowledged and resolved, and by whom) for the
// statistics. Written on every change, so a restart keeps both.

#include <optional>
#include <string>
#include <vector>

#include "ruler/notify/alert.hpp"
#include "ruler/state/sqlite.hpp"

namespace stackwatch::oncall {

using notify::TimePoint;

struct Acknowledgement {
    std::string alert_id;
    std::string by;
    std::string comment;
    TimePoint at{};
    std::optional<TimePoint> expires_at;

    bool in_force(TimePoint now) const { return !expires_at || *expires_at > now; }
};

struct HistoryRow {
    std::string alert_id;
    promql::Labels labels;
    TimePoint started_at{};
    std::optional<TimePoint> acknowledged_at;
    std::string acknowledged_by;
    std::optional<TimePoint> resolved_at;
    std::string resolved_by;  // empty: its sender resolved it
    int escalations = 0;
};

class OnCallStore {
  public:
    explicit OnCallStore(const std::string& path);

    void save_ack(const Acknowledgement& ack);
    void delete_ack(const std::string& alert_id);
    std::vector<Acknowledgement> load_acks() const;

    // A new firing; nothing happens when it is known already.
    void started(const std::string& alert_id, const promql::Labels& labels, TimePoint at);
    // The first acknowledgement and the resolution are kept; later ones do not move them.
    void acknowledged(const std::string& alert_id, const std::string& by, TimePoint at);
    void resolved(const std::string& alert_id, const std::string& by, TimePoint at);
    void escalated(const std::string& alert_id);
    std::vector<HistoryRow> history(TimePoint from, TimePoint to) const;
    std::vector<std::string> unresolved() const;
    void forget_before(TimePoint before);

    // Running escalations, by group key, as escalation_record() writes them.
    void save_escalation(const std::string& group_key, const std::string& record);
    void delete_escalation(const std::string& group_key);
    std::vector<std::pair<std::string, std::string>> load_escalations() const;

  private:
    ruler::sqlite::Database db_;
    mutable std::mutex mutex_;
};

}  // namespace stackwatch::oncall
