#pragma once
// The runbook's /monitoring/metrics: this process' memory (heap, RSS), CPU (user, system),
// process facts and uptime, as both programs serve it and the ruler's event stream sends it.

#include <nlohmann/json.hpp>

namespace stackwatch::process {

nlohmann::json process_report();

}  // namespace stackwatch::process
