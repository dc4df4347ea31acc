// ruler.yml as the ruler reads it: YAML, global, rule_files, scrape_configs, alerting,
// datasource and error_tracking. Every error is a ConfigError naming file:line:column.
// The file's folder does not exist, so relative rule_files globs match nothing.

#include "fuzz/fuzz_input.hpp"
#include "ruler/config/ruler_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch;
    static const std::string kPath = "/nonexistent-stackwatch-fuzz/ruler.yml";
    try {
        auto root = ConfigNode::load_string(std::string(fuzz::as_text(data, size)), kPath);
        auto config = ruler::parse_ruler_config(root, kPath);
        (void)config;
    } catch (const ConfigError&) {
        // bad input, cleanly refused
    }
    return 0;
}
