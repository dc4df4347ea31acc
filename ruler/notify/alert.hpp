#pragma once
// An alert as Alertmanager holds it: labels, annotations, when it started and ends, where it came
// from, and Alertmanager's rules for merging a resent copy, its fingerprint, its order in a
// notification and its status at a given time.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ruler/promql/value.hpp"

namespace stackwatch::notify {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using Fingerprint = std::uint64_t;

struct Alert {
    promql::Labels labels;
    std::map<std::string, std::string> annotations;
    TimePoint starts_at{};
    std::optional<TimePoint> ends_at;  // nullopt: Go's zero time, "firing until told otherwise"
    std::string generator_url;
    TimePoint updated_at{};
    bool timeout = false;  // ends_at was set from resolve_timeout, not by the sender
    // Resolved through the on-call API: resends of the same firing stay resolved until the
    // sender resolves it too or it starts again.
    bool resolved_by_hand = false;

    Fingerprint fingerprint() const;
    bool resolved_at(TimePoint t) const { return ends_at && *ends_at <= t; }
    // "firing" or "resolved" at t.
    const char* status_at(TimePoint t) const { return resolved_at(t) ? "resolved" : "firing"; }
    std::string name() const { return labels.get("alertname"); }

    bool operator==(const Alert&) const = default;
};

// One held alert as the manager, its aggregation groups and the API share it: Alertmanager's
// groups hold pointers into its alert store too, and a copy per group doubled the memory.
using SharedAlert = std::shared_ptr<const Alert>;

// model.LabelSet.Fingerprint: FNV-1a over the sorted names and values.
Fingerprint fingerprint_of(const promql::Labels& labels);
// %016x, as the API and webhooks print fingerprints.
std::string fingerprint_text(Fingerprint fp);

// types.Alert.Merge: the younger copy wins, except the earliest start is kept, and a sender's
// own endsAt beats a timeout-made one.
Alert merge(const Alert& older, const Alert& younger);

// provider/mem's Put: a resent copy merges with the held alert when their times overlap, else
// it replaces it (an alert that starts again after resolving is a new alert).
bool overlaps(const Alert& held, const Alert& incoming);

// A stable id for one firing of an alert: its fingerprint and when it started.
std::string alert_id(const Alert& alert);

// types.AlertSlice's order: by job, then instance, then the whole label set.
void sort_for_notification(std::vector<Alert>& alerts);

// {a="b", c="d"}: model.LabelSet.String, which group keys are made of.
std::string label_set_text(const promql::Labels& labels);

}  // namespace stackwatch::notify
