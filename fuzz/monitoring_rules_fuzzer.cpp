// The body of POST and PUT /monitoring/alerts/rules: JSON read as the handler does, the rule's
// fields checked, its condition turned into PromQL, and that PromQL parsed, as creating the rule
// renders and checks it. Bad bodies give InvalidRule (the handler's 400).

#include <cstdio>
#include <cstdlib>

#include "common/config.hpp"
#include "fuzz/fuzz_input.hpp"
#include "ruler/managed/api_rule.hpp"
#include "ruler/managed/condition.hpp"
#include "ruler/promql/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch;
    auto body = nlohmann::json::parse(fuzz::as_text(data, size), nullptr, false);
    if (body.is_discarded()) return 0;  // the handler's "the body is not valid JSON"
    try {
        auto rule = managed::rule_from_json(body);
        (void)managed::rule_to_json(rule).dump();
        auto alert = managed::condition_to_promql(rule);
        promql::parse(alert.expr);
        if (!alert.for_duration.empty()) stackwatch::parse_duration(alert.for_duration);
    } catch (const managed::InvalidRule&) {
        // bad input, cleanly refused
    } catch (const promql::ParseError&) {
        // a PromQL condition that does not parse, which creating the rule refuses
    }
    return 0;
}
