#pragma once
// A recording rule: its expression's result renamed to the rule's name, with its labels added.

#include "ruler/rules/rule.hpp"

namespace stackwatch::rules {

class RecordingRule : public Rule {
  public:
    using Rule::Rule;

    promql::Vector eval(promql::Timestamp t, datasource::Datasource& data, int limit) override;
    nlohmann::json to_json() const override;
};

}  // namespace stackwatch::rules
