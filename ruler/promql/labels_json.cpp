#include "ruler/promql/labels_json.hpp"

namespace stackwatch::promql {

nlohmann::json labels_json(const Labels& labels) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& label : labels) out[label.name] = label.value;
    return out;
}

Labels labels_from_json(const nlohmann::json& object) {
    std::vector<Label> labels;
    for (const auto& [name, value] : object.items())
        labels.push_back({name, value.get<std::string>()});
    return Labels(std::move(labels));
}

}  // namespace stackwatch::promql
