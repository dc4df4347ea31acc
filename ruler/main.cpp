#include <iostream>

#include "common/flags.hpp"
#include "common/version.hpp"

int main(int argc, char** argv) {
    using stackwatch::FlagSet;
    std::string config = "ruler.yml";
    FlagSet flags("stackwatch-ruler", "Evaluates Prometheus alerting and recording rules.",
                  stackwatch::kVersion);
    flags.add_string("config.file", "Ruler configuration file.", &config);
    switch (flags.parse(argc, argv, std::cout, std::cerr)) {
        case FlagSet::Outcome::exit_success: return 0;
        case FlagSet::Outcome::exit_usage_error: return FlagSet::kUsageErrorExit;
        case FlagSet::Outcome::run: break;
    }
    return 0;
}
