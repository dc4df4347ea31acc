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

// A firing that started, or (with resolved_by) one that resolved and maybe ended its ack.
struct HistoryChange {
    std::string alert_id;
    promql::Labels labels;  // of a start
    TimePoint at{};
    std::optional<std::string> resolved_by;  // empty string: its sender resolved it
    bool ack_ended = false;
};

class OnCallStore {
  public:
    explicit OnCallStore(const std::string& path);

    void save_ack(const Acknowledgement& ack);
    void delete_ack(const std::string& alert_id);
    std::vector<Acknowledgement> load_acks() const;

    // The first acknowledgement and the resolution are kept; later ones do not move them.
    void acknowledged(const std::string& alert_id, const std::string& by, TimePoint at);
    void resolved(const std::string& alert_id, const std::string& by, TimePoint at);
    void escalated(const std::string& alert_id);
    // One intake's starts and resolutions, committed together; a start known already changes
    // nothing.
    void record(const std::vector<HistoryChange>& changes);
    std::vector<HistoryRow> history(TimePoint from, TimePoint to) const;
    std::vector<std::string> unresolved() const;
    void forget_before(TimePoint before);

    // Running escalations, by group key, as escalation_record() writes them.
    void save_escalation(const std::string& group_key, const std::string& record);
    void delete_escalation(const std::string& group_key);
    std::vector<std::pair<std::string, std::string>> load_escalations() const;

  private:
    void write_started(const std::string& alert_id, const promql::Labels& labels, TimePoint at);
    void write_resolved(const std::string& alert_id, const std::string& by, TimePoint at);
    void write_delete_ack(const std::string& alert_id);

    ruler::sqlite::Database db_;
    mutable std::mutex mutex_;
};

}  // namespace stackwatch::oncall
