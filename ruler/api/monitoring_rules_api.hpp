#pragma once
// The runbook's rule management: GET /monitoring/alerts/rules (every alerting rule: those made
// here, editable, and those of rule files, read-only), POST (create), GET/PUT/DELETE
// /monitoring/alerts/rules/{id}. Reading is for viewers, changing for admins.

#include <memory>

#include "common/http_server.hpp"
#include "ruler/managed/managed_rules.hpp"
#include "ruler/rules/rule_manager.hpp"

namespace stackwatch::ruler {

void register_monitoring_rules_api(http::Server& server, managed::ManagedRules& managed,
                                   RuleManager& rules,
                                   std::shared_ptr<const http::Authenticator> auth);

}  // namespace stackwatch::ruler
