// The exporter's targets file (auth_modules, postgres, redis, processes) and its health section,
// as the exporter reads them at start. Every error is a ConfigError naming file:line:column.

#include "exporter/exporter_config.hpp"
#include "exporter/health/health_config.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch;
    try {
        auto root = ConfigNode::load_string(std::string(fuzz::as_text(data, size)), "exporter.yml");
        exporter::ExporterConfig config;
        config.config_file = "exporter.yml";
        exporter::read_targets(config, root);
        auto health = exporter::health::parse_health_config(config.health);
        (void)health;
    } catch (const ConfigError&) {
        // bad input, cleanly refused
    }
    return 0;
}
