#pragma once
// A LatencyObserver that remembers what it was told, for asserting that probes are reported.

#include <string>
#include <vector>

#include "exporter/target.hpp"

namespace stackwatch::test {

struct RecordingLatency : exporter::LatencyObserver {
    struct Observation {
        std::string target, what;
        double seconds;
    };
    std::vector<Observation> probes, collectors;
    void probe(const std::string& target, const std::string& kind, double seconds) override {
        probes.push_back({target, kind, seconds});
    }
    void collector(const std::string& target, const std::string& collector,
                   double seconds) override {
        collectors.push_back({target, collector, seconds});
    }
};

}  // namespace stackwatch::test
