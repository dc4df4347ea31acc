#pragma once
// External HTTP(S) dependencies, checked through libcurl with their own timeout.

#include <nlohmann/json.hpp>

#include "exporter/health/health_config.hpp"

namespace stackwatch::exporter::health {

nlohmann::json check_external(const ExternalCheck& check, std::chrono::milliseconds budget);

}  // namespace stackwatch::exporter::health
