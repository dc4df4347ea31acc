// An Alertmanager configuration file as the ruler reads it: global, route tree, receivers,
// inhibit rules, time intervals, escalation policies. Every error is a ConfigError naming
// file:line:column. The templates globs are kept as written; nothing reads them here.

#include "fuzz/fuzz_input.hpp"
#include "ruler/notify/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch;
    try {
        auto config =
            notify::parse_notify_config(std::string(fuzz::as_text(data, size)), "alertmanager.yml");
        (void)config;
    } catch (const ConfigError&) {
        // bad input, cleanly refused
    }
    return 0;
}
