// A Prometheus rule file as the ruler loads it: YAML, groups, rules, their PromQL and their
// templates checked. parse_rule_file reports every problem as an error string and throws
// nothing, so no exception is caught here: any that escapes is a finding.

#include "fuzz/fuzz_input.hpp"
#include "ruler/rules/rule_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string content(stackwatch::fuzz::as_text(data, size));
    auto result = stackwatch::rules::parse_rule_file(content, "fuzz.rules.yml");
    (void)result.file.rule_count();
    return 0;
}
