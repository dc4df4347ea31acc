#include "ruler/promql/labels_json.hpp"

namespace stackwatch::promql {

nlohmann::json labels_json(const Labels& labels) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& label : labels) out[label.name] = label.value;
    return out;
}

}  // namespace stackwatch::promql
