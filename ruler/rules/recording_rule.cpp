#include "ruler/rules/recording_rule.hpp"

#include <set>

#include "ruler/promql/labels_json.hpp"

namespace stackwatch::rules {

promql::Vector RecordingRule::eval(promql::Timestamp t, datasource::Datasource& data, int limit) {
    promql::Vector vector = query_vector(data, expr(), t);
    std::set<promql::Labels> seen;
    for (auto& sample : vector) {
        sample.labels.set(promql::kMetricName, name());
        for (const auto& l : labels()) sample.labels.set(l.name, l.value);
        sample.t = t;
        if (!seen.insert(sample.labels).second)
            throw RuleError(
                "vector contains metrics with the same labelset after applying rule labels");
    }
    if (limit > 0 && vector.size() > static_cast<std::size_t>(limit))
        throw RuleError("exceeded limit of " + std::to_string(limit) + " with " +
                        std::to_string(vector.size()) + " series");
    return vector;
}

nlohmann::json RecordingRule::to_json() const {
    nlohmann::json out = {{"name", name()}, {"query", query()}};
    if (!labels().empty()) out["labels"] = labels_json(labels());
    add_status_json(out);
    out["type"] = "recording";
    return out;
}

}  // namespace stackwatch::rules
