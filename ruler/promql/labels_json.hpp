#pragma once
// A label set as the Prometheus HTTP API writes it: {"name": "value", ...}, for the ruler's API,
// its alert state and its scrape target list alike.

#include <nlohmann/json.hpp>

#include "ruler/promql/value.hpp"

namespace stackwatch::promql {

nlohmann::json labels_json(const Labels& labels);
// The other way, for state files that keep label sets as JSON objects of strings.
Labels labels_from_json(const nlohmann::json& object);

}  // namespace stackwatch::promql
