#pragma once
// The JSON shapes of on-call records, shared by the /monitoring API and the event stream.

#include <nlohmann/json.hpp>

#include "ruler/oncall/alert_stats.hpp"
#include "ruler/oncall/oncall.hpp"

namespace stackwatch::oncall {

nlohmann::json acknowledgement_json(const Acknowledgement& ack);
nlohmann::json active_alert_json(const ActiveAlert& alert);
// A transition as the event stream sends it.
nlohmann::json transition_json(const TransitionEvent& event);
nlohmann::json stats_json(const AlertStats& stats);

}  // namespace stackwatch::oncall
