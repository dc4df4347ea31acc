#include <iostream>

#include "common/flags.hpp"
#include "common/version.hpp"

int main(int argc, char** argv) {
    using stackwatch::FlagSet;
    std::string listen = ":9839";
    FlagSet flags("stackwatch-exporter", "PostgreSQL, Redis and process metrics for Prometheus.",
                  stackwatch::kVersion);
    flags.add_string("web.listen-address", "Address to listen on for metrics and health.", &listen);
    switch (flags.parse(argc, argv, std::cout, std::cerr)) {
        case FlagSet::Outcome::exit_success: return 0;
        case FlagSet::Outcome::exit_usage_error: return FlagSet::kUsageErrorExit;
        case FlagSet::Outcome::run: break;
    }
    return 0;
}
