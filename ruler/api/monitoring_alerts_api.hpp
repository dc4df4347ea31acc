#pragma once
// The runbook's alert endpoints: GET /monitoring/alerts/active and /monitoring/alerts/stats
// (viewer), POST /monitoring/alerts/{alertId}/acknowledge, /unacknowledge and /resolve, and
// POST /monitoring/alerts/groups/acknowledge (operator).

#include <memory>

#include "common/http_server.hpp"
#include "ruler/oncall/oncall.hpp"
#include "ruler/rules/rule_manager.hpp"

namespace stackwatch::ruler {

void register_monitoring_alerts_api(http::Server& server, oncall::OnCall& oncall,
                                    RuleManager& rules,
                                    std::shared_ptr<const http::Authenticator> auth);

}  // namespace stackwatch::ruler
